// Redis backend throughput, each figure next to a plain hiredis loop doing the same Redis
// work in the same run, so the ratio says what lmx's layer costs:
//   write:    RedisLogWriter::append          vs  pipelined XADD of the same field bytes
//   catch-up: RedisLogReader::fetch + decode  vs  synchronous XREAD COUNT over the stream
// for native and for seed entries.
//
//   redis_bench [--url redis://127.0.0.1:6379] [--events 1000000]
// The URL defaults to LMX_TEST_REDIS_URL. Streams lmx-bench:* are deleted before and after.
//
//   redis_bench --url URL --plain-read STREAM
// only times the plain XREAD COUNT loop over an existing stream, every entry of it, and
// prints `plain_read entries=N seconds=S`: the baseline of bench/redis_e2e.sh.
//
//   redis_bench --url URL --set KEY
// times a plain hiredis SET of KEY's value (a snapshot lmx saved) to KEY:copy, the
// plainest way to put those bytes into Redis, and prints `set bytes=N seconds=S` (the
// median of 5; the copy is deleted): the baseline of bench/redis_snapshot.sh.
//
//   redis_bench --url URL --lag STREAM
// times the lag count of an engine at the start of an existing stream of more than
// redis_lag_count_max entries (stream_lag_after, what every status line, announce and
// HTTP /status refresh asks while behind) against one catch-up read of the same stream
// (XREAD COUNT redis_read_count_max), alternating, and prints the medians and their ratio.

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"
#include "workload.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using lmx::EntryFormat;

// Client CPU seconds (user + system) so far: on a shared machine, steadier than wall time.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One timed pass: entries per wall second, and client CPU microseconds per entry.
struct Pass {
  double rate = 0;
  double cpu_us = 0;
};

class Timer {
 public:
  [[nodiscard]] Pass stop(std::size_t count) const {
    const double wall = std::chrono::duration<double>(Clock::now() - wall_start_).count();
    const auto n = static_cast<double>(count);
    return Pass{n / wall, (cpu_seconds() - cpu_start_) * 1e6 / n};
  }

 private:
  Clock::time_point wall_start_ = Clock::now();
  double cpu_start_ = cpu_seconds();
};

// Best of several passes: the fastest wall rate and the lowest CPU cost.
struct Best {
  Pass best{0, 1e300};
  void add(Pass pass) {
    best.rate = std::max(best.rate, pass.rate);
    best.cpu_us = std::min(best.cpu_us, pass.cpu_us);
  }
};

constexpr int rounds = 3;

// Generates `count` workload events in batches of `batch_size`, calling `sink` per batch.
template <class Sink>
void generate(std::size_t count, Sink sink) {
  lmx::Workload workload(lmx::WorkloadConfig{});
  std::vector<lmx::Event> batch(lmx::redis_pipeline_depth_max);
  for (std::size_t done = 0; done < count;) {
    const std::size_t n = std::min(batch.size(), count - done);
    for (std::size_t i = 0; i < n; ++i) workload.next(batch[i]);
    sink(std::span<const lmx::Event>(batch.data(), n));
    done += n;
  }
}

Pass write_plain(lmx::RedisConnection& connection, const std::string& stream, EntryFormat format,
                 std::size_t count) {
  std::string payload;
  std::vector<std::string_view> argv;
  const Timer timer;
  generate(count, [&](std::span<const lmx::Event> batch) {
    for (const lmx::Event& event : batch) {
      argv.assign({"XADD", stream, "*"});
      lmx::append_entry_fields(event, format, payload, argv);
      connection.append(argv);
    }
    (void)lmx::read_xadd_replies(connection, batch.size());
  });
  return timer.stop(count);
}

Pass write_lmx(const lmx::RedisUrl& url, EntryFormat format, std::size_t count) {
  lmx::RedisLogWriter writer(url, format);
  const Timer timer;
  generate(count, [&](std::span<const lmx::Event> batch) { (void)writer.append(batch); });
  return timer.stop(count);
}

