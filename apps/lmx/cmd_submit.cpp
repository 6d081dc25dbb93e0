// `lmx submit`: appends JSON-line events to the log and prints the engine's result for each,
// one JSON line per input line, in input order, as soon as the engine has written it:
//
//   {"line":1,"position":"1","type":"topup","reason":"accepted","id":"t-1","user_id":7,"balance":500}
//   {"line":2,"position":"2","type":"topup","reason":"duplicate","id":"t-1","user_id":7,
//    "original_position":"1","original_reason":"accepted"}
//   {"line":3,"refused":"malformed: missing user_id"}        not appended
//
// The results come from the results log (lmx::Client), so an engine must be running on the
// same log; when none writes a result for --timeout, submit says so and exits 1. The events
// are in the log by then: an engine applies them when it runs, and submitting commands with
// ids again is safe (every repeat is answered `duplicate` with the first outcome).

#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backend/redis/redis_entry.hpp"
#include "commands.hpp"
#include "format/result_json.hpp"
#include "json_event_input.hpp"
#include "lmx/client/client.hpp"
#include "lmx/constants.hpp"
#include "log_options.hpp"

namespace lmx::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto submit_flush_delay = std::chrono::milliseconds(produce_flush_delay_ms);

struct SubmitOptions {
  LogOptions log;
  std::string input = "-";
  std::string timeout = "10s";
};

// What one input line became: an event of the batch, or a refusal.
struct Line {
  std::uint64_t number = 0;
  std::size_t event = 0;  // index in the batch's events, when `refused` is empty
  std::string refused;
};

std::string refusal_json(const Line& line) {
  nlohmann::ordered_json json;
  json["line"] = line.number;
  json["refused"] = line.refused;
  return json.dump();
}

std::string result_json(std::uint64_t line, const Event& event, const Result& result) {
  nlohmann::ordered_json json;
  json["line"] = line;
  add_result_fields(event, result, json);
  // Ids and SKUs from JSON input are UTF-8; replace rather than throw should one not be.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class Submitter {
 public:
  Submitter(Backend& backend, std::chrono::milliseconds timeout)
      : client_(backend), log_(backend.describe()), timeout_(timeout) {
    events_.reserve(produce_batch_size);
  }

  Event& slot() {
    if (events_.size() == count_) events_.emplace_back();
    return events_[count_];
  }

  // Takes the slot's event, from input line `number`; submits a full batch.
  void commit(std::uint64_t number) {
    if (count_ == 0) deadline_ = Clock::now() + submit_flush_delay;
    lines_.push_back(Line{number, count_++, {}});
    if (count_ == produce_batch_size) flush();
  }

  void refuse(std::uint64_t number, std::string why) {
    lines_.push_back(Line{number, 0, std::move(why)});
    ++refused_;
  }

  [[nodiscard]] Clock::time_point deadline() const {
    return count_ == 0 ? Clock::time_point::max() : deadline_;
  }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

  // Appends the batch, then prints every line's answer in order as the results come.
  // False when some results did not come within the timeout.
  bool flush() {
    if (count_ == 0) {  // refusals only: nothing to append or wait for
      for (const Line& line : lines_) fmt::print("{}\n", refusal_json(line));
      lines_.clear();
      return true;
    }
    const std::span<const Event> events(events_.data(), count_);
    const std::vector<Position> positions = client_.append(events);
    std::vector<std::optional<Result>> results(count_);
    std::size_t printed = 0;
    const auto print_ready = [&] {
      for (; printed < lines_.size(); ++printed) {
        const Line& line = lines_[printed];
        if (!line.refused.empty()) {
          fmt::print("{}\n", refusal_json(line));
        } else if (results[line.event]) {
          fmt::print("{}\n", result_json(line.number, events_[line.event], *results[line.event]));
        } else {
          break;
        }
      }
      std::fflush(stdout);
    };
    print_ready();
    const std::size_t missing =
        client_.wait(positions, timeout_, [&](std::size_t i, const Result& r) {
          results[i] = r;
          print_ready();
        });
    if (missing > 0) {
      fmt::print(stderr,
                 "lmx submit: no result for {} of the {} events appended at positions {}..{}: no "
                 "result was written to the results log for {} s. Is an engine running on {} "
                 "(lmx run)? The events are in the log: an engine applies them "
                 "when it runs, and submitting commands with ids again is safe.\n",
                 missing, count_, positions.front().to_string(), positions.back().to_string(),
                 std::chrono::duration<double>(timeout_).count(), log_);
      return false;
    }
    lines_.clear();
    count_ = 0;
    return true;
  }

 private:
  Client client_;
  std::string log_;  // for messages: "file journal ./data"
  std::chrono::milliseconds timeout_;
  std::vector<Event> events_;  // the batch: its first count_
  std::size_t count_ = 0;
  std::vector<Line> lines_;  // the batch's input lines, refused ones included
  Clock::time_point deadline_;
  std::uint64_t refused_ = 0;
};

