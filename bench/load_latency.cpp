// Latency by offered load, exchange-core's method: the engine runs in this process on one
// backend while a producer appends events at a constant offered rate, paced by each
// event's intended send time. An event's latency runs from its INTENDED send time (not the
// moment the producer got round to it, so a stalled producer or a full log cannot hide
// the wait: no coordinated omission) to its result being written. One line per rate.
//
//   load_latency --log file:DIR [--fsync none|always|interval] [--rates 100k,1m,...]
//   load_latency --log redis://HOST:PORT [...]
//
// Where a result is observed: EngineObserver::on_results_written, called on the engine's
// result thread right after each batch of results is written to the results log (a
// write() to the results file, or the results XADD acknowledged by Redis): where `lmx
// run --listen` answers the request, and from then on `lmx submit` or any results reader
// can see them, except on the file backend for a batch written while the results journal
// rolls to a new segment, which readers of the file see once the old segment is durable
// (a sync, every 64 MiB of results; BENCHMARKS.md measures it at 1M/s). It is the
// cheapest honest point: one clock read per batch on a thread that is already there,
// where reading the results log back would add a fourth thread competing for the cores
// and its own polling delay. The price of an observer: an idle logic thread wakes every
// millisecond (engine_observer.hpp), the result thread spends a few nanoseconds per
// result recording it, and the control thread asks the log for its end every 200 ms for
// on_progress (on the file journal, it reads and checks the records appended since it
// last asked).
//
// Each rate runs on a fresh log (a new directory, or a new stream deleted afterwards) and
// a fresh engine: a warm-up (--warmup seconds of events at the same rate, excluded from
// the figures), then --seconds measured. The producer appends every event that is due,
// up to --batch-max per append; each event keeps its own intended time. The ladder stops
// at the first broken rate: fewer than 95% of the offered rate achieved, results still
// missing after a drain time, or latency growing without bound: a queue building up, which
// raises the whole distribution, p99 with it. It is told by the median of each third of the
// measured window rising to the next by over a quarter, to over 10 ms: a single stall (a
// segment roll) moves one third's p99 a long way, but no median, and a neighbour's load
// on a shared machine moves a median of a millisecond by more than a quarter.

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_url.hpp"
#include "lmx/constants.hpp"
#include "lmx/core/backend.hpp"
#include "lmx/core/engine.hpp"
#include "workload.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t ns_per_s = 1'000'000'000;
constexpr std::uint64_t rate_max = 1'000'000'000;  // events/s
constexpr std::uint64_t seconds_max = 86'400;      // --seconds and --warmup

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// A log-linear histogram of nanoseconds, HdrHistogram's layout: values below 128 exactly,
// above that 64 buckets per power of two (relative error under 1/64: 8 ns at 1 µs).
class Histogram {
 public:
  void record(std::uint64_t ns) noexcept {
    ++counts_[index(ns)];
    ++total_;
    max_ = std::max(max_, ns);
  }
  void add(const Histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    max_ = std::max(max_, other.max_);
  }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
  // The highest value equivalent to the one at quantile q (0 < q <= 1).
  [[nodiscard]] std::uint64_t at(double q) const noexcept {
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(highest(i), max_);
    }
    return max_;
  }

 private:
  static constexpr unsigned sub_bits = 7;  // 2^7 exact values, then 2^6 buckets per octave
  static constexpr std::uint64_t half = std::uint64_t{1} << (sub_bits - 1);
  static constexpr std::size_t bucket_count = (64 - sub_bits + 2) * half;

  static std::size_t index(std::uint64_t ns) noexcept {
    if (ns < 2 * half) return ns;
    const auto shift = static_cast<unsigned>(std::bit_width(ns)) - sub_bits;
    return (shift + 1) * half + ((ns >> shift) - half);
  }
  static std::uint64_t highest(std::size_t i) noexcept {
    if (i < 2 * half) return i;
    const std::size_t shift = i / half - 1;
    return ((i % half + half + 1) << shift) - 1;
  }

  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

// Event k (from 0) is meant to be sent at k / rate seconds after the start. Whole seconds
// and the rest are scaled apart, so that no product overflows (rate at most rate_max).
struct Plan {
  std::uint64_t rate = 0;
  std::uint64_t warmup = 0;    // events before the measured window
  std::uint64_t measured = 0;  // events in it

