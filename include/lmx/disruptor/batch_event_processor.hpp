#pragma once
// Runs an event handler over a ring: waits on its barrier for the next available sequences
// and hands them to the handler in batches, then publishes its own sequence so producers
// (gating) and downstream consumers (dependencies) can move on.
//
// The handler provides
//   void on_event(T& event, std::int64_t sequence, bool end_of_batch);
// and optionally
//   void on_batch_start(std::int64_t first, std::int64_t last);  // before a batch's events
//   void on_start();                       // on the processor thread, before any event
//   void on_shutdown();                    // on the processor thread, after the last one
//   void on_timeout(std::int64_t sequence);  // idle for the wait strategy's timeout;
//                                          // `sequence` is the last one processed
//
// Lifecycle: run() on a thread of your own; halt() stops it as soon as the current batch
// is done; drain() lets it process everything published before the call, then stop.
// Handler exceptions go to the ExceptionPolicy (exception_policy.hpp).

#include <atomic>
#include <cassert>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <utility>

#include "lmx/disruptor/exception_policy.hpp"
#include "lmx/disruptor/limits.hpp"
#include "lmx/disruptor/sequence.hpp"

namespace lmx::disruptor {

template <class Ring, class Handler, class ExceptionPolicy = HaltOnException>
class BatchEventProcessor {
 public:
  using barrier_type = typename Ring::barrier_type;

  BatchEventProcessor(Ring& ring, barrier_type& barrier, Handler& handler,
                      ExceptionPolicy policy = {},
                      std::int64_t batch_size_max = event_batch_size_max)
      : ring_(ring),
        barrier_(barrier),
        handler_(handler),
        policy_(std::move(policy)),
        batch_size_max_(batch_size_max) {
    if (batch_size_max < 1) {
      throw std::invalid_argument("batch_size_max must be at least 1 (one event per batch)");
    }
  }
  BatchEventProcessor(const BatchEventProcessor&) = delete;
  BatchEventProcessor& operator=(const BatchEventProcessor&) = delete;

  // The last sequence this processor has finished with: gate producers and downstream
  // consumers on it.
  [[nodiscard]] const Sequence& sequence() const noexcept { return sequence_; }

  // Processes events until halt() or drain() says stop. Call on the thread that should
  // run the handler. Rethrows a handler exception the policy chose to halt on.
  void run() {
    barrier_.clear_alert();  // before reading the state, so a halt() after this is seen
    State expected = State::idle;
    // acq_rel: a drain target written before drain() is visible if we start draining.
    const bool started =
        state_.compare_exchange_strong(expected, State::running, std::memory_order_acq_rel);
    assert((started || expected != State::running) && "run() is already running");
    const ResetToIdle reset{state_};
    // The hooks always come in pairs, even for a run halted before it started.
    if constexpr (requires { handler_.on_start(); }) handler_.on_start();
    if (started || expected != State::halting) process_events();
    if constexpr (requires { handler_.on_shutdown(); }) handler_.on_shutdown();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }

  // Asks the processor to stop after the batch in hand. Safe from any thread, including the
  // handler; a halt() before run() makes that run() return at once.
  void halt() noexcept {
    // release: ordered before the alert, so a woken processor reads `halting`.
    state_.store(State::halting, std::memory_order_release);
    barrier_.alert();
  }

  // Asks the processor to stop once it has processed every sequence published (or claimed)
  // on the ring before this call. A halt() still wins.
  void drain() noexcept {
    // relaxed: published by the release CAS on state_ below.
    drain_target_.store(ring_.cursor(), std::memory_order_relaxed);
    // relaxed: only the starting guess for the CAS loop.
    State current = state_.load(std::memory_order_relaxed);
    while (current != State::halting &&
           // release: the drain target is visible to whoever reads `draining`.
           !state_.compare_exchange_weak(current, State::draining, std::memory_order_release,
                                         std::memory_order_relaxed)) {
    }
    barrier_.alert();
  }

