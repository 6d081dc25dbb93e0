// Engines on a shared log compare their state digests at each snapshot position: a primary
// (whose store saves) and a standby (whose store the fence refuses) that agree count an
// agreement, states that differ count a mismatch in both engines, the one that published
// first seeing it at its next snapshot.

#include "pipeline/digest_check.hpp"

#include <gtest/gtest.h>

#include <map>

#include "lmx/core/state_digest.hpp"

namespace lmx {
namespace {

// The digests the engines publish beside the log; nothing else of a lease is used.
class Board {
 public:
  std::map<Position, std::vector<std::pair<std::string, std::uint64_t>>> digests;
};

class BoardLease final : public Lease {
 public:
  BoardLease(Board& board, std::string owner) : board_(board), owner_(std::move(owner)) {}
  std::optional<std::uint64_t> try_acquire() override { return std::nullopt; }
  bool renew(std::uint64_t /*epoch*/) override { return false; }
  void release(std::uint64_t /*epoch*/) override {}
  std::optional<LeaseHolder> holder() override { return std::nullopt; }
  std::uint64_t current_epoch() override { return 0; }
  void announce(std::string_view /*status*/) override {}
  std::vector<std::string> announcements() override { return {}; }
  void publish_digest(Position position, std::uint64_t digest) override {
    board_.digests[position].emplace_back(owner_, digest);
  }
  std::vector<std::pair<std::string, std::uint64_t>> digests(Position position) override {
    return board_.digests[position];
  }
  std::chrono::milliseconds ttl() const noexcept override { return std::chrono::seconds{1}; }

 private:
  Board& board_;
  std::string owner_;
};

// Saves (a primary's store) or refuses as the fence does (a standby's).
class Store final : public SnapshotStore {
 public:
  explicit Store(bool fenced) : fenced_(fenced) {}
  SavedSnapshot save(const Snapshot& snapshot) override {
    if (fenced_) throw Fenced("this engine holds no lease");
    return {snapshot.position, state_digest(snapshot), 1};
  }
  std::optional<Snapshot> load_newest(std::vector<std::string>& /*problems*/,
                                      Position /*at_most*/) override {
    return std::nullopt;
  }
  std::optional<Position> oldest_valid(std::vector<std::string>& /*problems*/) override {
    return std::nullopt;
  }

 private:
  bool fenced_;
};

Snapshot state_at(std::uint64_t ms, std::int64_t balance) {
  Snapshot snapshot;
  snapshot.position = Position{ms, 0};
  snapshot.users = {User{7, balance}};
  return snapshot;
}

struct Engines {
  Board board;
  BoardLease primary_lease{board, "a:1"};
  BoardLease standby_lease{board, "b:2"};
  Store primary_store{false};
  Store standby_store{true};
  DigestCheck primary{primary_store, primary_lease, "a:1"};
  DigestCheck standby{standby_store, standby_lease, "b:2"};
};

TEST(DigestCheck, EnginesThatAgreeCountAnAgreementEachAndTheStandbySavesNothing) {
  Engines engines;
  EXPECT_EQ(engines.primary.save(state_at(1000, 5)).position, (Position{1000, 0}));
  EXPECT_THROW((void)engines.standby.save(state_at(1000, 5)), Fenced);
  EXPECT_EQ(engines.standby.agreements(), 1u);
  EXPECT_EQ(engines.primary.agreements(), 0u);  // it published first
  (void)engines.primary.save(state_at(2000, 6));
  EXPECT_EQ(engines.primary.agreements(), 1u);  // sees the standby's at 1000 now, once
  (void)engines.primary.save(state_at(3000, 6));
  EXPECT_EQ(engines.primary.agreements(), 1u);
  EXPECT_EQ(engines.primary.mismatches() + engines.standby.mismatches(), 0u);
}

TEST(DigestCheck, StatesThatDifferAreAMismatchInBothEngines) {
  Engines engines;
  (void)engines.primary.save(state_at(1000, 5));
  EXPECT_THROW((void)engines.standby.save(state_at(1000, 4)), Fenced);
  EXPECT_EQ(engines.standby.mismatches(), 1u);
  (void)engines.primary.save(state_at(2000, 5));
  EXPECT_EQ(engines.primary.mismatches(), 1u);
  EXPECT_EQ(engines.primary.agreements() + engines.standby.agreements(), 0u);
}

TEST(DigestCheck, AnEngineAloneComparesNothing) {
  Engines engines;
  (void)engines.primary.save(state_at(1000, 5));
  (void)engines.primary.save(state_at(2000, 5));
  EXPECT_EQ(engines.primary.agreements() + engines.primary.mismatches(), 0u);
}

}  // namespace
}  // namespace lmx