  [[nodiscard]] std::uint64_t total() const noexcept { return warmup + measured; }
  [[nodiscard]] std::int64_t intended_ns(std::uint64_t k) const noexcept {
    return static_cast<std::int64_t>(k / rate * ns_per_s + k % rate * ns_per_s / rate);
  }
  // Events due by `elapsed` ns after the start (event k is due once intended_ns(k) passed).
  [[nodiscard]] std::uint64_t due(std::int64_t elapsed) const noexcept {
    if (elapsed < 0) return 0;
    const auto ns = static_cast<std::uint64_t>(elapsed);
    return std::min(total(), ns / ns_per_s * rate + ns % ns_per_s * rate / ns_per_s + 1);
  }
};

// Times each result from its event's intended send time. Results arrive in log order and
// the log holds only this run's events, so the k-th result is the k-th event appended
// (checked at the end: the last result's position is the last one appended).
class LoadObserver final : public lmx::EngineObserver {
 public:
  explicit LoadObserver(const Plan& plan) : plan_(plan) {}

  // Before the first append.
  void begin(std::int64_t start_ns) noexcept {
    start_ns_.store(start_ns, std::memory_order_release);  // read by the result thread
  }
  [[nodiscard]] bool engine_running() const noexcept {
    return running_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t completed() const noexcept {
    return completed_.load(std::memory_order_acquire);
  }

  void on_progress(const lmx::EngineProgress& /*progress*/) noexcept override {
    running_.store(true, std::memory_order_release);  // the pipeline is up
  }
  void on_results_written(std::span<const lmx::Result> results) noexcept override {
    const std::int64_t written = now_ns() - start_ns_.load(std::memory_order_acquire);
    std::uint64_t k = completed_.load(std::memory_order_relaxed);  // this thread's own
    for (const lmx::Result& result : results) {
      if (k >= plan_.warmup) {
        const std::uint64_t third = (k - plan_.warmup) * thirds_.size() / plan_.measured;
        thirds_[std::min(third, thirds_.size() - 1)].record(
            static_cast<std::uint64_t>(written - plan_.intended_ns(k)));
        last_written_ns_ = written;
      }
      last_position_ = result.position;
      ++k;
    }
    completed_.store(k, std::memory_order_release);  // the main thread waits on it
  }
  void on_state(const lmx::State& /*state*/, lmx::Position /*position*/) noexcept override {}
  void on_batch(std::size_t /*events*/, std::chrono::nanoseconds /*time*/) noexcept override {}

  // After the engine stopped.
  [[nodiscard]] const std::array<Histogram, 3>& thirds() const noexcept { return thirds_; }
  [[nodiscard]] std::int64_t last_written_ns() const noexcept { return last_written_ns_; }
  [[nodiscard]] lmx::Position last_position() const noexcept { return last_position_; }

 private:
  const Plan plan_;
  std::atomic<std::int64_t> start_ns_{0};
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> completed_{0};
  std::array<Histogram, 3> thirds_;  // the measured window's, in order
  std::int64_t last_written_ns_ = 0;
  lmx::Position last_position_;
};

struct Options {
  std::string log;
  std::optional<lmx::FsyncPolicy> fsync;
  std::vector<std::uint64_t> rates{10'000,  50'000,    100'000,   200'000,
                                   500'000, 1'000'000, 2'000'000, 5'000'000};
  std::uint64_t seconds = 5;
  std::uint64_t warmup = 1;
  std::size_t batch_max = lmx::produce_batch_size;
  std::string label;
  lmx::ReaderPlacement reader = lmx::ReaderPlacement::automatic;
  [[nodiscard]] bool redis() const { return log.starts_with("redis://"); }
};

constexpr std::string_view usage = R"(usage: load_latency --log LOG [options]

Runs the engine in this process on LOG and, for each offered rate in turn, appends events
at that constant rate; prints, per rate, the achieved rate and the latency percentiles
from each event's intended send time to its result written. Stops at the first broken rate.

