#include "service/query_ring.hpp"

#include <utility>

#include "lmx/assert.hpp"
#include "lmx/constants.hpp"

namespace lmx::service {

QueryRing::QueryRing() : ring_(query_ring_size), poller_(ring_) {
  ring_.add_gating_sequences(poller_.sequence());
}

std::optional<std::future<QueryAnswer>> QueryRing::ask(Query query) {
  std::future<QueryAnswer> answer = query.reply.get_future();
  // The slot's publish (release, in the sequencer) hands the query to the logic thread.
  const bool published = ring_.try_publish_event(
      [&](Query& slot, std::int64_t /*sequence*/) { slot = std::move(query); });
  if (!published) return std::nullopt;
  return answer;
}

void QueryRing::answer(const State& state, Position position) noexcept {
  (void)poller_.poll([&](Query& query, std::int64_t /*sequence*/, bool /*end_of_batch*/) {
    query.reply.set_value(answer_query(query, state, position));
    query.reply = std::promise<QueryAnswer>();  // the slot lets go of the answered request
    return true;
  });
}

QueryAnswer answer_query(const Query& query, const State& state, Position position) noexcept {
  QueryAnswer answer;
  answer.position = position;
  switch (query.kind) {
    case Query::Kind::user:
      if (const User* user = state.find_user(query.user_id)) {
        answer.found = true;
        answer.balance = user->balance;
      }
      break;
    case Query::Kind::item:
      if (const Item* item = state.find_item(query.item_id)) {
        answer.found = true;
        answer.price = item->price;
        answer.remain = item->remain;
      }
      break;
    case Query::Kind::command:
      LMX_ASSERT(query.id.valid());
      if (const RecordedId* recorded = state.ids().find(query.id)) {
        answer.found = true;
        answer.first_position = recorded->position;
        answer.reason = recorded->reason;
      }
      break;
  }
  return answer;
}

}  // namespace lmx::service
