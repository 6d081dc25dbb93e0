// Lookup hints (core/lookup_hint.hpp, core/prefetch.hpp): where the lookahead saw an event's
// entities. They are a speed-up only: whatever a hint holds (right, stale, out of range,
// none), apply() gives the same result and leaves the same state; and the lookahead fills
// them in for every event it looked ahead of.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "lmx/core/business_logic.hpp"
#include "lmx/core/prefetch.hpp"

namespace lmx {
namespace {

Sku sku(std::int64_t n) {
  return Sku::from("sku-" + std::to_string(n));
}

// Users 1-12 and items 1-12, a few of them never created; orders of up to 6 lines, with
// repeated items, so that merged lines take the hint of their first line.
Event random_event(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  switch (pick(0, 3)) {
    case 0:
      return Event::make_topup(pick(1, 12), pick(0, 900));
    case 1:
      return Event::make_add_item(sku(pick(1, 10)), pick(1, 9), pick(0, 2) != 0, pick(1, 40));
    case 2:
      return Event::make_set_price(sku(pick(1, 10)), pick(1, 40));
    default: {
      Event e;
      e.type = EventType::order;
      e.user_id = pick(1, 12);
      const auto lines = pick(1, 6);
      for (std::int64_t i = 0; i < lines; ++i) e.add_line(sku(pick(1, 12)), pick(1, 3));
      return e;
    }
  }
}

std::uint32_t index_of(const State& state, std::int64_t user_id) {
  const User* user = state.find_user(user_id);
  return user == nullptr ? FlatIndex::npos
                         : static_cast<std::uint32_t>(user - state.users().data());
}

std::uint32_t index_of(const State& state, const Sku& item_id) {
  const Item* item = state.find_item(item_id);
  return item == nullptr ? FlatIndex::npos
                         : static_cast<std::uint32_t>(item - state.items().data());
}

// A hint of each kind: none, the right index, any index (often another entity's, or past
// the end).
std::uint32_t random_hint(std::mt19937_64& rng, std::uint32_t right) {
  switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
    case 0:
      return FlatIndex::npos;
    case 1:
      return right;
    default:
      return std::uniform_int_distribution<std::uint32_t>(0, 16)(rng);
  }
}

TEST(LookupHint, AnyHintGivesTheSameResultAndState) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    State plain;
    State hinted;
    for (int n = 0; n < 2000; ++n) {
      const Event e = random_event(rng);
      LookupHint hint;
      hint.user = random_hint(rng, index_of(hinted, e.user_id));
      for (std::size_t k = 0; k < hint.items.size(); ++k) {
        const Sku& item = e.type == EventType::order ? e.lines[k].item_id : e.item_id;
        const bool named = e.type == EventType::order ? k < e.line_count : k == 0;
        hint.items[k] =
            random_hint(rng, named && item.valid() ? index_of(hinted, item) : FlatIndex::npos);
      }
      const Result expected = apply(plain, e);
      ASSERT_EQ(apply(hinted, e, hint), expected) << "seed " << seed << " event " << n;
      ASSERT_TRUE(hinted == plain) << "seed " << seed << " event " << n;
    }
  }
}

TEST(LookupHint, LookaheadHintsWhereEachEventsEntitiesAre) {
  State state;
  for (std::int64_t user = 1; user <= 50; ++user) (void)apply(state, Event::make_topup(user, 10));
  for (std::int64_t item = 1; item <= 20; ++item) {
    (void)apply(state, Event::make_add_item(sku(item), 5, true, 3));
  }
  std::mt19937_64 rng(7);
  std::vector<Event> batch;
  for (int n = 0; n < 64; ++n) {
    Event e;
    e.type = EventType::order;
    e.user_id = 1 + static_cast<std::int64_t>(rng() % 60);  // 51-60: no such user
    for (int line = 0; line < 5; ++line)
      e.add_line(sku(1 + static_cast<std::int64_t>(rng() % 25)), 1);
    batch.push_back(e);
  }
  batch[40] = Event::make_add_item(sku(7), 1, false, 0);
  batch[41] = Event::make_topup(9, 1);

  // Two batches through one lookahead, as a logic stage runs it: ring sequences 0-63, then
  // 1003-1066 (not a multiple of its ring's size).
  Lookahead lookahead;
  for (const std::int64_t first : {std::int64_t{0}, std::int64_t{1003}}) {
    const auto at = [&](std::int64_t k) -> const Event& {
      return batch[static_cast<std::size_t>(k - first)];
    };
    const auto last = first + static_cast<std::int64_t>(batch.size()) - 1;
    lookahead.start_batch(state, first, last, at);
    for (std::int64_t i = first; i <= last; ++i) {
      const LookupHint hint = lookahead.advance(state, i, last, at);
      const Event& e = at(i);
      if (i < first + prefetch_distance) {
        // Nothing looked ahead of the batch's first events, whatever the batch before saw.
        EXPECT_EQ(hint.user, FlatIndex::npos) << i;
        for (const std::uint32_t item : hint.items) EXPECT_EQ(item, FlatIndex::npos) << i;
        continue;
      }
      // With few entities, no two keys share the 32 bits of hash a slot keeps: the first
      // candidate is the entity, or npos for a key that is not there.
      if (e.type != EventType::add_item) {
        EXPECT_EQ(hint.user, index_of(state, e.user_id)) << i;
      }
      if (e.type == EventType::order) {
        for (std::uint32_t k = 0; k < lookahead_lines_max; ++k) {
          EXPECT_EQ(hint.items[k], index_of(state, e.lines[k].item_id)) << i << " line " << k;
        }
      }
      if (e.type == EventType::add_item) {
        EXPECT_EQ(hint.items[0], index_of(state, e.item_id)) << i;
      }
    }
  }
}

// Applied as the logic stage applies a batch, entities created within it included (whose
// hint, taken before they existed, is npos): the same results and state as with no hints,
// and most events' hints are the entity itself.
TEST(LookupHint, BatchesAppliedWithTheLookaheadMatchNoHints) {
  std::mt19937_64 rng(11);
  State hinted;
  State plain;
  Lookahead lookahead;
  std::size_t taken = 0;
  std::size_t applied = 0;
  for (std::int64_t first = 0; first < 4000; first += 500) {
    std::vector<Event> batch;
    for (int n = 0; n < 500; ++n) batch.push_back(random_event(rng));
    const auto at = [&](std::int64_t k) -> const Event& {
      return batch[static_cast<std::size_t>(k - first)];
    };
    const std::int64_t last = first + 499;
    lookahead.start_batch(hinted, first, last, at);
    for (std::int64_t i = first; i <= last; ++i) {
      const LookupHint& hint = lookahead.advance(hinted, i, last, at);
      const Event& e = at(i);
      if (e.type == EventType::topup || e.type == EventType::order) {
        taken += hint.user != FlatIndex::npos && hint.user == index_of(hinted, e.user_id);
      }
      const Result expected = apply(plain, e);
      ASSERT_EQ(apply(hinted, e, hint), expected) << i;
      ASSERT_TRUE(hinted == plain) << i;
      ++applied;
    }
  }
  // Top-ups and orders are half the events; after the first batches nearly every user exists.
  EXPECT_GT(taken, applied / 3);
}

}  // namespace
}  // namespace lmx
