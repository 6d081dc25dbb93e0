// `lmx produce`: appends events to the log, from JSON lines (--input) or from the seeded
// generator (--events). A malformed input line is refused (reported with its line number,
// not appended); well-formed events that break a business rule are appended, and the
// engine rejects them with their reason. The one exception: an order of more than
// order_lines_max lines (rejected as too_many_lines) keeps only its first lines, so only a
// native entry can carry it; for seed or json entries it is refused like a malformed line.
//
// When appending fails midway (disk full, file size limit, Redis gone), it says exactly how
// many events the log writer confirmed, and the --skip that resumes after them.

#include <fmt/core.h>

#include <cassert>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "backend/redis/redis_entry.hpp"
#include "commands.hpp"
#include "json_event_input.hpp"
#include "lmx/constants.hpp"
#include "log_options.hpp"
#include "progress.hpp"
#include "workload.hpp"

namespace lmx::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto produce_flush_delay = std::chrono::milliseconds(produce_flush_delay_ms);

struct ProduceOptions {
  LogOptions log;
  std::string input;
  std::uint64_t events = 0;
  std::uint64_t skip = 0;
  WorkloadConfig workload;
};

// Collects events into batches and appends each full batch, or a partial one whose first
// event has waited produce_flush_delay (deadline()). Each event keeps its ordinal in the
// input (its line number, or its number in the workload): after a failed append, the
// ordinal of the last event the writer confirmed is where a re-run resumes (--skip).
class Appender {
 public:
  // `total`: events the run will append, 0 when unknown. `skip`: ordinals already done.
  Appender(LogWriter& writer, std::uint64_t total, std::uint64_t skip)
      : writer_(writer), progress_(total), resume_(skip) {
    batch_.resize(produce_batch_size);
    ordinals_.resize(produce_batch_size);
  }

  Event& slot() { return batch_[filled_]; }

  // Takes the slot's event, which came from input `ordinal`; appends a full batch.
  void commit(std::uint64_t ordinal) {
    if (filled_ == 0) deadline_ = Clock::now() + produce_flush_delay;
    ordinals_[filled_] = ordinal;
    if (++filled_ == batch_.size()) flush();
  }

  // When the events held must be appended, full batch or not; max() when none is held.
  [[nodiscard]] Clock::time_point deadline() const {
    return filled_ == 0 ? Clock::time_point::max() : deadline_;
  }

  void flush() {
    if (filled_ == 0) return;
    Position last;
    try {
      last = writer_.append(std::span<const Event>(batch_.data(), filled_));
    } catch (const AppendError& e) {
      failed(e.appended(), e.in_doubt(), e.last_appended());
      throw;
    } catch (...) {
      failed(0, filled_, Position{});  // a writer that does not say how far it got
      throw;
    }
    confirmed(filled_, last);
    filled_ = 0;
    progress_.update(appended_);
  }

  void summary(std::uint64_t refused) {
    progress_.finish();
    const double seconds = progress_.seconds();
    fmt::print(stderr, "appended {} events{} in {:.2f} s ({:.0f} events/s){}\n", appended_,
               positions(), seconds, seconds > 0 ? static_cast<double>(appended_) / seconds : 0.0,
               refused ? fmt::format("; refused {} line{}", refused, refused == 1 ? "" : "s") : "");
  }

  // After a failure: exactly what the writer confirmed, and the --skip that resumes after
  // it. `what` names the input ("of 400000 events", "from events.jsonl").
  void report_failure(const std::string& what) {
    progress_.finish();
    const std::string done =
        fmt::format("lmx: appended {} {} before the failure{}", appended_, what, positions());
    if (in_doubt_ == 0) {
      fmt::print(stderr, "{}; to resume, re-run with --skip {}\n", done, resume_);
      return;
    }
    fmt::print(stderr,
               "{}; {} more {} not confirmed, and may be in the log too: look at the end of "
               "the log, then re-run with --skip {} if none of them is there, up to --skip {} "
               "if all are\n",
               done, in_doubt_, in_doubt_ == 1 ? "was" : "were", resume_, in_doubt_end_);
  }

 private:
  // The first `count` events of the batch are in the log, the last of them at `last`.
  void confirmed(std::size_t count, Position last) {
    if (count == 0) return;
    last_ = last;
    // Journal positions are dense, so the first of the first batch is derivable; for other
    // logs the summary shows the last position of the first batch instead.
    if (first_.is_zero()) first_ = last.major == 0 ? Position{0, last.minor - count + 1} : last;
    appended_ += count;
    resume_ = ordinals_[count - 1];
  }

  // The append of the batch failed: its first `appended` events are in the log, the
  // `in_doubt` after them may be.
  void failed(std::size_t appended, std::size_t in_doubt, Position last) {
    assert(appended + in_doubt <= filled_);
    confirmed(appended, last);
    in_doubt_ = in_doubt;
    if (in_doubt > 0) in_doubt_end_ = ordinals_[appended + in_doubt - 1];
  }

  [[nodiscard]] std::string positions() const {
    if (appended_ == 0) return "";
    return fmt::format(" (positions {}..{})", first_.to_string(), last_.to_string());
  }

