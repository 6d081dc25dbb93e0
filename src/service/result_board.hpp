#pragma once
// Where POST /events requests find their results: the result thread posts each batch it
// wrote (EngineObserver::on_results_written), requests wait for theirs by position.
//
//   request:  const ResultBoard::Interest interest(board);   // before appending
//             positions = writer.append(events);
//             board.wait(positions, deadline, results);
//
// A request declares interest before it appends, so that a result written before it starts
// waiting (the engine can be that fast) is kept for it: while any request is interested,
// every result posted is kept, the oldest dropped beyond result_board_size_max; when none
// is, nothing is kept and posting costs one uncontended lock per batch.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "lmx/core/position.hpp"
#include "lmx/core/result.hpp"

namespace lmx::service {

class ResultBoard {
 public:
  class Interest {
   public:
    explicit Interest(ResultBoard& board) : board_(board) { board_.begin(); }
    ~Interest() { board_.end(); }
    Interest(const Interest&) = delete;
    Interest& operator=(const Interest&) = delete;

   private:
    ResultBoard& board_;
  };

  enum class Outcome : std::uint8_t { complete, timeout, lost, stopping };

  // Result thread.
  void post(std::span<const Result> results);

  // Waits until every position has its result in `results` (one slot per position), the
  // deadline passes (timeout), a result was dropped or written before interest began
  // (lost), or stop() was called (stopping).
  [[nodiscard]] Outcome wait(std::span<const Position> positions,
                             std::chrono::steady_clock::time_point deadline,
                             std::vector<std::optional<Result>>& results);

  // Wakes every waiter with `stopping`: the engine is shutting down.
  void stop();

 private:
  void begin();
  void end();
  bool collect(std::span<const Position> positions, std::vector<std::optional<Result>>& results,
               bool& lost);

  std::mutex mutex_;
  std::condition_variable posted_;
  std::map<Position, Result> kept_;  // guarded by mutex_
  Position written_through_;         // guarded by mutex_: the newest result posted
  std::uint64_t interested_ = 0;     // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
};

}  // namespace lmx::service
