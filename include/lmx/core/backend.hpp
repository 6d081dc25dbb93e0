#pragma once
// A log backend: where events, results and snapshots live. The engine and the command line
// are written once against this; `open_backend` picks the implementation from a URL:
//   file:DIR                                          the embedded file journal
//                                                     (default file:./data)
//   redis://[user:password@]host:port[/db][?stream=S] a Redis Stream (default stream "orders")

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "lmx/core/backend_options.hpp"
#include "lmx/core/entry_ref.hpp"
#include "lmx/core/lease.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/log_trimmer.hpp"
#include "lmx/core/log_writer.hpp"
#include "lmx/core/result_reader.hpp"
#include "lmx/core/result_writer.hpp"
#include "lmx/core/snapshot_store.hpp"

namespace lmx {

// Held by a running engine: while it lives, no other engine may run on the same log.
class EngineLock {
 public:
  virtual ~EngineLock() = default;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Makes this process the one engine on this log until the lock is destroyed; throws
  // std::runtime_error naming the holder when another engine has it. The file backend
  // locks its directory; on Redis no lock is taken here (engines on one stream share it:
  // the lease, open_lease(), decides which one writes), so it returns null.
  [[nodiscard]] virtual std::unique_ptr<EngineLock> lock_engine() = 0;

  // A reader of the entries strictly after `after`.
  [[nodiscard]] virtual std::unique_ptr<LogReader> open_reader(Position after) = 0;
  [[nodiscard]] virtual std::unique_ptr<LogWriter> open_writer() = 0;
  [[nodiscard]] virtual std::unique_ptr<ResultWriter> open_result_writer() = 0;
  // A reader of the results published from now on (ResultReader::fetch).
  [[nodiscard]] virtual std::unique_ptr<ResultReader> open_result_reader() = 0;
  [[nodiscard]] virtual std::unique_ptr<SnapshotStore> open_snapshot_store() = 0;
  [[nodiscard]] virtual std::unique_ptr<LogTrimmer> open_trimmer() = 0;

  // On a log several engines follow (Redis): the lease that makes one of them the primary
  // (lease.hpp), held as `owner` for `ttl` at a time. Null where lock_engine() keeps every
  // other engine away (the file journal).
  [[nodiscard]] virtual std::unique_ptr<Lease> open_lease(const std::string& /*owner*/,
                                                          std::chrono::milliseconds /*ttl*/) {
    return nullptr;
  }
  // Writers whose every write the server refuses once `fence`'s epoch is over (throwing
  // lmx::Fenced). Only a backend with a lease has them.
  [[nodiscard]] virtual std::unique_ptr<ResultWriter> open_fenced_result_writer(
      const Fence& /*fence*/) {
    throw std::logic_error(describe() + " has no lease to fence writes with");
  }
  [[nodiscard]] virtual std::unique_ptr<SnapshotStore> open_fenced_snapshot_store(
      const Fence& /*fence*/) {
    throw std::logic_error(describe() + " has no lease to fence writes with");
  }

  // True when the log holds `entry`: an entry at its position, with its checksum unless
  // that is 0. A restarting engine asks it of the newest snapshot and the newest result,
  // so that a log that lost its tail and was appended to again is not taken for the log
  // they were made from. Operating errors throw std::runtime_error.
  [[nodiscard]] virtual bool holds(EntryRef entry) = 0;

  // For log lines: "file journal ./data" or "redis 127.0.0.1:6379 stream orders".
  [[nodiscard]] virtual std::string describe() const = 0;
};

// Throws std::invalid_argument with the accepted forms when `url` is not one of them.
[[nodiscard]] std::unique_ptr<Backend> open_backend(const std::string& url,
                                                    const BackendOptions& options = {});

}  // namespace lmx