  --log file:DIR | redis://HOST:PORT[/DB]
                       file journal: one fresh directory DIR/rate-N per rate, removed after;
                       Redis: one fresh stream per rate, deleted after
  --fsync none|always|interval
                       the file journal's fsync policy for appends (default always)
  --rates LIST         offered rates, events/s, k and m suffixes
                       (default 10k,50k,100k,200k,500k,1m,2m,5m)
  --seconds N          measured seconds per rate (default 5)
  --warmup N           warm-up seconds per rate, not measured (default 1)
  --batch-max N        most events per append (default 4096)
  --label NAME         first column of each row (default from the backend)
  --reader auto|thread|inline
                       where the engine reads the log (lmx run --reader; default auto)
  --help               this text
)";

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t scale = 1;
  if (text.ends_with('k') || text.ends_with('m')) {
    scale = text.back() == 'k' ? 1'000 : 1'000'000;
    text.remove_suffix(1);
  }
  std::uint64_t value = 0;
  if (text.empty() || text.size() > 12) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value == 0) return std::nullopt;
  return value * scale;
}

std::optional<std::vector<std::uint64_t>> parse_rates(std::string_view text) {
  std::vector<std::uint64_t> rates;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const auto rate = parse_count(text.substr(start, comma - start));
    if (!rate) return std::nullopt;
    rates.push_back(*rate);
    start = comma + 1;
  }
  return rates;
}

// Sets the option `flag` from `value`; returns an error message, empty when accepted.
std::string apply_option(Options& options, std::string_view flag, std::string_view value) {
  auto count = [&](auto& field) -> std::string {
    const auto parsed = parse_count(value);
    if (!parsed) return fmt::format("{} wants a positive number, not '{}'", flag, value);
    field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
    return {};
  };
  if (flag == "--log") {
    options.log = value;
  } else if (flag == "--fsync") {
    options.fsync = lmx::fsync_policy_from_name(value);
    if (!options.fsync) return fmt::format("--fsync is none, always or interval, not '{}'", value);
  } else if (flag == "--rates") {
    const auto rates = parse_rates(value);
    if (!rates) return fmt::format("--rates wants positive rates like 100k,1m, not '{}'", value);
    options.rates = *rates;
  } else if (flag == "--seconds") {
    return count(options.seconds);
  } else if (flag == "--warmup") {
    return count(options.warmup);
  } else if (flag == "--batch-max") {
    return count(options.batch_max);
  } else if (flag == "--label") {
    options.label = value;
  } else if (flag == "--reader") {
    const auto reader = lmx::reader_placement_from_name(value);
    if (!reader) return fmt::format("--reader is auto, thread or inline, not '{}'", value);
    options.reader = *reader;
  } else {
    return fmt::format("unknown option '{}'", flag);
  }
  return {};
}

std::string check_options(Options& options) {
  if (options.redis()) {
    if (options.fsync) return "--fsync applies to a file journal only";
    if (options.label.empty()) options.label = "redis";
  } else if (options.log.starts_with("file:") && options.log.size() > 5) {
    if (!options.fsync) options.fsync = lmx::FsyncPolicy::always;
    if (options.label.empty()) {
      options.label = fmt::format("file-fsync-{}", lmx::fsync_policy_name(*options.fsync));
    }
  } else {
    return "--log is file:DIR or redis://HOST:PORT";
  }
  if (options.batch_max > lmx::produce_batch_size) {
    return fmt::format("--batch-max is at most {}", lmx::produce_batch_size);
  }
  if (std::ranges::any_of(options.rates, [](std::uint64_t rate) { return rate > rate_max; })) {
    return "--rates are at most 1000m";
  }
  if (options.seconds > seconds_max || options.warmup > seconds_max) {
    return fmt::format("--seconds and --warmup are at most {}", seconds_max);
  }
  return {};
}

// Nullopt after printing the help text (exit 0) or an error (exit 2) to the right stream.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options options;
  std::string error;
  for (int i = 1; i < argc && error.empty(); i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      fmt::print("{}", usage);
      exit_code = 0;
      return std::nullopt;
    }
    error = i + 1 < argc ? apply_option(options, flag, argv[i + 1])
                         : fmt::format("{} wants a value", flag);
  }
  if (error.empty()) error = check_options(options);
  if (error.empty()) return options;
  fmt::print(stderr, "load_latency: {} (see --help)\n", error);
  exit_code = 2;
  return std::nullopt;
}

