#pragma once
// Reads of the live state (GET /users/{id}, /items/{sku}, /commands/{id}) travel to the
// business logic thread through a ring, and it answers them from the state it owns.
//
//   server threads ──ask()──▶ query ring ──▶ business logic thread: answer() at each batch
//   (many producers)          (Disruptor,     end and when idle (EngineObserver::on_state,
//                              multi-producer) at least every observer_state_timeout)
//
// Why a ring and not a copy of the state or a lock: the state has one writer and no lock,
// and a copy costs as much as a snapshot. A query costs the logic thread one lookup, taken
// between batches, and never waits for a reader. Because the answer is given after every
// event before it was applied, a read made after a POST /events was answered sees that
// POST's effects: reads see their own writes. The answer names the position it is true at.
// A full ring refuses the query at once (503 busy) rather than queueing without bound.

#include <cstdint>
#include <future>
#include <optional>

#include "lmx/core/command_id.hpp"
#include "lmx/core/position.hpp"
#include "lmx/core/reason.hpp"
#include "lmx/core/sku.hpp"
#include "lmx/core/state.hpp"
#include "lmx/disruptor/busy_spin_wait_strategy.hpp"
#include "lmx/disruptor/event_poller.hpp"
#include "lmx/disruptor/multi_producer_sequencer.hpp"
#include "lmx/disruptor/ring_buffer.hpp"

namespace lmx::service {

struct QueryAnswer {
  Position position;  // the state's position when answered
  bool found = false;
  std::int64_t balance = 0;          // user
  std::int64_t price = 0;            // item
  std::int64_t remain = 0;           // item
  Position first_position;           // command: the entry that carried the id first
  Reason reason = Reason::accepted;  // command: the outcome it got then
};

struct Query {
  enum class Kind : std::uint8_t { user, item, command };
  Kind kind = Kind::user;
  std::int64_t user_id = 0;
  Sku item_id;
  CommandId id;
  std::promise<QueryAnswer> reply;
};

class QueryRing {
 public:
  QueryRing();

  // Any thread. The answer to come, or nullopt when the ring is full.
  [[nodiscard]] std::optional<std::future<QueryAnswer>> ask(Query query);

  // The business logic thread only: answers every query published so far. Cheap when there
  // is none (one acquire load of the ring's cursor).
  void answer(const State& state, Position position) noexcept;

 private:
  using Ring =
      disruptor::RingBuffer<Query,
                            disruptor::MultiProducerSequencer<disruptor::BusySpinWaitStrategy>>;

  Ring ring_;
  disruptor::EventPoller<Ring> poller_;
};

// One answer, from the state as it is: what answer() computes for each query.
[[nodiscard]] QueryAnswer answer_query(const Query& query, const State& state,
                                       Position position) noexcept;

}  // namespace lmx::service
