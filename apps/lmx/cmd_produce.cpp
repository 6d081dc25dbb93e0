// `lmx produce`: appends events to the log, from JSON lines (--input) or from the seeded
// generator (--events). A malformed input line is refused (reported with its line number,
// not appended); well-formed events that break a business rule are appended, and the
// engine rejects them with their reason.

#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "json_event_input.hpp"
#include "workload.hpp"
#include "log_options.hpp"
#include "progress.hpp"

namespace lmx::cli {
namespace {

// Events appended per batch: one journal write (and one fsync with --fsync always), or one
// pipelined round trip to Redis.
constexpr std::size_t produce_batch_size = 4096;

struct ProduceOptions {
  LogOptions log;
  std::string input;
  std::uint64_t events = 0;
  WorkloadConfig workload;
};

// Collects events into batches and appends each full batch.
class Appender {
 public:
  Appender(LogWriter& writer, std::uint64_t total) : writer_(writer), progress_(total) {
    batch_.resize(produce_batch_size);
  }

  Event& slot() { return batch_[filled_]; }

  void commit() {
    if (++filled_ == batch_.size()) flush();
  }

  void flush() {
    if (filled_ == 0) return;
    last_ = writer_.append(std::span<const Event>(batch_.data(), filled_));
    if (first_.is_zero()) first_ = first_of_batch();
    appended_ += filled_;
    filled_ = 0;
    progress_.update(appended_);
  }

  void summary(std::uint64_t refused) {
    progress_.finish();
    const double seconds = progress_.seconds();
    fmt::print(
        stderr, "appended {} events{} in {:.2f} s ({:.0f} events/s){}\n", appended_,
        appended_ ? fmt::format(" (positions {}..{})", first_.to_string(), last_.to_string()) : "",
        seconds, seconds > 0 ? static_cast<double>(appended_) / seconds : 0.0,
        refused ? fmt::format("; refused {} malformed lines", refused) : "");
  }

 private:
  // Journal positions are dense, so the first of the first batch is derivable; for other
  // logs the summary shows the last position of the first batch instead.
  Position first_of_batch() const {
    if (last_.major == 0) return Position{0, last_.minor - filled_ + 1};
    return last_;
  }

  LogWriter& writer_;
  Progress progress_;
  std::vector<Event> batch_;
  std::size_t filled_ = 0;
  std::uint64_t appended_ = 0;
  Position first_;
  Position last_;
};

int produce_from_input(const ProduceOptions& options, Appender& appender) {
  JsonEventInput input(options.input);
  std::uint64_t refused = 0;
  for (;;) {
    try {
      if (!input.next(appender.slot())) break;
    } catch (const std::runtime_error&) {
      appender.flush();  // the lines read before the error are good: append them
      throw;
    }
    if (appender.slot().type == EventType::malformed) {
      ++refused;
      fmt::print(stderr, "{}:{}: malformed: {}; not appended\n", input.name(), input.line_number(),
                 input.error());
      continue;
    }
    appender.commit();
  }
  appender.flush();
  appender.summary(refused);
  return refused == 0 ? 0 : 1;
}

int produce_generated(const ProduceOptions& options, Appender& appender) {
  Workload workload(options.workload);
  for (std::uint64_t i = 0; i < options.events; ++i) {
    workload.next(appender.slot());
    appender.commit();
  }
  appender.flush();
  appender.summary(0);
  return 0;
}

int run_produce(const ProduceOptions& options) {
  const std::unique_ptr<Backend> backend =
      open_backend(options.log.url, options.log.backend_options());
  const std::unique_ptr<LogWriter> writer = backend->open_writer();
  Appender appender(*writer, options.input.empty() ? options.events : 0);
  if (!options.input.empty()) return produce_from_input(options, appender);
  return produce_generated(options, appender);
}

}  // namespace

Command add_produce(CLI::App& app) {
  auto options = std::make_shared<ProduceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "produce", "Append events to the log: JSON lines from --input, or a seeded workload");
  add_log_option(*cmd, options->log);
  add_fsync_option(*cmd, options->log);
  add_format_option(*cmd, options->log);
  auto* input = cmd->add_option("--input", options->input,
                                "JSON-lines events to append ('-' = stdin); malformed lines are "
                                "refused and make the exit status 1");
  auto* events = cmd->add_option("--events", options->events, "Generate this many events");
  input->excludes(events);
  cmd->add_option("--users", options->workload.users, "Generated users (ids 1..U)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--items", options->workload.items, "Generated items (sku-1..sku-I)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", options->workload.seed, "Generator seed")->capture_default_str();
  cmd->callback([input, events] {
    if (input->count() == 0 && events->count() == 0) {
      throw CLI::ValidationError("produce", "give --input FILE|- or --events N");
    }
  });
  return {cmd, [options] { return run_produce(*options); }};
}

}  // namespace lmx::cli