// Synchronous XREAD COUNT loop: the plainest correct catch-up with hiredis.
Pass read_plain(lmx::RedisConnection& connection, const std::string& stream, std::size_t count) {
  const std::string count_text = std::to_string(lmx::redis_read_count_max);
  std::string last = "0-0";
  std::size_t read = 0;
  const Timer timer;
  while (read < count) {
    const lmx::RedisReply reply =
        connection.command({"XREAD", "COUNT", count_text, "STREAMS", stream, last});
    if (reply->type != REDIS_REPLY_ARRAY) break;
    const redisReply* entries = reply->element[0]->element[1];
    read += entries->elements;
    last = lmx::reply_text(*entries->element[entries->elements - 1]->element[0]);
  }
  const Pass pass = timer.stop(read);
  if (read != count) throw std::runtime_error(fmt::format("plain read {} of {}", read, count));
  return pass;
}

Pass read_lmx(const lmx::RedisUrl& url, std::size_t count) {
  lmx::RedisLogReader reader(url, lmx::Position{});
  lmx::Event event;
  std::size_t read = 0;
  std::size_t malformed = 0;
  const Timer timer;
  while (read < count) {
    const std::size_t fetched =
        reader.fetch(lmx::redis_read_count_max, std::chrono::milliseconds(100));
    if (fetched == 0) break;
    for (std::size_t i = 0; i < fetched; ++i) {
      reader.decode(i, event);
      malformed += event.type == lmx::EventType::malformed ? 1 : 0;
    }
    read += fetched;
  }
  const Pass pass = timer.stop(read);
  if (read != count || malformed != 0) {
    throw std::runtime_error(
        fmt::format("lmx read {} of {}, {} malformed", read, count, malformed));
  }
  return pass;
}

void report(const char* format, const char* what, const char* plain_name, Pass lmx_best,
            Pass plain_best) {
  fmt::print(
      "{:6} {:8}  lmx {:>8.0f}/s {:5.2f} us/entry | {:19} {:>8.0f}/s {:5.2f} us/entry | "
      "ratio {:.2f}\n",
      format, what, lmx_best.rate, lmx_best.cpu_us, plain_name, plain_best.rate, plain_best.cpu_us,
      lmx_best.rate / plain_best.rate);
}

// Rounds alternate lmx and plain, so that a burst of load elsewhere hits both alike.
void run_format(lmx::RedisConnection& admin, const lmx::RedisUrl& url, EntryFormat format,
                std::size_t count) {
  const char* name = format == EntryFormat::native ? "native" : "seed";
  const std::string plain_stream = url.stream + ":plain";
  Best plain_write, lmx_write, plain_read, lmx_read;
  for (int round = 0; round < rounds; ++round) {
    (void)admin.command({"DEL", url.stream, plain_stream});
    plain_write.add(write_plain(admin, plain_stream, format, count));
    (void)admin.command({"DEL", plain_stream});
    lmx_write.add(write_lmx(url, format, count));
  }
  report(name, "write", "plain XADD pipeline", lmx_write.best, plain_write.best);
  for (int round = 0; round < rounds; ++round) {
    plain_read.add(read_plain(admin, url.stream, count));
    lmx_read.add(read_lmx(url, count));
  }
  report(name, "catch-up", "plain XREAD COUNT", lmx_read.best, plain_read.best);
  (void)admin.command({"DEL", url.stream});
}

void run(const lmx::RedisUrl& base, std::size_t count) {
  lmx::RedisConnection admin(base);
  for (EntryFormat format : {EntryFormat::native, EntryFormat::seed}) {
    lmx::RedisUrl url = base;
    url.stream = format == EntryFormat::native ? "lmx-bench:native" : "lmx-bench:seed";
    run_format(admin, url, format, count);
  }
}

