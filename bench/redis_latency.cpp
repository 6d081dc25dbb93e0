// End-to-end latency through a Redis Stream under a light steady load: the time from an
// XADD of one event (lmx's writer) to its result entry being readable in <stream>:results,
// with the engine running in this process. Baseline in the same run: the round trip of a
// plain XADD + XREAD of that entry, which no engine can beat.
//
//   redis_latency --url redis://127.0.0.1:PORT [--events 2000] [--gap-us 1000]

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "lmx/core/engine.hpp"
#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_url.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Blocks until an entry after `after` is in `stream`; returns that entry's id.
std::string wait_entry(lmx::RedisConnection& connection, const std::string& stream,
                       const std::string& after) {
  for (;;) {
    const lmx::RedisReply reply =
        connection.command({"XREAD", "BLOCK", "1000", "COUNT", "1", "STREAMS", stream, after});
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1) {
      const redisReply* entries = reply->element[0]->element[1];
      return std::string(lmx::reply_text(*entries->element[0]->element[0]));
    }
  }
}

void print_percentiles(const char* name, std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))];
  };
  fmt::print("{:<10} p50_us={:.0f} p99_us={:.0f} p999_us={:.0f} max_us={:.0f}\n", name, at(0.5),
             at(0.99), at(0.999), us.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::string url_text;
  std::size_t events = 2000;
  long gap_us = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--url") url_text = argv[i + 1];
    if (flag == "--events") events = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--gap-us") gap_us = std::strtol(argv[i + 1], nullptr, 10);
  }
  if (url_text.empty() || events == 0) {
    fmt::print(stderr, "usage: redis_latency --url redis://HOST:PORT [--events N] [--gap-us US]\n");
    return 2;
  }
  const std::string stream = fmt::format("lmx-latency-{}", ::getpid());
  const std::string stream_url =
      url_text + (url_text.find('?') == std::string::npos ? "?" : "&") + "stream=" + stream;
  const lmx::Decoded<lmx::RedisUrl> url = lmx::RedisUrl::parse(stream_url);
  if (!url) {
    fmt::print(stderr, "redis_latency: {}\n", url.error());
    return 2;
  }
  lmx::RedisConnection connection(*url);
  const std::string results = stream + ":results";

  // Baseline: a plain XADD and an XREAD of that entry from another connection.
  lmx::RedisConnection reader(*url);
  std::vector<double> baseline;
  std::string last = "0-0";
  for (std::size_t i = 0; i < events; ++i) {
    const auto start = Clock::now();
    (void)connection.command({"XADD", stream + ":baseline", "*", "k", "v"});
    last = wait_entry(reader, stream + ":baseline", last);
    baseline.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
  }

  const auto backend = lmx::open_backend(stream_url);
  const auto writer = backend->open_writer();
  std::atomic<bool> stop{false};
  lmx::EngineOptions options;
  std::thread engine([&] { (void)lmx::run_engine(*backend, options, stop); });
  std::vector<lmx::Event> event(1, lmx::Event::make_topup(1, 1));
  std::vector<double> end_to_end;
  last = "0-0";
  for (std::size_t i = 0; i < events; ++i) {
    const auto start = Clock::now();
    (void)writer->append(event);
    last = wait_entry(reader, results, last);
    end_to_end.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
  }
  stop.store(true);
  engine.join();
  const lmx::RedisReply keys = connection.command({"KEYS", stream + "*"});
  for (std::size_t i = 0; i < keys->elements; ++i) {
    (void)connection.command({"DEL", lmx::reply_text(*keys->element[i])});
  }
  fmt::print("{} events, one every {} us\n", events, gap_us);
  print_percentiles("baseline", baseline);
  print_percentiles("lmx", end_to_end);
  return 0;
}
