// Sequence arithmetic: comparison by difference and the atomic operations. The
// one-sequence-per-cache-line layout is a static_assert in sequence.hpp, not a test.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "lmx/disruptor/sequence.hpp"
#include "lmx/disruptor/sequence_group.hpp"

namespace lmx::disruptor {
namespace {

constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t min64 = std::numeric_limits<std::int64_t>::min();

TEST(DisruptorSequence, ComparesByDifferenceAcrossWraparound) {
  EXPECT_TRUE(precedes(-1, 0));
  EXPECT_FALSE(precedes(0, 0));
  EXPECT_FALSE(precedes(5, 4));
  // After a (theoretical) wrap, min64 comes one step after max64.
  EXPECT_TRUE(precedes(max64, min64));
  EXPECT_FALSE(precedes(min64, max64));
  EXPECT_EQ(latest(max64, min64), min64);
  EXPECT_EQ(earliest(max64, min64), max64);
  EXPECT_EQ(earliest(3, 7), 3);
  EXPECT_EQ(latest(3, 7), 7);
}

TEST(DisruptorSequence, StartsAtInitialAndUpdates) {
  Sequence s;
  EXPECT_EQ(s.get(), initial_sequence);
  s.set(41);
  EXPECT_EQ(s.get(), 41);
  s.set(42);
  EXPECT_EQ(s.get(), 42);
  EXPECT_FALSE(s.compare_and_set(41, 50));
  EXPECT_EQ(s.get(), 42);
  EXPECT_TRUE(s.compare_and_set(42, 50));
  EXPECT_EQ(s.get(), 50);
  EXPECT_EQ(s.add_and_get(5), 55);
  EXPECT_EQ(s.get(), 55);
}

TEST(DisruptorSequenceGroup, MinimumIsTheSlowest) {
  Sequence a(10), b(3), c(7);
  const SequenceGroup group{&a, &b, &c};
  EXPECT_EQ(group.count(), 3u);
  EXPECT_EQ(group.minimum(), 3);
  EXPECT_EQ(group.minimum_or(2), 2);
  EXPECT_EQ(group.minimum_or(20), 3);
  b.set(12);
  EXPECT_EQ(group.minimum(), 7);
  EXPECT_EQ(SequenceGroup{}.minimum_or(9), 9);
}

}  // namespace
}  // namespace lmx::disruptor