// The plain XREAD loop alone over every entry `stream` holds now.
void plain_read(const lmx::RedisUrl& url, const std::string& stream) {
  lmx::RedisConnection connection(url);
  const lmx::RedisReply length = connection.command({"XLEN", stream});
  const auto count = static_cast<std::size_t>(length->integer);
  const auto start = Clock::now();
  (void)read_plain(connection, stream, count);
  fmt::print("plain_read entries={} seconds={:.3f}\n", count,
             std::chrono::duration<double>(Clock::now() - start).count());
}

// The middle value of `values` (reordered).
double median(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// Seconds `call` took.
template <class Call>
double seconds_of(Call&& call) {
  const auto start = Clock::now();
  call();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void plain_set(const lmx::RedisUrl& url, const std::string& key) {
  lmx::RedisConnection connection(url);
  const std::string bytes(lmx::reply_text(*connection.command({"GET", key})));
  const std::string copy = key + ":copy";
  std::vector<double> seconds;
  for (int round = 0; round < 5; ++round) {
    seconds.push_back(seconds_of([&] { (void)connection.command({"SET", copy, bytes}); }));
    (void)connection.command({"DEL", copy});
  }
  fmt::print("set bytes={} seconds={:.3f}\n", bytes.size(), median(seconds));
}

// Median milliseconds of `rounds_lag` calls of each, alternating.
void lag_cost(const lmx::RedisUrl& url, const std::string& stream) {
  constexpr int rounds_lag = 21;
  lmx::RedisConnection connection(url);
  const std::string count_text = std::to_string(lmx::redis_read_count_max);
  std::vector<double> lag_ms, read_ms;
  lmx::LogLag lag;
  for (int round = 0; round < rounds_lag; ++round) {
    lag_ms.push_back(1e3 *
                     seconds_of([&] { lag = lmx::stream_lag_after(connection, stream, {}); }));
    read_ms.push_back(
        1e3 * seconds_of([&] {
          (void)connection.command({"XREAD", "COUNT", count_text, "STREAMS", stream, "0-0"});
        }));
  }
  if (!lag.at_least) {
    throw std::runtime_error(
        fmt::format("{} holds {} entries: not more than the lag count reads", stream, lag.entries));
  }
  const double lag_median = median(lag_ms);
  const double read_median = median(read_ms);
  fmt::print("lag count (lag {}): {:.2f} ms | XREAD COUNT {}: {:.2f} ms | ratio {:.2f}\n",
             lag.to_string(), lag_median, count_text, read_median, lag_median / read_median);
}

}  // namespace

int main(int argc, char** argv) {
  const char* url_text = std::getenv("LMX_TEST_REDIS_URL");
  std::size_t count = 1000000;
  std::string plain_stream;
  std::string lag_stream;
  std::string set_key;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--url")
      url_text = argv[i + 1];
    else if (option == "--events")
      count = std::stoul(argv[i + 1]);
    else if (option == "--plain-read")
      plain_stream = argv[i + 1];
    else if (option == "--lag")
      lag_stream = argv[i + 1];
    else if (option == "--set")
      set_key = argv[i + 1];
    else
      return std::fprintf(stderr, "unknown option %s\n", argv[i]), 2;
  }
  if (url_text == nullptr) {
    std::fprintf(stderr,
                 "usage: redis_bench --url redis://host:port [--events N | --plain-read STREAM | "
                 "--lag STREAM | --set KEY]\n"
                 "(or set LMX_TEST_REDIS_URL)\n");
    return 2;
  }
  const lmx::Decoded<lmx::RedisUrl> url = lmx::RedisUrl::parse(url_text);
  if (!url) return std::fprintf(stderr, "%s\n", url.error()), 2;
  try {
    if (!plain_stream.empty()) {
      plain_read(*url, plain_stream);
      return 0;
    }
    if (!lag_stream.empty()) {
      lag_cost(*url, lag_stream);
      return 0;
    }
    if (!set_key.empty()) {
      plain_set(*url, set_key);
      return 0;
    }
    fmt::print("{} events per stream, COUNT {}, pipeline {}, best of {} rounds\n", count,
               lmx::redis_read_count_max, lmx::redis_pipeline_depth_max, rounds);
    run(*url, count);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "redis_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
