#pragma once
// On a log several engines follow (Redis), every engine compares the digest of its state at
// each snapshot position with the other engines' (lmx/core/state_digest.hpp): the engines
// take their snapshots at the same positions (log-time boundaries, logic_stage.hpp), the
// primary saves them and a standby only digests them, and each publishes its digest beside
// the log (Lease::publish_digest). A different digest at one position means the engines
// diverged (a different lmx version, a bug, memory corruption): an error in the log of each
// engine that sees it; the first to publish sees it when it publishes its next digest.
//
// It is the snapshot store of such an engine, in front of the backend's fenced one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lmx/core/lease.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

class DigestCheck final : public SnapshotStore {
 public:
  // `store` saves (fenced); `lease` carries the digests; `owner` names this engine.
  DigestCheck(SnapshotStore& store, Lease& lease, std::string owner);

  // Saves through the store, or, refused by the fence (a standby), digests the snapshot
  // itself and rethrows; either way publishes and compares the digest first.
  SavedSnapshot save(const Snapshot& snapshot) override;
  [[nodiscard]] std::optional<Snapshot> load_newest(std::vector<std::string>& problems,
                                                    Position at_most) override {
    return store_.load_newest(problems, at_most);
  }
  [[nodiscard]] std::optional<Position> oldest_valid(std::vector<std::string>& problems) override {
    return store_.oldest_valid(problems);
  }

  // Digests of other engines found different from this one's so far (snapshot thread).
  [[nodiscard]] std::uint64_t mismatches() const noexcept { return mismatches_; }
  // Comparisons made where another engine had published a digest (snapshot thread).
  [[nodiscard]] std::uint64_t agreements() const noexcept { return agreements_; }

 private:
  void check(Position position, std::uint64_t digest);

  SnapshotStore& store_;
  Lease& lease_;
  std::string owner_;
  // The previous position digested, compared again at the next one: an engine that
  // published first sees the others' digests then.
  struct Digested {
    Position position;
    std::uint64_t digest = 0;
    std::vector<std::string> seen;  // the engines compared with so far
  };
  std::optional<Digested> previous_;
  std::uint64_t mismatches_ = 0;
  std::uint64_t agreements_ = 0;
};

}  // namespace lmx
