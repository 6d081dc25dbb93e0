// `lmx run`: the engine. Recovers from the newest valid snapshot, replays the log after it,
// then follows the log live until SIGINT/SIGTERM (or, with --exit-when-caught-up, until
// the end of the log); drains the pipeline and writes a final snapshot before exiting.

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/engine.hpp"
#include "lmx/core/interrupted.hpp"
#include "log_options.hpp"
#include "pipeline/cpu_affinity.hpp"
#include "service/http_service.hpp"
#include "summary.hpp"

namespace lmx::cli {
namespace {

struct RunOptions {
  LogOptions log;
  std::string snapshot_interval = "30s";
  std::string status_interval = "5s";
  std::string redis_outage_max;  // empty: ride out any outage
  bool exit_when_caught_up = false;
  bool trim_after_snapshot = false;
  std::optional<std::uint64_t> id_horizon;  // unset: the state's own (default for a new one)
  std::string listen;                       // empty: no HTTP API
  std::string listen_token_file;            // empty: no token (loopback addresses only)
  std::string listen_timeout = fmt::format("{}s", http_wait_ms / 1000);
  bool standby = false;
  std::string lease_ttl = "2s";
  std::string cpus;  // empty: threads not pinned
  std::string reader = "auto";
};

// How the engine is named in the lease of a shared log: its host and process.
std::string lease_owner() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host.data(), getpid());
}

// Set by SIGINT/SIGTERM; the engine's control loop polls it.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "signal handlers may only touch lock-free atomics");

extern "C" void request_stop(int /*signal*/) {
  stop_requested.store(true,
                       std::memory_order_relaxed);  // relaxed: polled, nothing else to publish
}

std::string read_token_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read --listen-token-file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The HTTP API's options from --listen and --listen-token-file; nullopt after saying why
// they are refused. The token is read here and never printed.
std::optional<service::ServiceOptions> service_options(const RunOptions& options) {
  const Decoded<service::ListenAddress> address = service::ListenAddress::parse(options.listen);
  if (!address) {
    fmt::print(stderr, "lmx run: --listen {}: {}\n", options.listen, address.error());
    return std::nullopt;
  }
  service::ServiceOptions service{.address = *address,
                                  .token = {},
                                  .version = LMX_VERSION,
                                  .wait = parse_duration(options.listen_timeout),
                                  .stop = &stop_requested};
  if (!options.listen_token_file.empty()) {
    service.token = service::token_from_file_text(read_token_file(options.listen_token_file));
    if (service.token.empty()) {
      fmt::print(stderr, "lmx run: --listen-token-file {}: the file holds no token\n",
                 options.listen_token_file);
      return std::nullopt;
    }
  } else if (!service.address.loopback()) {
    fmt::print(stderr,
               "lmx run: --listen {} is reachable from other machines: give a bearer token "
               "with --listen-token-file FILE, or listen on 127.0.0.1\n",
               options.listen);
    return std::nullopt;
  }
  return service;
}

int run_run(const RunOptions& options) {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  EngineOptions engine;
  engine.snapshot_interval = parse_duration(options.snapshot_interval);
  engine.status_interval = parse_duration(options.status_interval);
  engine.exit_when_caught_up = options.exit_when_caught_up;
  engine.trim_after_snapshot = options.trim_after_snapshot;
  engine.id_horizon = options.id_horizon;
  engine.on_status = [](const std::string& line) { spdlog::info("status: {}", line); };
  engine.standby = options.standby;
  engine.lease_owner = lease_owner();
  engine.lease_ttl = parse_duration(options.lease_ttl);
  if (!options.cpus.empty()) engine.cpus = parse_cpu_list(options.cpus);  // checked already
  engine.reader = reader_placement_from_name(options.reader).value();     // checked already

  BackendOptions backend_options = options.log.backend_options();
  backend_options.stop = &stop_requested;
  if (!options.redis_outage_max.empty()) {
    backend_options.redis_outage_max = parse_duration(options.redis_outage_max);
  }
  std::optional<service::ServiceOptions> listen;
  if (!options.listen.empty() && !(listen = service_options(options))) return 1;
  const std::unique_ptr<Backend> backend = open_backend(options.log.url, backend_options);
  std::optional<service::HttpService> http;
  if (listen) {
    http.emplace(*backend, *listen);
    const int port = http->start();
    spdlog::info("serving the HTTP API on http://{}:{}/{}", listen->address.host, port,
                 listen->token.empty() ? "" : " (bearer token required)");
    engine.observer = &*http;
  }
  EngineSummary summary;
  try {
    summary = run_engine(*backend, engine, stop_requested);
    if (http) http->stop();
  } catch (const Interrupted& e) {
    spdlog::error(
        "{}; stopped without its final writes (results not yet published, the final "
        "snapshot): the server cannot take them; the next lmx run replays the log from the "
        "newest snapshot and writes them",
        e.what());
    return exit_code_interrupted;
  }
  const double rate =
      summary.seconds > 0 ? static_cast<double>(summary.applied_count) / summary.seconds : 0;
  fmt::print(
      "{} {} events in {:.3f} s ({:.0f} events/s) after {}; now at position {} ({} users, {} "
      "items)\n",
      summary.snapshot_position.is_zero() ? "applied" : "replayed and applied",
      summary.applied_count, summary.seconds, rate,
      summary.snapshot_position.is_zero()
          ? "no snapshot (full replay)"
          : "snapshot at position " + summary.snapshot_position.to_string(),
      summary.position.to_string(), summary.users, summary.items);
  fmt::print("results: {}\n", reasons_json(summary.reasons));
  if (!summary.final_snapshot_position.is_zero()) {
    fmt::print("final snapshot at position {}\n", summary.final_snapshot_position.to_string());
  }
  return 0;
}