  LogWriter& writer_;
  Progress progress_;
  std::vector<Event> batch_;
  std::vector<std::uint64_t> ordinals_;  // of each event in batch_
  std::size_t filled_ = 0;
  Clock::time_point deadline_;
  std::uint64_t appended_ = 0;
  std::uint64_t resume_;  // ordinal of the last event confirmed (the --skip of a re-run)
  std::size_t in_doubt_ = 0;
  std::uint64_t in_doubt_end_ = 0;  // ordinal of the last event in doubt
  Position first_;
  Position last_;
};

// Appends the events of `input`, except malformed lines and events an entry of `format`
// cannot carry, which are reported with their line number.
int produce_from_input(const ProduceOptions& options, EntryFormat format, Appender& appender,
                       JsonEventInput& input) {
  input.skip_lines(options.skip);
  std::uint64_t refused = 0;
  for (;;) {
    JsonEventInput::Next next = JsonEventInput::Next::end;
    try {
      next = input.next(appender.slot(), appender.deadline());
    } catch (const std::runtime_error&) {
      appender.flush();  // the lines read before the error are good: append them
      throw;
    }
    if (next == JsonEventInput::Next::end) break;
    if (next == JsonEventInput::Next::timeout) {  // a slow pipe: append what it gave so far
      appender.flush();
      continue;
    }
    const Event& event = appender.slot();
    if (event.type == EventType::malformed) {
      ++refused;
      fmt::print(stderr, "{}:{}: malformed: {}; not appended\n", input.name(), input.line_number(),
                 input.error());
      continue;
    }
    if (!entry_format_carries(format, event)) {
      ++refused;
      fmt::print(stderr,
                 "{}:{}: an order of {} lines does not fit a {} entry, which lists at most {} "
                 "(the engine would reject it as too_many_lines); not appended: --format "
                 "native writes it\n",
                 input.name(), input.line_number(), event.line_count, options.log.format,
                 order_lines_max);
      continue;
    }
    appender.commit(input.line_number());
  }
  appender.flush();
  appender.summary(refused);
  return refused == 0 ? 0 : 1;
}

int produce_generated(const ProduceOptions& options, Appender& appender) {
  Workload workload(options.workload);
  for (std::uint64_t i = 0; i < options.events; ++i) {
    workload.next(appender.slot());  // skipped events are generated too: the next depend on them
    if (i >= options.skip) appender.commit(i + 1);
  }
  appender.flush();
  appender.summary(0);
  return 0;
}

int run_produce(const ProduceOptions& options) {
  const EntryFormat format = options.log.entry_format();
  const std::unique_ptr<Backend> backend =
      open_backend(options.log.url, options.log.backend_options());
  const std::unique_ptr<LogWriter> writer = backend->open_writer();
  const bool generated = options.input.empty();
  std::unique_ptr<JsonEventInput> input;
  if (!generated) input = std::make_unique<JsonEventInput>(options.input);
  Appender appender(*writer, generated ? options.events - options.skip : 0, options.skip);
  try {
    if (!generated) return produce_from_input(options, format, appender, *input);
    return produce_generated(options, appender);
  } catch (const std::exception& e) {
    fmt::print(stderr, "lmx: {}\n", e.what());
    appender.report_failure(generated ? options.skip == 0
                                            ? fmt::format("of {} events", options.events)
                                            : fmt::format("more of {} events (after --skip {})",
                                                          options.events, options.skip)
                                      : fmt::format("events from {}", input->name()));
    return 1;
  }
}

}  // namespace

Command add_produce(CLI::App& app) {
  auto options = std::make_shared<ProduceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "produce", "Append events to the log: JSON lines from --input, or a seeded workload");
  cmd->footer(fmt::format(
      "Events are appended in batches of {}; from a pipe, within {} ms of arriving, batch "
      "full or not. If appending fails midway (disk full, file size limit, Redis gone), "
      "produce exits 1 saying exactly how many events the log confirmed and the --skip "
      "that resumes after them.",
      produce_batch_size, produce_flush_delay_ms));
  add_log_option(*cmd, options->log);
  add_fsync_option(*cmd, options->log);
  add_segment_size_option(*cmd, options->log, "event journal");
  add_format_option(*cmd, options->log);
  auto* input = cmd->add_option("--input", options->input,
                                fmt::format("JSON-lines events to append ('-' = stdin); "
                                            "malformed lines, and orders of more than {} lines "
                                            "for seed or json entries, are refused and make "
                                            "the exit status 1",
                                            order_lines_max));
  auto* events = cmd->add_option("--events", options->events, "Generate this many events");
  input->excludes(events);
  auto* skip = cmd->add_option("--skip", options->skip,
                               "Pass over the first N lines of --input, or the first N of the "
                               "--events generated, and append the rest: how a failed run "
                               "resumes (its last message gives N)");
  cmd->add_option("--users", options->workload.users, "Generated users (ids 1..U)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--items", options->workload.items, "Generated items (sku-1..sku-I)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", options->workload.seed, "Generator seed")->capture_default_str();
  cmd->add_flag("--ids", options->workload.ids,
                "Generated events: give event N the command id \"<seed>-<N>\"");
  cmd->callback([options, input, events, skip] {
    if (input->count() == 0 && events->count() == 0) {
      throw CLI::ValidationError("produce", "give --input FILE|- or --events N");
    }
    if (skip->count() > 0 && events->count() > 0 && options->skip > options->events) {
      throw CLI::ValidationError("--skip", fmt::format("--skip {} is more than --events {}",
                                                       options->skip, options->events));
    }
  });
  return {cmd, [options] { return run_produce(*options); }};
}

}  // namespace lmx::cli
