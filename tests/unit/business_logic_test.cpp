// Every business rule and every step of the precedence order, one case each.

#include "lmx/core/business_logic.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace lmx {
namespace {

constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();

Event topup(std::int64_t user, std::int64_t amount) {
  return Event::make_topup(user, amount);
}

Event add_item(const std::string& id, std::int64_t count, std::int64_t price) {
  return Event::make_add_item(Sku::from(id), count, true, price);
}

Event restock(const std::string& id, std::int64_t count) {
  return Event::make_add_item(Sku::from(id), count, false, 0);
}

Event order(std::int64_t user, std::initializer_list<std::pair<std::string, std::int64_t>> lines) {
  Event e;
  e.type = EventType::order;
  e.user_id = user;
  for (const auto& [id, quantity] : lines) e.add_line(Sku::from(id), quantity);
  return e;
}

Event set_price(const std::string& id, std::int64_t price) {
  return Event::make_set_price(Sku::from(id), price);
}

Event with_id(Event event, std::string_view id, std::uint64_t position) {
  event.id = CommandId::from(id);
  event.position = Position{0, position};
  return event;
}

class BusinessLogic : public ::testing::Test {
 protected:
  Reason run(const Event& e) { return apply(state, e).reason; }

  // A user 1 with 1000 and items cpu (price 30, 10 left) and ram (price 7, 5 left).
  void stock() {
    ASSERT_EQ(run(topup(1, 1000)), Reason::accepted);
    ASSERT_EQ(run(add_item("cpu", 10, 30)), Reason::accepted);
    ASSERT_EQ(run(add_item("ram", 5, 7)), Reason::accepted);
  }

  std::int64_t balance(std::int64_t user) const { return state.find_user(user)->balance; }
  std::int64_t remain(const std::string& id) const {
    return state.find_item(Sku::from(id))->remain;
  }

