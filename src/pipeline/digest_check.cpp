#include "pipeline/digest_check.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "lmx/core/state_digest.hpp"

namespace lmx {

DigestCheck::DigestCheck(SnapshotStore& store, Lease& lease, std::string owner)
    : store_(store), lease_(lease), owner_(std::move(owner)) {}

SavedSnapshot DigestCheck::save(const Snapshot& snapshot) {
  try {
    const SavedSnapshot saved = store_.save(snapshot);
    check(snapshot.position, saved.digest);
    return saved;
  } catch (const Fenced&) {
    check(snapshot.position, state_digest(snapshot));
    throw;
  }
}

// A failure to publish or read digests is logged and skipped: the comparison is a check on
// the engines, not a condition of their work.
void DigestCheck::check(Position position, std::uint64_t digest) {
  // Compares with each other engine once per position: `seen` holds those compared.
  const auto compare = [&](Position at, std::uint64_t mine, std::vector<std::string>& seen) {
    for (const auto& [owner, theirs] : lease_.digests(at)) {
      if (owner == owner_ || std::find(seen.begin(), seen.end(), owner) != seen.end()) continue;
      seen.push_back(owner);
      if (theirs == mine) {
        ++agreements_;
        spdlog::info("state digest at {} agrees with engine {}: {:016x}", at.to_string(), owner,
                     mine);
      } else {
        ++mismatches_;
        spdlog::error(
            "state digest mismatch at position {}: this engine ({}) has {:016x}, engine {} has "
            "{:016x}: the engines' states differ although they applied the same log (a "
            "different lmx version, or a fault); compare `lmx digest` on each and stop the "
            "one that is wrong",
            at.to_string(), owner_, mine, owner, theirs);
      }
    }
  };
  try {
    lease_.publish_digest(position, digest);
    if (previous_) compare(previous_->position, previous_->digest, previous_->seen);
    previous_ = Digested{position, digest, {}};
    compare(position, digest, previous_->seen);
  } catch (const Fenced&) {
    throw;
  } catch (const std::exception& e) {
    spdlog::warn("comparing state digests at {}: {}", position.to_string(), e.what());
  }
}

}  // namespace lmx