// One rate's log: opened fresh, removed when done.
class Target {
 public:
  Target(const Options& options, std::uint64_t rate) {
    lmx::BackendOptions backend_options;
    if (options.redis()) {
      stream_ = fmt::format("lmx-load-latency-{}-{}", ::getpid(), rate);
      url_ = options.log + (options.log.find('?') == std::string::npos ? "?" : "&") +
             "stream=" + stream_;
    } else {
      dir_ = std::filesystem::path(options.log.substr(5)) / fmt::format("rate-{}", rate);
      if (std::filesystem::exists(dir_)) {
        throw std::runtime_error(dir_.string() + " exists already; remove it or pick another");
      }
      std::filesystem::create_directories(dir_);
      url_ = "file:" + dir_.string();
      backend_options.journal.fsync = *options.fsync;
    }
    backend = lmx::open_backend(url_, backend_options);
  }
  ~Target() {
    backend.reset();
    try {
      remove();
    } catch (const std::exception& e) {
      fmt::print(stderr, "load_latency: could not remove {}: {}\n", url_, e.what());
    }
  }
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  std::unique_ptr<lmx::Backend> backend;

 private:
  void remove() {
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
      return;
    }
    const lmx::Decoded<lmx::RedisUrl> url = lmx::RedisUrl::parse(url_);
    lmx::RedisConnection connection(*url);
    const lmx::RedisReply keys = connection.command({"KEYS", stream_ + "*"});
    for (std::size_t i = 0; i < keys->elements; ++i) {
      (void)connection.command({"DEL", lmx::reply_text(*keys->element[i])});
    }
  }

  std::string url_;
  std::filesystem::path dir_;
  std::string stream_;
};

// run_engine on its own thread, with the observer, until stop().
class EngineThread {
 public:
  EngineThread(lmx::Backend& backend, LoadObserver& observer, lmx::ReaderPlacement reader) {
    lmx::EngineOptions options;
    options.observer = &observer;
    options.reader = reader;
    thread_ = std::thread([this, &backend, options] {
      try {
        (void)lmx::run_engine(backend, options, stop_);
      } catch (const std::exception& e) {
        error_ = e.what();
        failed_.store(true, std::memory_order_release);  // error_ is written before
      }
    });
  }
  ~EngineThread() { join(); }  // on an error elsewhere: the engine's own is not news then
  EngineThread(const EngineThread&) = delete;
  EngineThread& operator=(const EngineThread&) = delete;

  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  // Drains the engine and joins it; throws when it failed.
  void stop() {
    join();
    if (!error_.empty()) throw std::runtime_error("engine: " + error_);
  }

 private:
  void join() noexcept {
    if (!thread_.joinable()) return;
    stop_.store(true, std::memory_order_release);  // run_engine drains and returns
    thread_.join();
  }

  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string error_;
  std::thread thread_;
};

// Appends every event that is due (at most batch_max at once), from a pool of generated
// events taken round; waits by yielding the core. Returns the last position appended.
lmx::Position produce(lmx::LogWriter& writer, std::span<const lmx::Event> pool, const Plan& plan,
                      std::size_t batch_max, std::int64_t start_ns) {
  lmx::Position last;
  for (std::uint64_t sent = 0; sent < plan.total();) {
    const std::uint64_t due = plan.due(now_ns() - start_ns);
    if (due == sent) {
      std::this_thread::yield();
      continue;
    }
    const std::size_t offset = sent % pool.size();
    const std::size_t count =
        std::min({static_cast<std::size_t>(due - sent), batch_max, pool.size() - offset});
    last = writer.append(pool.subspan(offset, count));
    sent += count;
  }
  return last;
}

struct RateResult {
  std::uint64_t offered = 0;
  double achieved = 0;
  Histogram all;
  std::string status = "ok";
  [[nodiscard]] bool broken() const { return status != "ok"; }
};