  State state;
};

TEST_F(BusinessLogic, MalformedEventIsRejected) {
  EXPECT_EQ(run(Event{}), Reason::malformed);
  EXPECT_TRUE(state.users().empty());
}

TEST_F(BusinessLogic, TopupCreatesUserAndAdds) {
  const Result r = apply(state, topup(7, 500));
  EXPECT_EQ(r.reason, Reason::accepted);
  EXPECT_EQ(r.balance, 500);
  EXPECT_EQ(run(topup(7, 250)), Reason::accepted);
  EXPECT_EQ(balance(7), 750);
}

TEST_F(BusinessLogic, TopupAcceptsAnyInt64UserId) {
  EXPECT_EQ(run(topup(-5, 1)), Reason::accepted);
  EXPECT_EQ(run(topup(std::numeric_limits<std::int64_t>::min(), 1)), Reason::accepted);
  EXPECT_EQ(run(topup(max64, 1)), Reason::accepted);
  EXPECT_EQ(state.users().size(), 3u);
}

TEST_F(BusinessLogic, TopupNonPositiveAmountIsInvalidAndCreatesNoUser) {
  EXPECT_EQ(run(topup(7, 0)), Reason::invalid_amount);
  EXPECT_EQ(run(topup(7, -1)), Reason::invalid_amount);
  EXPECT_EQ(state.find_user(7), nullptr);
}

TEST_F(BusinessLogic, TopupOverflowEdge) {
  EXPECT_EQ(run(topup(1, max64)), Reason::accepted);
  EXPECT_EQ(run(topup(1, 1)), Reason::overflow);
  EXPECT_EQ(balance(1), max64);
  EXPECT_EQ(run(topup(2, max64 - 1)), Reason::accepted);
  EXPECT_EQ(run(topup(2, 1)), Reason::accepted);
  EXPECT_EQ(balance(2), max64);
}

TEST_F(BusinessLogic, AddItemSkuBounds) {
  EXPECT_EQ(run(add_item("", 1, 1)), Reason::invalid_sku);
  EXPECT_EQ(run(add_item(std::string(33, 'x'), 1, 1)), Reason::invalid_sku);
  EXPECT_EQ(run(add_item(std::string(32, 'x'), 1, 1)), Reason::accepted);
  // 32 bytes of UTF-8 (16 two-byte characters) is the limit, not 32 characters.
  std::string accented;
  for (int i = 0; i < 17; ++i) accented += "\xc3\xa9";
  EXPECT_EQ(run(add_item(accented, 1, 1)), Reason::invalid_sku);
}

TEST_F(BusinessLogic, AddItemPrecedence) {
  // invalid_sku before invalid_quantity before invalid_price before price_required.
  EXPECT_EQ(run(add_item("", 0, -1)), Reason::invalid_sku);
  EXPECT_EQ(run(add_item("cpu", 0, -1)), Reason::invalid_quantity);
  EXPECT_EQ(run(add_item("cpu", -3, 1)), Reason::invalid_quantity);
  EXPECT_EQ(run(add_item("cpu", 1, -1)), Reason::invalid_price);
  EXPECT_EQ(run(restock("cpu", 1)), Reason::price_required);
  EXPECT_TRUE(state.items().empty());
}

TEST_F(BusinessLogic, AddItemKeepsOrReplacesPrice) {
  EXPECT_EQ(run(add_item("cpu", 10, 30)), Reason::accepted);
  const Result r = apply(state, restock("cpu", 5));
  EXPECT_EQ(r.reason, Reason::accepted);
  EXPECT_EQ(r.remain, 15);
  EXPECT_EQ(state.find_item(Sku::from("cpu"))->price, 30);
  EXPECT_EQ(run(add_item("cpu", 1, 0)), Reason::accepted);  // a zero price is a price
  EXPECT_EQ(state.find_item(Sku::from("cpu"))->price, 0);
  EXPECT_EQ(remain("cpu"), 16);
}

TEST_F(BusinessLogic, AddItemOverflowEdgeKeepsPrice) {
  EXPECT_EQ(run(add_item("cpu", max64, 5)), Reason::accepted);
  EXPECT_EQ(run(add_item("cpu", 1, 9)), Reason::overflow);
  EXPECT_EQ(remain("cpu"), max64);
  EXPECT_EQ(state.find_item(Sku::from("cpu"))->price, 5);  // a rejected event changes nothing
}

TEST_F(BusinessLogic, OrderChargesQuantityTimesPrice) {
  stock();
  const Result r = apply(state, order(1, {{"cpu", 3}, {"ram", 2}}));
  EXPECT_EQ(r.reason, Reason::accepted);
  EXPECT_EQ(r.balance, 1000 - 90 - 14);
  EXPECT_EQ(balance(1), 896);
  EXPECT_EQ(remain("cpu"), 7);
  EXPECT_EQ(remain("ram"), 3);
}

TEST_F(BusinessLogic, OrderEmptyAndTooManyLines) {
  stock();
  EXPECT_EQ(run(order(1, {})), Reason::empty_order);
  Event big = order(99, {});  // unknown user: too_many_lines comes first
  for (std::size_t i = 0; i < order_lines_max; ++i) big.add_line(Sku::from("cpu"), 1);
  EXPECT_EQ(run(big), Reason::unknown_user);
  big.add_line(Sku::from(""), 0);
  EXPECT_EQ(big.line_count, order_lines_max + 1);
  EXPECT_EQ(run(big), Reason::too_many_lines);
}

TEST_F(BusinessLogic, OrderLinesCheckedInOrder) {
  stock();
  // Line 1's quantity is checked before line 2's id.
  EXPECT_EQ(run(order(1, {{"cpu", 0}, {"", 1}})), Reason::invalid_quantity);
  EXPECT_EQ(run(order(1, {{"cpu", 1}, {"", 0}})), Reason::invalid_sku);
  EXPECT_EQ(run(order(1, {{std::string(33, 'a'), 1}})), Reason::invalid_sku);
  EXPECT_EQ(run(order(1, {{"cpu", -1}})), Reason::invalid_quantity);
  // Line checks come before the user check.
  EXPECT_EQ(run(order(42, {{"cpu", 0}})), Reason::invalid_quantity);
}

TEST_F(BusinessLogic, OrderMergesDuplicateLines) {
  stock();
  EXPECT_EQ(run(order(1, {{"cpu", 6}, {"cpu", 5}})), Reason::out_of_stock);
  EXPECT_EQ(run(order(1, {{"cpu", 5}, {"ram", 1}, {"cpu", 5}})), Reason::accepted);
  EXPECT_EQ(remain("cpu"), 0);
  EXPECT_EQ(balance(1), 1000 - 300 - 7);
}

TEST_F(BusinessLogic, OrderMergedQuantityOverflow) {
  stock();
  // The sum overflows before the user is even looked up.
  EXPECT_EQ(run(order(42, {{"cpu", max64}, {"cpu", 1}})), Reason::overflow);
}

TEST_F(BusinessLogic, OrderUnknownUserBeforeUnknownItem) {
  stock();
  EXPECT_EQ(run(order(42, {{"gpu", 1}})), Reason::unknown_user);
  EXPECT_EQ(run(order(1, {{"gpu", 1}})), Reason::unknown_item);
}

TEST_F(BusinessLogic, OrderUnknownItemBeforeOutOfStock) {
  stock();
  // cpu is out of stock and gpu unknown: every item is checked for existence first.
  EXPECT_EQ(run(order(1, {{"cpu", 11}, {"gpu", 1}})), Reason::unknown_item);
}

TEST_F(BusinessLogic, OrderOutOfStockBeforeOverflowAndBalance) {
  stock();
  EXPECT_EQ(run(add_item("gold", 2, max64)), Reason::accepted);
  EXPECT_EQ(run(order(1, {{"gold", 2}, {"cpu", 11}})), Reason::out_of_stock);
  EXPECT_EQ(run(order(1, {{"gold", 2}})), Reason::overflow);
  EXPECT_EQ(run(order(1, {{"gold", 1}})), Reason::insufficient_balance);
}

TEST_F(BusinessLogic, OrderTotalOverflowAcrossLines) {
  stock();
  EXPECT_EQ(run(add_item("a", 1, max64 / 2 + 1)), Reason::accepted);
  EXPECT_EQ(run(add_item("b", 1, max64 / 2 + 1)), Reason::accepted);
  EXPECT_EQ(run(order(1, {{"a", 1}, {"b", 1}})), Reason::overflow);
}

TEST_F(BusinessLogic, OrderExactBalanceAndStock) {
  stock();
  EXPECT_EQ(run(topup(2, 300)), Reason::accepted);
  EXPECT_EQ(run(order(2, {{"cpu", 10}})), Reason::accepted);
  EXPECT_EQ(balance(2), 0);
  EXPECT_EQ(remain("cpu"), 0);
  EXPECT_EQ(run(order(2, {{"cpu", 1}})), Reason::out_of_stock);
}

TEST_F(BusinessLogic, RejectedOrderChangesNothing) {
  stock();
  const State before = state;
  EXPECT_EQ(run(order(1, {{"cpu", 10}, {"ram", 5}, {"cpu", 1}})), Reason::out_of_stock);
  EXPECT_EQ(run(order(1, {{"cpu", 10}, {"ram", 5}})), Reason::accepted);
  EXPECT_FALSE(before == state);
  State again = before;
  EXPECT_EQ(apply(again, order(1, {{"cpu", 100}})).reason, Reason::out_of_stock);
  EXPECT_TRUE(again == before);
}

TEST_F(BusinessLogic, ZeroPriceOrderIsFree) {
  EXPECT_EQ(run(topup(1, 1)), Reason::accepted);
  EXPECT_EQ(run(add_item("free", 3, 0)), Reason::accepted);
  EXPECT_EQ(run(order(1, {{"free", 3}})), Reason::accepted);
  EXPECT_EQ(balance(1), 1);
}

TEST_F(BusinessLogic, ResultCarriesPosition) {
  Event e = topup(1, 5);
  e.position = Position{17, 3};
  const Result r = apply(state, e);
  EXPECT_EQ(r.position, (Position{17, 3}));
  EXPECT_EQ(r.type, EventType::topup);
  EXPECT_EQ(r.user_id, 1);
}

// set_price gives an unknown item a price and no stock, so that restocks without a price
// (the Go producer's AddItem) and orders work; a known item keeps its stock.
TEST_F(BusinessLogic, SetPriceCreatesAnItemWithoutStockOrRepricesOne) {
  const Result created = apply(state, set_price("gpu", 400));
  EXPECT_EQ(created.reason, Reason::accepted);
  EXPECT_EQ(created.type, EventType::set_price);
  EXPECT_EQ(created.remain, 0);
  EXPECT_EQ(state.find_item(Sku::from("gpu"))->price, 400);
  EXPECT_EQ(run(restock("gpu", 3)), Reason::accepted);
  ASSERT_EQ(run(topup(1, 1000)), Reason::accepted);
  EXPECT_EQ(run(order(1, {{"gpu", 2}})), Reason::accepted);
  EXPECT_EQ(balance(1), 200);

  const Result repriced = apply(state, set_price("gpu", 0));
  EXPECT_EQ(repriced.reason, Reason::accepted);
  EXPECT_EQ(repriced.remain, 1) << "the result carries the item's stock";
  EXPECT_EQ(state.find_item(Sku::from("gpu"))->price, 0);
  EXPECT_EQ(remain("gpu"), 1);
}

TEST_F(BusinessLogic, SetPriceRulesInOrder) {
  EXPECT_EQ(run(set_price("", -1)), Reason::invalid_sku) << "the SKU is checked first";
  EXPECT_EQ(run(set_price(std::string(33, 'x'), 5)), Reason::invalid_sku);
  EXPECT_EQ(run(set_price("cpu", -1)), Reason::invalid_price);
  EXPECT_TRUE(state.items().empty()) << "a rejected set_price creates nothing";
  EXPECT_EQ(run(set_price(std::string(32, 'x'), max64)), Reason::accepted);
}

TEST_F(BusinessLogic, CommandIdRulesInOrder) {
  // Malformed first, whatever the id; then the id itself; then whether it is recorded.
  Event malformed = with_id(Event{}, "", 1);
  EXPECT_EQ(run(malformed), Reason::malformed);
  EXPECT_EQ(run(with_id(topup(1, -5), "", 2)), Reason::invalid_id) << "before the amount";
  EXPECT_EQ(run(with_id(topup(1, 5), std::string(command_id_size_max + 1, 'x'), 3)),
            Reason::invalid_id);
  EXPECT_TRUE(state.users().empty());
  EXPECT_EQ(state.ids().size(), 0U) << "malformed and invalid_id record nothing";
  EXPECT_EQ(run(with_id(topup(1, 5), std::string(command_id_size_max, 'x'), 4)), Reason::accepted);
  EXPECT_EQ(run(with_id(topup(1, -5), std::string(command_id_size_max, 'x'), 5)), Reason::duplicate)
      << "a recorded id is a duplicate before the type's rules";
}

TEST_F(BusinessLogic, DuplicateChangesNothingAndTellsTheFirstOutcome) {
  const Result first = apply(state, with_id(topup(7, 500), "t-1", 10));
  ASSERT_EQ(first.reason, Reason::accepted);
  const Result again = apply(state, with_id(topup(7, 500), "t-1", 11));
  EXPECT_EQ(again.reason, Reason::duplicate);
  EXPECT_EQ(again.position, (Position{0, 11}));
  EXPECT_EQ(again.original_position, (Position{0, 10}));
  EXPECT_EQ(again.original_reason, Reason::accepted);
  EXPECT_EQ(balance(7), 500) << "charged once";
  EXPECT_EQ(state.ids().size(), 1U) << "a duplicate records nothing";
  // Another command with the same id is a duplicate too: the id names the command.
  EXPECT_EQ(run(with_id(order(7, {{"cpu", 1}}), "t-1", 12)), Reason::duplicate);
  EXPECT_EQ(run(with_id(topup(7, 500), "t-2", 13)), Reason::accepted);
  EXPECT_EQ(run(topup(7, 1)), Reason::accepted) << "events without ids are never duplicates";
  EXPECT_EQ(run(topup(7, 1)), Reason::accepted);
  EXPECT_EQ(balance(7), 1002);
}

TEST_F(BusinessLogic, ARejectedCommandIsRecordedAndItsRetryIsADuplicate) {
  stock();
  const Event costly = with_id(order(1, {{"cpu", 10}, {"ram", 5}}), "o-1", 20);
  ASSERT_EQ(run(with_id(order(1, {{"cpu", 40}}), "o-big", 21)), Reason::out_of_stock);
  ASSERT_EQ(run(add_item("cpu", 100, 30)), Reason::accepted);
  // Stock arrived, but the retry of the rejected command is still not a second attempt.
  const Result retry = apply(state, with_id(order(1, {{"cpu", 40}}), "o-big", 22));
  EXPECT_EQ(retry.reason, Reason::duplicate);
  EXPECT_EQ(retry.original_reason, Reason::out_of_stock);
  EXPECT_EQ(retry.original_position, (Position{0, 21}));
  EXPECT_EQ(remain("cpu"), 110);
  EXPECT_EQ(run(costly), Reason::accepted);
  EXPECT_EQ(balance(1), 1000 - 10 * 30 - 5 * 7);
}

TEST_F(BusinessLogic, IdsPastTheHorizonAreAppliedAgain) {
  state.ids() = IdRecord(2);
  EXPECT_EQ(run(with_id(topup(1, 1), "a", 1)), Reason::accepted);
  EXPECT_EQ(run(with_id(topup(1, 1), "b", 2)), Reason::accepted);
  EXPECT_EQ(run(with_id(topup(1, 1), "a", 3)), Reason::duplicate);
  EXPECT_EQ(run(with_id(topup(1, 1), "c", 4)), Reason::accepted);  // forgets "a"
  EXPECT_EQ(run(with_id(topup(1, 1), "a", 5)), Reason::accepted);
  EXPECT_EQ(balance(1), 4);
}

}  // namespace
}  // namespace lmx
