#pragma once
// An in-memory backend for engine tests: a log, a results log and snapshots in vectors,
// shared by every reader and writer opened on it, safe across threads.

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "lmx/core/backend.hpp"
#include "lmx/core/state_digest.hpp"

namespace lmx::test {

class MemoryBackend : public Backend {
 public:
  // Appends events; positions are {0, 1}, {0, 2}, ... as in the file journal. Each entry
  // gets a checksum no other entry ever had, like a journal record. `positions`, when not
  // empty, gets each event's position (LogWriter::append). Returns the last position.
  Position append(std::span<const Event> events, std::span<Position> positions = {}) {
    Position last;
    {
      const std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < events.size(); ++i) {
        Event e = events[i];
        e.position = Position{0, log_.size() + 1};
        e.entry_checksum = ++entries_made_;
        log_.push_back(e);
        if (!positions.empty()) positions[i] = e.position;
      }
      last = Position{0, log_.size()};
    }
    appended_.notify_all();
    return last;
  }
  // Keeps only the first `count` entries, as a journal that lost its tail would.
  void truncate_log(std::size_t count) {
    const std::lock_guard lock(mutex_);
    log_.resize(std::min(count, log_.size()));
  }

  std::vector<Result> results() const {
    const std::lock_guard lock(mutex_);
    return results_;
  }
  std::vector<Snapshot> snapshots() const {
    const std::lock_guard lock(mutex_);
    return snapshots_;
  }
  // Keeps only the first `count` results, as a results log that lost its tail would.
  void truncate_results(std::size_t count) {
    const std::lock_guard lock(mutex_);
    results_.resize(std::min(count, results_.size()));
  }
  // Forgets the newest snapshot, as if the engine had stopped before saving it.
  void drop_newest_snapshot() {
    const std::lock_guard lock(mutex_);
    snapshots_.pop_back();
  }
  // Makes the next log writer append put only its first `appended + in_doubt` events in the
  // log and throw AppendError(appended, in_doubt), as a connection lost mid-batch would.
  void fail_next_append(std::size_t appended, std::size_t in_doubt) {
    const std::lock_guard lock(mutex_);
    append_failure_ = AppendFailure{appended, in_doubt};
  }
  // Makes every later results write throw, as a full disk would.
  void fail_result_writes() {
    const std::lock_guard lock(mutex_);
    fail_results_ = true;
  }

  std::unique_ptr<LogReader> open_reader(Position after) override {
    return std::make_unique<Reader>(*this, after);
  }
  std::unique_ptr<LogWriter> open_writer() override { return std::make_unique<Writer>(*this); }
  std::unique_ptr<ResultWriter> open_result_writer() override {
    return std::make_unique<Results>(*this);
  }
  std::unique_ptr<ResultReader> open_result_reader() override {
    return std::make_unique<ResultsReader>(*this);
  }
  std::unique_ptr<SnapshotStore> open_snapshot_store() override {
    return std::make_unique<Snapshots>(*this);
  }
  // Positions index the vector: the in-memory log is never trimmed.
  std::unique_ptr<LogTrimmer> open_trimmer() override {
    throw std::logic_error("the in-memory log is never trimmed");
  }
  std::unique_ptr<EngineLock> lock_engine() override { return nullptr; }  // one process
  bool holds(EntryRef entry) override {
    const std::lock_guard lock(mutex_);
    const std::uint64_t index = entry.position.minor;
    return !entry.position.is_zero() && index <= log_.size() &&
           (entry.checksum == 0 || log_[index - 1].entry_checksum == entry.checksum);
  }
  std::string describe() const override { return "memory"; }

 private:
  class Reader : public LogReader {
   public:
    Reader(MemoryBackend& backend, Position after) : backend_(backend), next_(after.minor) {}
    std::size_t fetch(std::size_t count_max, std::chrono::milliseconds timeout) override {
      std::unique_lock lock(backend_.mutex_);
      backend_.appended_.wait_for(lock, timeout, [&] { return backend_.log_.size() > next_; });
      // A reader may start past the end of a log that lost its tail.
      const std::size_t size = backend_.log_.size();
      const std::size_t count = std::min(count_max, size > next_ ? size - next_ : 0);
      batch_.assign(backend_.log_.begin() + static_cast<std::ptrdiff_t>(next_),
                    backend_.log_.begin() + static_cast<std::ptrdiff_t>(next_ + count));
      next_ += count;
      return count;
    }
    void decode(std::size_t index, Event& event) override { event = batch_.at(index); }
    Position end_position() override {
      const std::lock_guard lock(backend_.mutex_);
      return Position{0, backend_.log_.size()};
    }
    LogLag lag_after(Position position) override {
      const std::lock_guard lock(backend_.mutex_);
      const std::uint64_t last = backend_.log_.size();
      return LogLag{last - std::min(last, position.minor), false};
    }

