// The state digest: a function of the state alone (the events that built it, in order),
// the same for a state and its snapshot, and different as soon as one event differs.

#include "lmx/core/state_digest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lmx/core/business_logic.hpp"

namespace lmx {
namespace {

Event with_position(Event event, std::uint64_t sequence, std::string_view id = {}) {
  event.position = Position{0, sequence};
  if (!id.empty()) event.id = CommandId::from(id);
  return event;
}

std::vector<Event> events() {
  Event order;
  order.type = EventType::order;
  order.user_id = 7;
  order.add_line(Sku::from("cpu"), 2);
  return {with_position(Event::make_topup(7, 1000), 1, "t-1"),
          with_position(Event::make_add_item(Sku::from("cpu"), 10, true, 250), 2),
          with_position(Event::make_topup(8, 50), 3), with_position(order, 4, "order-1"),
          with_position(Event::make_set_price(Sku::from("ssd"), 90), 5)};
}

State state_of(const std::vector<Event>& log, std::uint64_t id_horizon = id_horizon_default) {
  State state;
  state.ids() = IdRecord(id_horizon);
  for (const Event& event : log) (void)apply(state, event);
  return state;
}

TEST(StateDigest, TwoStatesBuiltFromTheSameEventsDigestAlike) {
  const State a = state_of(events());
  const State b = state_of(events());
  ASSERT_EQ(a, b);
  EXPECT_EQ(state_digest(a), state_digest(b));
  EXPECT_NE(state_digest(a), state_digest(State{}));
}

TEST(StateDigest, OneDifferentEventGivesADifferentDigest) {
  const std::uint64_t digest = state_digest(state_of(events()));
  std::vector<Event> other_amount = events();
  other_amount[2].amount = 51;
  std::vector<Event> other_id = events();
  other_id[3].id = CommandId::from("order-2");
  std::vector<Event> no_id = events();
  no_id[0].id = CommandId{};
  std::vector<Event> shorter = events();
  shorter.pop_back();
  for (const auto& log : {other_amount, other_id, no_id, shorter}) {
    EXPECT_NE(state_digest(state_of(log)), digest);
  }
}

// The state's order is part of it: users created in another order iterate, export and
// snapshot differently, even with the same balances.
TEST(StateDigest, TheOrderEntitiesWereCreatedInCounts) {
  std::vector<Event> swapped = events();
  std::swap(swapped[0], swapped[2]);
  std::swap(swapped[0].position, swapped[2].position);
  const State a = state_of(events());
  const State b = state_of(swapped);
  EXPECT_EQ(a.find_user(8)->balance, b.find_user(8)->balance);
  EXPECT_NE(state_digest(a), state_digest(b));
}

TEST(StateDigest, TheIdHorizonCounts) {
  EXPECT_NE(state_digest(state_of(events(), 1000)), state_digest(state_of(events(), 1001)));
}

// A snapshot digests like the state it was taken from, wherever it was taken: its position
// and entry checksum are not part of the state.
TEST(StateDigest, ASnapshotDigestsLikeItsState) {
  const State state = state_of(events());
  Snapshot snapshot = snapshot_of(state, Position{0, 5});
  EXPECT_EQ(state_digest(snapshot), state_digest(state));
  snapshot.position = Position{9, 9};
  snapshot.entry_checksum = 0xC0FFEEu;
  EXPECT_EQ(state_digest(snapshot), state_digest(state));
}

// The id record is a ring: once it wraps, its records sit in two spans, and the digest
// reads them oldest first, as a snapshot lists them.
TEST(StateDigest, AWrappedIdRecordDigestsLikeItsSnapshot) {
  std::vector<Event> log;
  for (std::uint64_t i = 1; i <= 10; ++i) {
    log.push_back(with_position(Event::make_topup(1, 1), i, "t-" + std::to_string(i)));
  }
  const State state = state_of(log, 4);
  ASSERT_FALSE(state.ids().newest().empty());
  EXPECT_EQ(state_digest(snapshot_of(state, Position{0, 10})), state_digest(state));
}

}  // namespace
}  // namespace lmx