int run_submit(const SubmitOptions& options) {
  const EntryFormat format = options.log.entry_format();
  const std::unique_ptr<Backend> backend =
      open_backend(options.log.url, options.log.backend_options());
  Submitter submitter(*backend, parse_duration(options.timeout));
  JsonEventInput input(options.input);
  for (;;) {
    const JsonEventInput::Next next = input.next(submitter.slot(), submitter.deadline());
    if (next == JsonEventInput::Next::end) break;
    if (next == JsonEventInput::Next::timeout) {  // a slow pipe: submit what it gave so far
      if (!submitter.flush()) return 1;
      continue;
    }
    const Event& event = submitter.slot();
    if (event.type == EventType::malformed) {
      submitter.refuse(input.line_number(), fmt::format("malformed: {}", input.error()));
    } else if (!entry_format_carries(format, event)) {
      submitter.refuse(input.line_number(),
                       fmt::format("an order of {} lines does not fit a {} entry (at most {}): "
                                   "--format native carries it",
                                   event.line_count, options.log.format, order_lines_max));
    } else {
      submitter.commit(input.line_number());
    }
  }
  if (!submitter.flush()) return 1;
  return submitter.refused() == 0 ? 0 : 1;
}

}  // namespace

Command add_submit(CLI::App& app) {
  auto options = std::make_shared<SubmitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "submit", "Append JSON-line events and print the engine's result for each as a JSON line");
  cmd->footer(fmt::format(
      "Prints one JSON line per input line, in input order: position, type, reason, id, "
      "user_id and balance (topup, order) or item_id and remain (add_item, set_price), and "
      "for a duplicate the original_position and original_reason; a malformed line is not "
      "appended and gets {{\"line\":N,\"refused\":\"...\"}}. Events are appended in batches of "
      "up to {}. An engine (lmx run) must be running on the same log. Exit status: 0 when "
      "every line got a result, 1 when a line was refused, no result came within --timeout, "
      "or appending failed.",
      produce_batch_size));
  add_log_option(*cmd, options->log);
  add_fsync_option(*cmd, options->log);
  add_format_option(*cmd, options->log);
  cmd->add_option("--input", options->input, "JSON-lines events ('-' = stdin)")
      ->capture_default_str();
  cmd->add_option("--timeout", options->timeout,
                  "Give up when no result at all is written for this long (30s, 500ms, 2m)")
      ->capture_default_str();
  return {cmd, [options] {
            try {
              return run_submit(*options);
            } catch (const AppendError& e) {
              fmt::print(stderr,
                         "lmx submit: {}; {} events of the last batch are in the log, {} more "
                         "may be: submitting the batch again is safe for commands with ids\n",
                         e.what(), e.appended(), e.in_doubt());
              return 1;
            }
          }};
}

}  // namespace lmx::cli
