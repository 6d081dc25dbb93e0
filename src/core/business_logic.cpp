#include "lmx/core/business_logic.hpp"

#include <array>
#include <cassert>

namespace lmx {
namespace {

Result result_for(const Event& event, Reason reason) noexcept {
  Result result;
  result.position = event.position;
  result.entry_checksum = event.entry_checksum;
  result.type = event.type;
  result.reason = reason;
  result.user_id = event.user_id;
  return result;
}

Result reject(const Event& event, Reason reason) noexcept {
  assert(reason != Reason::accepted);
  return result_for(event, reason);
}

// a + b for non-negative a and b, or false when the sum exceeds INT64_MAX.
[[nodiscard]] bool add_checked(std::int64_t a, std::int64_t b, std::int64_t& sum) noexcept {
  assert(a >= 0);
  assert(b >= 0);
  return !__builtin_add_overflow(a, b, &sum);
}

Result apply_topup(State& state, const Event& event, const LookupHint& hint) {
  if (event.amount <= 0) return reject(event, Reason::invalid_amount);
  User* existing = state.find_user(event.user_id, hint.user);
  std::int64_t balance = 0;
  if (!add_checked(existing ? existing->balance : 0, event.amount, balance)) {
    return reject(event, Reason::overflow);
  }
  User& user = existing ? *existing : state.add_user(event.user_id);
  user.balance = balance;
  Result result = result_for(event, Reason::accepted);
  result.balance = balance;
  return result;
}

Result apply_add_item(State& state, const Event& event, const LookupHint& hint) {
  if (!event.item_id.valid()) return reject(event, Reason::invalid_sku);
  if (event.count <= 0) return reject(event, Reason::invalid_quantity);
  if (event.has_price && event.price < 0) return reject(event, Reason::invalid_price);
  Item* item = state.find_item(event.item_id, hint.items[0]);
  if (item == nullptr && !event.has_price) return reject(event, Reason::price_required);
  std::int64_t remain = 0;
  if (!add_checked(item ? item->remain : 0, event.count, remain)) {
    return reject(event, Reason::overflow);
  }
  if (item == nullptr) item = &state.add_item(event.item_id, event.price);
  if (event.has_price) item->price = event.price;
  item->remain = remain;
  Result result = result_for(event, Reason::accepted);
  result.remain = remain;
  return result;
}

Result apply_set_price(State& state, const Event& event, const LookupHint& hint) {
  if (!event.item_id.valid()) return reject(event, Reason::invalid_sku);
  if (event.price < 0) return reject(event, Reason::invalid_price);
  Item* item = state.find_item(event.item_id, hint.items[0]);
  if (item == nullptr) item = &state.add_item(event.item_id, event.price);
  item->price = event.price;
  Result result = result_for(event, Reason::accepted);
  result.remain = item->remain;
  return result;
}

// One distinct item of an order, after lines with the same item id are merged. No member
// initializers: apply_order's array of order_lines_max of them (1.5 KiB) would otherwise be
// zeroed for every order, most of which have a few lines; only the first merged_count are
// ever read, each written in full first.
struct MergedLine {
  const OrderLine* first_line;  // where the item first appears: its id, and its hint
  std::int64_t quantity;
  Item* item;
};

Result apply_order(State& state, const Event& event, const LookupHint& hint) {
  if (event.line_count == 0) return reject(event, Reason::empty_order);
  if (event.line_count > order_lines_max) return reject(event, Reason::too_many_lines);

  // Line by line: each line's id, then its quantity, before the next line.
  for (std::uint32_t i = 0; i < event.line_count; ++i) {
    if (!event.lines[i].item_id.valid()) return reject(event, Reason::invalid_sku);
    if (event.lines[i].quantity <= 0) return reject(event, Reason::invalid_quantity);
  }

  // Merge lines with the same id, in order of first appearance. At most 64 lines, so a
  // linear scan beats any map and allocates nothing.
  std::array<MergedLine, order_lines_max> merged;
  std::size_t merged_count = 0;
  for (std::uint32_t i = 0; i < event.line_count; ++i) {
    const OrderLine& line = event.lines[i];
    std::size_t m = 0;
    while (m < merged_count && !(merged[m].first_line->item_id == line.item_id)) ++m;
    if (m == merged_count) {
      merged[merged_count++] = MergedLine{&line, line.quantity, nullptr};
    } else if (!add_checked(merged[m].quantity, line.quantity, merged[m].quantity)) {
      return reject(event, Reason::overflow);
    }
  }

  User* user = state.find_user(event.user_id, hint.user);
  if (user == nullptr) return reject(event, Reason::unknown_user);
  for (std::size_t m = 0; m < merged_count; ++m) {
    const auto line = static_cast<std::size_t>(merged[m].first_line - event.lines.data());
    merged[m].item = state.find_item(merged[m].first_line->item_id,
                                     line < hint.items.size() ? hint.items[line] : FlatIndex::npos);
    if (merged[m].item == nullptr) return reject(event, Reason::unknown_item);
  }
  for (std::size_t m = 0; m < merged_count; ++m) {
    if (merged[m].item->remain < merged[m].quantity) return reject(event, Reason::out_of_stock);
  }
  std::int64_t total = 0;
  for (std::size_t m = 0; m < merged_count; ++m) {
    std::int64_t cost = 0;
    if (__builtin_mul_overflow(merged[m].item->price, merged[m].quantity, &cost) ||
        !add_checked(total, cost, total)) {
      return reject(event, Reason::overflow);
    }
  }
  if (total > user->balance) return reject(event, Reason::insufficient_balance);

  user->balance -= total;
  for (std::size_t m = 0; m < merged_count; ++m) merged[m].item->remain -= merged[m].quantity;
  assert(user->balance >= 0);
  Result result = result_for(event, Reason::accepted);
  result.balance = user->balance;
  return result;
}

Result dispatch(State& state, const Event& event, const LookupHint& hint) {
  switch (event.type) {
    case EventType::topup:
      return apply_topup(state, event, hint);
    case EventType::add_item:
      return apply_add_item(state, event, hint);
    case EventType::order:
      return apply_order(state, event, hint);
    case EventType::set_price:
      return apply_set_price(state, event, hint);
    case EventType::malformed:
      break;
  }
  return reject(event, Reason::malformed);
}

// The command id rules, before the type's own: an invalid id records nothing; a recorded
// one is a duplicate, answered with the first outcome; otherwise the id is recorded with
// whatever outcome the type's rules give.
Result apply_with_id(State& state, const Event& event, const LookupHint& hint) {
  if (event.type == EventType::malformed || !event.id.present) return dispatch(state, event, hint);
  if (!event.id.valid()) return reject(event, Reason::invalid_id);
  if (const RecordedId* first = state.ids().find(event.id)) {
    Result result = reject(event, Reason::duplicate);
    result.original_position = first->position;
    result.original_reason = first->reason;
    return result;
  }
  const Result result = dispatch(state, event, hint);
  state.ids().record(event.id, event.position, result.reason);
  return result;
}

}  // namespace

Result apply(State& state, const Event& event, const LookupHint& hint) {
  assert_well_formed(event);
  const Result result = apply_with_id(state, event, hint);
  assert_well_formed(result);
  LMX_ASSERT(result.position == event.position);
  LMX_ASSERT(result.type == event.type);
  LMX_ASSERT(event.type != EventType::malformed || result.reason == Reason::malformed);
  // An accepted event leaves no balance or stock negative. Plain asserts: a restored
  // snapshot is input, and the codec round-trips any value (add_checked asserts the same).
  assert(!result.accepted() || result.balance >= 0);
  assert(!result.accepted() || result.remain >= 0);
  return result;
}

}  // namespace lmx