// --listen and the options that go with it.
void add_listen_options(CLI::App& cmd, RunOptions& options) {
  CLI::Option* listen =
      cmd.add_option("--listen", options.listen,
                     "Serve the HTTP API on HOST:PORT (e.g. 127.0.0.1:8080; port 0 picks one): "
                     "the dashboard at /, /healthz, /readyz, /status, POST /events, "
                     "/users/{id}, /items/{sku}, /commands/{id}, /metrics "
                     "(docs/OPERATIONS.md). An address other than loopback needs "
                     "--listen-token-file");
  cmd.add_option("--listen-token-file", options.listen_token_file,
                 "With --listen: require 'Authorization: Bearer TOKEN' on every request, "
                 "TOKEN being the first line of this file (never printed)")
      ->check(CLI::ExistingFile)
      ->needs(listen);
  cmd.add_option("--listen-timeout", options.listen_timeout,
                 "With --listen: how long a POST /events waits for its results, or a read for "
                 "the engine, before answering 503 timeout (its events stay in the log)")
      ->capture_default_str()
      ->needs(listen);
}

void add_reader_option(CLI::App& cmd, std::string& reader) {
  cmd.add_option("--reader", reader,
                 "Where the log is read and decoded: 'thread', a thread of its own feeding the "
                 "business logic through a Disruptor ring (three busy threads: reader, "
                 "business logic, result writer); 'inline', on the business logic's thread "
                 "just ahead of apply (two). 'auto' picks inline when fewer than three CPUs "
                 "are available (the process's affinity, or the --cpus list): three busy "
                 "threads on two cores take turns, and inline is faster there (BENCHMARKS.md, "
                 "Engine)")
      ->check(CLI::IsMember({"auto", "thread", "inline"}))
      ->capture_default_str();
}

void add_cpus_option(CLI::App& cmd, std::string& cpus) {
  cmd.add_option("--cpus", cpus,
                 "Pin the pipeline's busy threads to these CPUs (e.g. 2,3,4 or 2-4; each one "
                 "this process may run on), round-robin in the order log reader, business logic, "
                 "result writer; with --reader inline, the reader and the business logic are one "
                 "thread, which takes the first CPU, and the result writer the second. Default: "
                 "not pinned, the scheduler places them. Pinning pays when each thread has a core "
                 "to itself that nothing else uses; on a machine shared with other work, leave "
                 "them unpinned (measured in BENCHMARKS.md, Disruptor and Engine)")
      ->type_name("LIST")
      ->check([](const std::string& list) {
        try {
          (void)parse_cpu_list(list);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      });
}

}  // namespace

Command add_run(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run the engine: recover, replay the log after the newest snapshot, then follow it");
  add_log_option(*cmd, options->log);
  add_snapshot_dir_option(*cmd, options->log);
  add_results_layout_option(*cmd, options->log);
  add_segment_size_option(*cmd, options->log, "results journal");
  cmd->add_option(
         "--snapshot-interval", options->snapshot_interval,
         "Time between snapshots (e.g. 30s, 500ms, 5m); one more on exit if the state moved. "
         "On Redis, in log time (entry ids' milliseconds), so that every engine on the stream "
         "snapshots at the same positions and compares its state digest there")
      ->capture_default_str();
  cmd->add_option("--status-interval", options->status_interval,
                  "Time between status lines on stderr (events/s, position, lag, last snapshot)")
      ->capture_default_str();
  cmd->add_option("--redis-outage-max", options->redis_outage_max,
                  "Redis backend: how long to keep reconnecting to a server that stopped "
                  "answering before giving up (e.g. 30s, 5m); default: until it answers or "
                  "lmx is stopped");
  cmd->add_option("--id-horizon", options->id_horizon,
                  fmt::format("Command ids the state keeps recorded: a retry older than the "
                              "last this-many recorded ids is applied again (~130 bytes each). "
                              "Set once, when the state starts empty; kept in its snapshots. "
                              "Default {}",
                              id_horizon_default))
      ->check(CLI::Range(id_horizon_default, id_horizon_max));
  add_listen_options(*cmd, *options);
  cmd->add_flag("--exit-when-caught-up", options->exit_when_caught_up,
                "Stop at the end of the log instead of waiting for new entries, once every "
                "result up to there is written: a standby there (Redis: another engine, "
                "alive or dead, held the lease) first waits for that primary to write them "
                "or for the lease to lapse, then writes them itself");
  cmd->add_flag("--trim-after-snapshot", options->trim_after_snapshot,
                "After each snapshot saved, remove what lmx trim removes: the log entries and "
                "results before the oldest valid snapshot kept (on the snapshot thread; a "
                "failed trim is logged and retried after the next snapshot)");
  cmd->add_flag("--standby", options->standby,
                "Redis backend: start as a hot standby: apply every entry, write nothing, and "
                "take over as the primary (fenced by a new epoch) when the primary's lease "
                "lapses (docs/SCALING.md). Without it, the engine takes the lease when it is "
                "free and follows as a standby while another engine holds it");
  cmd->add_option("--lease-ttl", options->lease_ttl,
                  "Redis backend: how long the primary's lease lasts unrenewed (renewed every "
                  "third of it): a standby takes over about this long after the primary died; "
                  "a primary paused longer loses it")
      ->capture_default_str();
  add_reader_option(*cmd, options->reader);
  add_cpus_option(*cmd, options->cpus);
  return {cmd, [options] { return run_run(*options); }};
}

}  // namespace lmx::cli
