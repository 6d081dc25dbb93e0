// Property: whatever random workload is applied, no money or stock appears or vanishes.
//   Σ balances + Σ spent on accepted orders == Σ accepted top-ups
//   Σ remain   + Σ sold in accepted orders  == Σ accepted restocks
// and a rejected event leaves the state exactly as it was. Also: two states fed the same
// events are identical (determinism).

#include <gtest/gtest.h>

#include <random>

#include "canonical_export.hpp"
#include "lmx/core/business_logic.hpp"

namespace lmx {
namespace {

// A hostile random workload: small id spaces so that orders hit every rule, amounts near
// the int64 edges now and then.
Event random_event(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  auto amount = [&] { return pick(0, 20) == 0 ? INT64_MAX - pick(0, 5) : pick(-2, 500); };
  auto sku = [&] { return Sku::from(std::string(1, static_cast<char>('a' + pick(0, 6)))); };
  switch (pick(0, 2)) {
    case 0:
      return Event::make_topup(pick(-3, 8), amount());
    case 1:
      return Event::make_add_item(sku(), amount(), pick(0, 3) != 0, pick(-1, 60));
    default: {
      Event e;
      e.type = EventType::order;
      e.user_id = pick(-3, 8);
      const auto lines = pick(0, 5);
      for (std::int64_t i = 0; i < lines; ++i) e.add_line(sku(), pick(-1, 6));
      return e;
    }
  }
}

// Sums of int64 values can exceed int64; 128 bits cannot overflow here.
__extension__ using Wide = __int128;

Wide sum_balances(const State& s) {
  Wide total = 0;
  for (const User& u : s.users()) total += u.balance;
  return total;
}

Wide sum_remain(const State& s) {
  Wide total = 0;
  for (const Item& i : s.items()) total += i.remain;
  return total;
}

TEST(MoneyInvariant, RandomWorkloadsConserveMoneyAndStock) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    State state;
    State twin;
    Wide topped_up = 0, spent = 0, stocked = 0, sold = 0;
    std::size_t accepted_orders = 0;
    for (int n = 0; n < 3000; ++n) {
      const Event e = random_event(rng);
      const State before = state;
      const Wide balances_before = sum_balances(state);
      const Wide remain_before = sum_remain(state);
      const Result r = apply(state, e);
      ASSERT_EQ(apply(twin, e).reason, r.reason);
      if (!r.accepted()) {
        ASSERT_TRUE(state == before) << "seed " << seed << " event " << n;
        continue;
      }
      if (e.type == EventType::topup) topped_up += e.amount;
      if (e.type == EventType::add_item) stocked += e.count;
      if (e.type == EventType::order) {
        ++accepted_orders;
        spent += balances_before - sum_balances(state);
        sold += remain_before - sum_remain(state);
        ASSERT_GE(balances_before - sum_balances(state), 0);
      }
      ASSERT_EQ(sum_balances(state) + spent, topped_up) << "seed " << seed << " event " << n;
      ASSERT_EQ(sum_remain(state) + sold, stocked) << "seed " << seed << " event " << n;
    }
    EXPECT_GT(accepted_orders, 0u) << "the workload must exercise accepted orders";
    for (const User& u : state.users()) EXPECT_GE(u.balance, 0);
    for (const Item& i : state.items()) EXPECT_GE(i.remain, 0);
    std::string a, b;
    append_canonical_export(state, a);
    append_canonical_export(twin, b);
    EXPECT_EQ(a, b);
  }
}

}  // namespace
}  // namespace lmx
