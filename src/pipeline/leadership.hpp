#pragma once
// An engine's role on a log several engines follow (Redis: lmx/core/lease.hpp): primary or
// hot standby. Both apply every entry to their own state; only the primary writes. The
// leadership is the result writer of the engine's result stage, in front of the backend's
// fenced writer, and the control thread ticks it:
//
//   primary  writes each batch through the fenced writer (results at or before the newest
//            result the log held when it took over were written by the primary before it,
//            and are skipped); renews the lease every third of its time to live;
//   standby  writes nothing and keeps the results the primary has not written yet, at most
//            standby_kept_max: beyond, the result stage waits for the primary, which holds
//            this engine's business logic at most that far ahead of it. Tries to take the
//            lease each tick; once it has, it is promoted: it reads the newest result (the
//            old primary can no longer add any: the new epoch fences it), writes the kept
//            results after it, and carries on as the primary. Exactly one result per
//            position, whichever engine wrote it.
//
// A primary whose renewal fails, or whose write the server refuses (it was paused past its
// lease and another engine took over), is demoted: it stops writing, keeps the refused
// batch, and carries on as a standby. Its state stays right: it is a function of the log.
//
// Threads: write() runs on the result thread, tick() on the control thread; both hold
// mutex_ while they use the fenced writer, the only state they share.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

#include "lmx/core/lease.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/result_writer.hpp"

namespace lmx {

enum class Role : std::uint8_t { standby, primary };

class Leadership final : public ResultWriter {
 public:
  using Clock = std::chrono::steady_clock;

  // `results` writes fenced by `fence`; `stop` ends a wait for the primary (shutdown).
  // A standby makes its first attempt at the lease one time to live after `start`, so that
  // a primary starting at the same time, or restarting, keeps its role.
  Leadership(Lease& lease, Fence& fence, ResultWriter& results, bool standby,
             const std::atomic<bool>& stop, Clock::time_point start = Clock::now());

  // Control thread, every tick.
  void tick(Clock::time_point now);
  // Control thread, at a clean shutdown after the last result: a standby takes over at once.
  void release();
  // Control thread, once every result reached write(): whether some are still unwritten,
  // kept by a standby for a primary that has not written them (dropped first if it has).
  [[nodiscard]] bool results_pending();
  // Control thread: publishes where this engine (`owner`) stands, for `lmx status`.
  void announce(std::string_view owner, Position position, const LogLag& lag,
                std::uint64_t applied);

  // relaxed: see role_.
  [[nodiscard]] Role role() const noexcept { return role_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t epoch() const noexcept { return fence_.epoch(); }
  // Results a standby keeps for the primary to write (display only).
  [[nodiscard]] std::uint64_t kept() const noexcept {
    return kept_view_.load(std::memory_order_relaxed);
  }

  // ResultWriter, on the result thread.
  void write(std::span<const Result> results) override;
  void sync() override;
  [[nodiscard]] EntryRef last_answered() override;
  void discard_after(Position position) override;

 private:
  void promote(std::uint64_t epoch);            // holding mutex_
  void demote(std::string_view why);            // holding mutex_
  void keep(std::span<const Result> results);   // holding mutex_
  void drop_written(Position written_through);  // holding mutex_
  void wait_for_primary(std::unique_lock<std::mutex>& lock);

  Lease& lease_;
  Fence& fence_;
  ResultWriter& results_;
  const std::atomic<bool>& stop_;
  std::mutex mutex_;
  std::deque<Result> kept_;         // guarded by mutex_: a standby's unwritten results
  Position skip_through_;           // guarded by mutex_: written before this engine took over
  Clock::time_point next_attempt_;  // control thread only
  // Changed only under mutex_, so that a thread holding it sees a role that stays; read
  // without it for display, and by tick() (see there).
  std::atomic<Role> role_;
  std::atomic<std::uint64_t> kept_view_{0};
};

[[nodiscard]] std::string_view role_name(Role role) noexcept;

}  // namespace lmx