  [[nodiscard]] bool is_running() const noexcept {
    // acquire: a caller that sees `idle` also sees everything the run did.
    return state_.load(std::memory_order_acquire) != State::idle;
  }

 private:
  enum class State { idle, running, halting, draining };

  struct ResetToIdle {
    std::atomic<State>& state;
    // release: publishes the run's effects to is_running() callers.
    ~ResetToIdle() { state.store(State::idle, std::memory_order_release); }
  };

  void process_events() {
    std::int64_t next = sequence_.get() + 1;
    // A drain() before run() may leave nothing to wait for, and run() cleared its alert.
    if (drain_done(next)) return;
    for (;;) {
      const std::int64_t available = barrier_.wait_for(next);
      if (precedes(available, next)) {
        if (barrier_.is_alerted()) {
          if (!keep_going_after_alert(next)) return;
        } else if (!notify_timeout(next - 1)) {
          return;
        }
        continue;
      }
      const std::int64_t last = earliest(available, next + batch_size_max_ - 1);
      if (!process_batch(next, last)) return;
      next = last + 1;
      if (drain_done(next)) return;
    }
  }

  // Hands [first, last] to the handler; false if the policy chose to halt.
  bool process_batch(std::int64_t first, std::int64_t last) {
    // The whole batch is published: a handler may read ahead of the event it is on.
    if constexpr (requires { handler_.on_batch_start(first, last); }) {
      handler_.on_batch_start(first, last);
    }
    for (std::int64_t sequence = first; !precedes(last, sequence); ++sequence) {
      try {
        handler_.on_event(ring_[sequence], sequence, sequence == last);
      } catch (...) {
        if (!survives(std::current_exception(), sequence)) {
          sequence_.set(sequence - 1);  // release: the events before it are done
          return false;
        }
      }
    }
    sequence_.set(last);  // release: the handler's reads and writes of the batch are done
    return true;
  }

  bool notify_timeout(std::int64_t last_processed) {
    if constexpr (requires { handler_.on_timeout(last_processed); }) {
      try {
        handler_.on_timeout(last_processed);
      } catch (...) {
        return survives(std::current_exception(), last_processed);
      }
    }
    return true;
  }

  bool survives(std::exception_ptr error, std::int64_t sequence) {
    if (policy_.on_event_exception(error, sequence) == ExceptionAction::skip) return true;
    failure_ = std::move(error);
    return false;
  }

  // Alerts come from halt() and drain(); false when the processor should stop now.
  bool keep_going_after_alert(std::int64_t next) noexcept {
    // acquire: pairs with the release in halt()/drain(), with the drain target.
    if (state_.load(std::memory_order_acquire) == State::halting) return false;
    if (drain_done(next)) return false;
    barrier_.clear_alert();  // it only woke us to look at the drain target
    // acquire: a halt() whose alert the clear just consumed is visible here.
    return state_.load(std::memory_order_acquire) != State::halting;
  }

  [[nodiscard]] bool drain_done(std::int64_t next) const noexcept {
    // acquire: pairs with the release CAS in drain(), which published the target.
    return state_.load(std::memory_order_acquire) == State::draining &&
           // relaxed: ordered by the acquire load of state_ above.
           precedes(drain_target_.load(std::memory_order_relaxed), next);
  }

  Ring& ring_;
  barrier_type& barrier_;
  Handler& handler_;
  ExceptionPolicy policy_;
  const std::int64_t batch_size_max_;
  std::exception_ptr failure_;
  // Read by producers and downstream consumers on every wait: its own cache line.
  Sequence sequence_;
  // Written only by halt()/drain(); read once per batch. Kept off sequence_'s line.
  alignas(cache_line_size) std::atomic<State> state_{State::idle};
  std::atomic<std::int64_t> drain_target_{initial_sequence};
};

}  // namespace lmx::disruptor