   private:
    MemoryBackend& backend_;
    std::size_t next_;
    std::vector<Event> batch_;
  };

  class Writer : public LogWriter {
   public:
    explicit Writer(MemoryBackend& backend) : backend_(backend) {}
    using LogWriter::append;
    Position append(std::span<const Event> events, std::span<Position> positions) override {
      std::optional<AppendFailure> failure;
      {
        const std::lock_guard lock(backend_.mutex_);
        failure = std::exchange(backend_.append_failure_, std::nullopt);
      }
      if (!failure) return backend_.append(events, positions);
      // The events in doubt are written too: their replies were lost, not the events.
      const std::size_t written = std::min(events.size(), failure->appended + failure->in_doubt);
      std::vector<Position> at(written);
      (void)backend_.append(events.first(written), at);
      std::copy_n(at.begin(), std::min(failure->appended, positions.size()), positions.begin());
      throw AppendError("connection lost", failure->appended, failure->in_doubt,
                        failure->appended == 0 ? Position{} : at[failure->appended - 1]);
    }

   private:
    MemoryBackend& backend_;
  };

  class Results : public ResultWriter {
   public:
    explicit Results(MemoryBackend& backend) : backend_(backend) {}
    void write(std::span<const Result> results) override {
      {
        const std::lock_guard lock(backend_.mutex_);
        if (backend_.fail_results_) {
          throw std::runtime_error("results log: no space left on device");
        }
        backend_.results_.insert(backend_.results_.end(), results.begin(), results.end());
      }
      backend_.results_written_.notify_all();
    }
    void sync() override {}
    EntryRef last_answered() override {
      const std::lock_guard lock(backend_.mutex_);
      if (backend_.results_.empty()) return EntryRef{};
      return EntryRef{backend_.results_.back().position, backend_.results_.back().entry_checksum};
    }
    void discard_after(Position position) override {
      const std::lock_guard lock(backend_.mutex_);
      std::erase_if(backend_.results_, [&](const Result& r) { return position < r.position; });
    }

   private:
    MemoryBackend& backend_;
  };

  // Follows the results written after it was opened (results are only appended to while
  // one is open).
  class ResultsReader : public ResultReader {
   public:
    explicit ResultsReader(MemoryBackend& backend)
        : backend_(backend), next_(backend.results().size()) {}
    std::size_t fetch(std::vector<Result>& out, std::chrono::milliseconds timeout) override {
      std::unique_lock lock(backend_.mutex_);
      backend_.results_written_.wait_for(lock, timeout,
                                         [&] { return backend_.results_.size() > next_; });
      const std::size_t count = backend_.results_.size() - next_;
      out.insert(out.end(), backend_.results_.begin() + static_cast<std::ptrdiff_t>(next_),
                 backend_.results_.end());
      next_ += count;
      return count;
    }

   private:
    MemoryBackend& backend_;
    std::size_t next_;
  };

  class Snapshots : public SnapshotStore {
   public:
    explicit Snapshots(MemoryBackend& backend) : backend_(backend) {}
    SavedSnapshot save(const Snapshot& snapshot) override {
      const std::lock_guard lock(backend_.mutex_);
      backend_.snapshots_.push_back(snapshot);
      return {snapshot.position, state_digest(snapshot), 0};
    }
    std::optional<Snapshot> load_newest(std::vector<std::string>& /*problems*/,
                                        Position at_most) override {
      const std::lock_guard lock(backend_.mutex_);
      for (auto it = backend_.snapshots_.rbegin(); it != backend_.snapshots_.rend(); ++it) {
        if (it->position <= at_most) return *it;
      }
      return std::nullopt;
    }
    std::optional<Position> oldest_valid(std::vector<std::string>& /*problems*/) override {
      const std::lock_guard lock(backend_.mutex_);
      if (backend_.snapshots_.empty()) return std::nullopt;
      return backend_.snapshots_.front().position;
    }

   private:
    MemoryBackend& backend_;
  };

  mutable std::mutex mutex_;
  std::condition_variable appended_;
  std::condition_variable results_written_;
  std::vector<Event> log_;
  std::uint32_t entries_made_ = 0;
  std::vector<Result> results_;
  std::vector<Snapshot> snapshots_;
  bool fail_results_ = false;
  struct AppendFailure {
    std::size_t appended;
    std::size_t in_doubt;
  };
  std::optional<AppendFailure> append_failure_;
};

}  // namespace lmx::test
