#pragma once
// A log backend: where events, results and snapshots live. The engine and the command line
// are written once against this; `open_backend` picks the implementation from a URL:
//   file:DIR                                          the embedded file journal
//                                                     (default file:./data)
//   redis://[user:password@]host:port[/db][?stream=S] a Redis Stream (default stream "orders")

#include <chrono>
#include <memory>
#include <string>

#include "lmx/core/backend_options.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/log_writer.hpp"
#include "lmx/core/result_writer.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

class Backend {
 public:
  virtual ~Backend() = default;

  // A reader of the entries strictly after `after`.
  [[nodiscard]] virtual std::unique_ptr<LogReader> open_reader(Position after) = 0;
  [[nodiscard]] virtual std::unique_ptr<LogWriter> open_writer() = 0;
  [[nodiscard]] virtual std::unique_ptr<ResultWriter> open_result_writer() = 0;
  [[nodiscard]] virtual std::unique_ptr<SnapshotStore> open_snapshot_store() = 0;

  // For log lines: "file journal ./data" or "redis 127.0.0.1:6379 stream orders".
  [[nodiscard]] virtual std::string describe() const = 0;
};

// Throws std::invalid_argument with the accepted forms when `url` is not one of them.
[[nodiscard]] std::unique_ptr<Backend> open_backend(const std::string& url,
                                                    const BackendOptions& options = {});

}  // namespace lmx
