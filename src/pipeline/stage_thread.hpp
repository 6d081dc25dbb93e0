#pragma once
// Runs one pipeline stage on a thread of its own; an exception it throws is kept for the
// control thread, which rethrows it, named, after joining. The thread carries a short name
// of its own, which `top -H`, `ps -L` and perf show. A stage that returns rings the
// pipeline's StageExits, so the control thread learns it at once, not at its next tick.

#include <fmt/format.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "lmx/core/interrupted.hpp"
#include "pipeline/cpu_affinity.hpp"
#include "pipeline/rings.hpp"

namespace lmx {

// Wakes a thread waiting for some stage to return.
class StageExits {
 public:
  // Called by a stage's thread once its done flag is set.
  void ring() {
    // Taken after the done flag is set: a waiter checks the flags under the mutex before it
    // sleeps, so it either sees the flag or is asleep when notified.
    { const std::lock_guard lock(mutex_); }
    changed_.notify_all();
  }

  // Waits up to `timeout` for `stopped()` (reading the done flags) to hold.
  template <class Predicate>
  void wait_for(std::chrono::milliseconds timeout, Predicate stopped) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, stopped);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

class StageThread {
 public:
  // `thread_name`: at most 15 characters (the kernel's limit). `cpu`: the CPU the thread
  // is pinned to (-1: not pinned); a refusal is the stage's failure. `exits` is rung when
  // the stage returns.
  template <class Body>
  StageThread(const char* name, const char* thread_name, int cpu, StageExits& exits, Body body)
      : name_(name), thread_([this, thread_name, cpu, &exits, body = std::move(body)]() mutable {
          pthread_setname_np(pthread_self(), thread_name);  // a name only: failure is harmless
          try {
            pin_current_thread(cpu);
            body();
          } catch (const PipelineAborted&) {
            // The stage that failed first reports the cause.
          } catch (...) {
            const std::lock_guard lock(mutex_);
            failure_ = std::current_exception();
          }
          // release: the control thread's acquire load sees failure_ once it sees done.
          done_.store(true, std::memory_order_release);
          exits.ring();
        }) {}
  StageThread(const StageThread&) = delete;
  StageThread& operator=(const StageThread&) = delete;
  ~StageThread() { join(); }

  // True once the stage has returned, on its own or asked to.
  [[nodiscard]] bool done() const noexcept { return done_.load(std::memory_order_acquire); }

  void join() {
    if (thread_.joinable()) thread_.join();
  }

  // Rethrows the stage's failure, named. Call after join().
  void rethrow_failure() {
    const std::lock_guard lock(mutex_);
    if (!failure_) return;
    try {
      std::rethrow_exception(failure_);
    } catch (const Interrupted& e) {
      // Kept apart from failures: the caller exits with its own status and message.
      throw Interrupted(fmt::format("{}: {}", name_, e.what()));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} failed: {}", name_, e.what()));
    }
  }

 private:
  const char* name_;
  std::mutex mutex_;
  std::exception_ptr failure_;  // guarded by mutex_
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace lmx
