#pragma once
// Submitting commands to a running engine and waiting for their outcomes, on any backend:
//
//   const std::unique_ptr<lmx::Backend> backend = lmx::open_backend("file:./data");
//   lmx::Client client(*backend);
//   const std::vector<lmx::Position> positions = client.append(events);
//   client.wait(positions, std::chrono::seconds(10),
//               [](std::size_t i, const lmx::Result& result) { ... });
//
// The results are the engine's: a client only appends to the log and reads the results log,
// so it needs no connection to the engine and works across restarts of it. Commands that
// carry ids (Event::id) are safe to submit again, by this client after a failed append or
// by a caller after a crash: the engine answers every repeat `duplicate`, with the position
// and reason of the first occurrence, and applies it once.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "lmx/core/backend.hpp"

namespace lmx {

struct ClientOptions {
  // Appends in all of a batch whose append failed midway (AppendError), before append()
  // gives up: the events not confirmed are appended again after a pause doubling from
  // retry_delay. Retried only when it cannot apply a command twice: when every event that
  // may already be in the log carries a command id.
  int append_attempts = 3;
  std::chrono::milliseconds retry_delay{100};
};

class Client {
 public:
  // Opens a writer of the backend's log and a reader of its results log; results written
  // before this are not read. Throws std::runtime_error when the backend cannot be reached.
  explicit Client(Backend& backend, ClientOptions options = {});

  // Appends well-formed `events` in order as one batch (LogWriter::append; one that breaks
  // a business rule is appended, and the engine rejects it with its reason) and returns
  // each one's position, in order. Throws AppendError when the batch could not be appended
  // whole, counting how far it got from the start of `events`.
  [[nodiscard]] std::vector<Position> append(std::span<const Event> events);

  // Waits for the results of the events appended at `positions` (ascending, as append()
  // returns them), calling `on_result(i, result)` for positions[i] as each is read, in
  // the order the engine wrote them. Gives up once `idle` passes with no result written
  // for any event (the engine is not running, or stopped): a busy engine catching up on
  // other producers' events keeps it waiting. Returns how many results did not come.
  using OnResult = std::function<void(std::size_t index, const Result& result)>;
  std::size_t wait(std::span<const Position> positions, std::chrono::milliseconds idle,
                   const OnResult& on_result);

  // append() then wait(): results[i] is the outcome of events[i], or nullopt when it did not
  // come before `idle` passed with no result written.
  [[nodiscard]] std::vector<std::optional<Result>> submit(std::span<const Event> events,
                                                          std::chrono::milliseconds idle);

 private:
  ClientOptions options_;
  std::unique_ptr<LogWriter> writer_;
  std::unique_ptr<ResultReader> results_;
  std::vector<Result> fetched_;  // reused by wait()
};

}  // namespace lmx