// Waits for `total` results, up to `limit`; false when they did not all come.
bool wait_results(const LoadObserver& observer, const EngineThread& engine, std::uint64_t total,
                  std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (observer.completed() < total) {
    if (engine.failed() || Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// True when the median rises from each third of the measured window to the next by over a
// quarter, to over 10 ms.
bool latency_growing(const std::array<Histogram, 3>& thirds) {
  std::array<std::uint64_t, 3> p50{};
  for (std::size_t i = 0; i < thirds.size(); ++i) p50[i] = thirds[i].at(0.5);
  return 4 * p50[1] > 5 * p50[0] && 4 * p50[2] > 5 * p50[1] && p50[2] > 10'000'000;
}

RateResult judge(const LoadObserver& observer, const Plan& plan, bool drained) {
  RateResult result;
  result.offered = plan.rate;
  for (const Histogram& third : observer.thirds()) result.all.add(third);
  const std::int64_t window = observer.last_written_ns() - plan.intended_ns(plan.warmup);
  result.achieved = window <= 0 ? 0
                                : static_cast<double>(result.all.total()) *
                                      static_cast<double>(ns_per_s) / static_cast<double>(window);
  if (!drained) {
    result.status = fmt::format("broken:{}-results-missing", plan.total() - observer.completed());
  } else if (result.achieved < 0.95 * static_cast<double>(plan.rate)) {
    result.status = "broken:achieved<95%";
  } else if (latency_growing(observer.thirds())) {
    result.status = "broken:latency-growing";
  }
  return result;
}

RateResult run_rate(const Options& options, std::span<const lmx::Event> pool, std::uint64_t rate) {
  const Plan plan{
      .rate = rate, .warmup = rate * options.warmup, .measured = rate * options.seconds};
  Target target(options, rate);
  LoadObserver observer(plan);
  EngineThread engine(*target.backend, observer, options.reader);
  while (!observer.engine_running() && !engine.failed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (engine.failed()) engine.stop();  // throws the engine's error
  const auto writer = target.backend->open_writer();
  const std::int64_t start_ns = now_ns();
  observer.begin(start_ns);
  const lmx::Position last = produce(*writer, pool, plan, options.batch_max, start_ns);
  const bool drained =
      wait_results(observer, engine, plan.total(),
                   std::chrono::seconds(std::max<std::uint64_t>(10, options.seconds)));
  engine.stop();
  if (drained && observer.last_position() != last) {
    throw std::runtime_error(fmt::format("last result at {}, last event appended at {}",
                                         observer.last_position().to_string(), last.to_string()));
  }
  return judge(observer, plan, drained);
}

double us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

void print_header(const Options& options) {
  fmt::print("# load_latency {}, engine in process, --reader {}\n", options.log,
             lmx::reader_placement_name(options.reader));
  fmt::print("# each rate: fresh log and engine, {} s warm-up excluded, {} s measured\n",
             options.warmup, options.seconds);
  fmt::print("# batch appends of every event due, up to {} per append; latency of each event\n",
             options.batch_max);
  fmt::print("# from its intended send time to its result written (on_results_written)\n");
  fmt::print("# {:<16} {:>9} {:>10} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}  {}\n", "label",
             "offered", "achieved", "events", "p50_us", "p99_us", "p99.9_us", "p99.99_us", "max_us",
             "status");
}

void print_row(const std::string& label, const RateResult& r) {
  fmt::print("{:<18} {:>9} {:>10.0f} {:>9} {:>9.1f} {:>9.1f} {:>10.1f} {:>10.1f} {:>10.1f}  {}\n",
             label, r.offered, r.achieved, r.all.total(), us(r.all.at(0.5)), us(r.all.at(0.99)),
             us(r.all.at(0.999)), us(r.all.at(0.9999)), us(r.all.max()), r.status);
}

std::vector<lmx::Event> event_pool(std::size_t size) {
  lmx::Workload workload({.seed = 7, .users = 1000, .items = 100});
  std::vector<lmx::Event> pool(size);
  for (lmx::Event& event : pool) workload.next(event);
  return pool;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  const std::optional<Options> options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  spdlog::set_level(spdlog::level::warn);  // the engine's info lines would split the table
  try {
    const std::vector<lmx::Event> pool = event_pool(2 * lmx::produce_batch_size);
    print_header(*options);
    for (const std::uint64_t rate : options->rates) {
      const RateResult result = run_rate(*options, pool, rate);
      print_row(options->label, result);
      std::fflush(stdout);
      if (result.broken()) break;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "load_latency: {}\n", e.what());
    return 1;
  }
  return 0;
}
