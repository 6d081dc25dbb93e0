// The id record: ids found after recording, the oldest forgotten past the horizon, the ring
// compared in recorded order, and the flat index's erase kept consistent under churn.

#include "lmx/core/id_record.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "lmx/core/flat_index.hpp"

namespace lmx {
namespace {

CommandId id(std::uint64_t n) {
  return CommandId::from("cmd-" + std::to_string(n));
}

std::vector<RecordedId> in_order(const IdRecord& record) {
  std::vector<RecordedId> all(record.oldest().begin(), record.oldest().end());
  all.insert(all.end(), record.newest().begin(), record.newest().end());
  return all;
}

TEST(IdRecord, FindsWhatItRecordedWithItsOutcome) {
  IdRecord record(10);
  EXPECT_EQ(record.find(id(1)), nullptr);
  record.record(id(1), Position{0, 4}, Reason::insufficient_balance);
  const RecordedId* found = record.find(id(1));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->position, (Position{0, 4}));
  EXPECT_EQ(found->reason, Reason::insufficient_balance);
  EXPECT_EQ(record.find(id(2)), nullptr);
  // Ids are bytes: a prefix, or the same text with a NUL after it, is another id.
  EXPECT_EQ(record.find(CommandId::from("cmd-")), nullptr);
  EXPECT_EQ(record.find(CommandId::from(std::string("cmd-1\0", 6))), nullptr);
}

TEST(IdRecord, ForgetsTheOldestPastTheHorizon) {
  IdRecord record(3);
  for (std::uint64_t n = 1; n <= 5; ++n) record.record(id(n), Position{0, n}, Reason::accepted);
  EXPECT_EQ(record.size(), 3U);
  EXPECT_EQ(record.find(id(1)), nullptr);
  EXPECT_EQ(record.find(id(2)), nullptr);
  for (std::uint64_t n = 3; n <= 5; ++n) ASSERT_NE(record.find(id(n)), nullptr) << n;
  const std::vector<RecordedId> kept = in_order(record);
  ASSERT_EQ(kept.size(), 3U);
  EXPECT_EQ(kept.front().id, id(3));
  EXPECT_EQ(kept.back().id, id(5));
  // A forgotten id can be recorded again.
  record.record(id(1), Position{0, 6}, Reason::accepted);
  EXPECT_EQ(record.find(id(1))->position, (Position{0, 6}));
  EXPECT_EQ(record.find(id(3)), nullptr);
}

TEST(IdRecord, EqualityIsByRecordedOrderNotRingPhase) {
  IdRecord a(3);
  for (std::uint64_t n = 1; n <= 5; ++n) a.record(id(n), Position{0, n}, Reason::accepted);
  IdRecord b(3);
  b.assign(3, in_order(a));  // the same records, the ring starting at slot 0
  EXPECT_EQ(a, b);
  b.record(id(6), Position{0, 6}, Reason::accepted);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(IdRecord(3) == IdRecord(4)) << "the horizon is part of the state";
}

TEST(IdRecord, AssignRefusesWhatNoRecordHolds) {
  IdRecord record(2);
  const RecordedId one{Position{0, 1}, Reason::accepted, id(1)};
  const RecordedId two{Position{0, 2}, Reason::accepted, id(2)};
  const RecordedId three{Position{0, 3}, Reason::accepted, id(3)};
  EXPECT_THROW(record.assign(2, {one, two, three}), std::invalid_argument);
  EXPECT_THROW(record.assign(2, {one, one}), std::invalid_argument);
  EXPECT_THROW(record.assign(2, {RecordedId{Position{0, 1}, Reason::accepted, CommandId{}}}),
               std::invalid_argument);
  EXPECT_THROW(IdRecord(0), std::invalid_argument);
  EXPECT_THROW(IdRecord(id_horizon_max + 1), std::invalid_argument);
  record.assign(2, {one, two});
  EXPECT_NE(record.find(id(2)), nullptr);
}

// Random records under a small horizon, checked against a plain map of the last ones:
// exercises the index's erase at every probe-run shape, growth included.
TEST(IdRecord, StaysConsistentWithAReferenceUnderChurn) {
  constexpr std::uint64_t horizon = 700;
  IdRecord record(horizon);
  std::map<std::string, std::uint64_t> last_recorded;  // id -> sequence of recording
  std::vector<std::string> order;
  std::mt19937_64 random(7);
  for (std::uint64_t step = 1; step <= 20000; ++step) {
    const std::string text = fmt::format("k{}", random() % 2000);
    const CommandId command = CommandId::from(text);
    const bool kept = last_recorded.contains(text) && order.size() - last_recorded[text] <= horizon;
    ASSERT_EQ(record.find(command) != nullptr, kept) << step;
    if (kept) continue;
    record.record(command, Position{0, step}, Reason::accepted);
    last_recorded[text] = order.size();
    order.push_back(text);
  }
  EXPECT_EQ(record.size(), horizon);
}

TEST(FlatIndex, EraseKeepsEveryOtherKeyFindable) {
  FlatIndex index;
  // Every key collides on the same home slot: erasing from the middle of the run must
  // shift the rest back.
  constexpr std::uint64_t hash = 5;
  for (std::uint32_t i = 0; i < 6; ++i) index.insert(hash, i);
  index.erase(hash, 2);
  index.erase(hash, 0);
  for (std::uint32_t i = 0; i < 6; ++i) {
    const bool present = i != 0 && i != 2;
    EXPECT_EQ(index.find(hash, [&](std::uint32_t j) { return j == i; }) != FlatIndex::npos, present)
        << i;
  }
  EXPECT_EQ(index.size(), 4U);
}

}  // namespace
}  // namespace lmx
