// File journal throughput: appends of 1024-event batches (fsync none and always) and a full
// read with decoding, each next to a baseline measured in the same run on the same disk:
// plain write()/fdatasync() of the same record bytes, and plain read() of the same files.
// The ratios printed at the end are what to compare across machines, not the raw rates.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "backend/file/file_log.hpp"
#include "backend/file/journal_segment.hpp"
#include "format/native_codec.hpp"
#include "ratio_reporter.hpp"
#include "workload.hpp"

namespace {

constexpr std::size_t batch_size = 1024;
constexpr std::int64_t batches_none = 2000;   // ~2M events, ~100 MB per run
constexpr std::int64_t batches_always = 300;  // bounded by fdatasync latency
constexpr std::size_t read_events = 2'000'000;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lmx-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

const std::vector<lmx::Event>& batch() {
  static const std::vector<lmx::Event> events = [] {
    lmx::Workload workload({.seed = 7, .users = 10000, .items = 1000});
    std::vector<lmx::Event> all(batch_size);
    for (auto& e : all) workload.next(e);
    return all;
  }();
  return events;
}

// The bytes a journal append of batch() writes: what the baselines write.
const std::string& batch_bytes() {
  static const std::string bytes = [] {
    lmx::JournalBatch records;
    for (const auto& e : batch())
      records.add([&e](std::string& out) { lmx::encode_event(e, out); });
    TempDir tmp;
    lmx::JournalWriter writer(tmp.path, {.fsync = lmx::FsyncPolicy::none});
    writer.append(records);
    const auto file = tmp.path / lmx::segment_file_name(1);
    std::string written(std::filesystem::file_size(file), '\0');
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (::read(fd, written.data(), written.size()) != static_cast<ssize_t>(written.size())) {
      std::abort();
    }
    ::close(fd);
    return written;
  }();
  return bytes;
}

void plain_writes(benchmark::State& st, bool sync) {
  TempDir tmp;
  const int fd = ::open((tmp.path / "plain").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  for (auto _ : st) {
    if (::write(fd, batch_bytes().data(), batch_bytes().size()) < 0) st.SkipWithError("write");
    if (sync && ::fdatasync(fd) != 0) st.SkipWithError("fdatasync");
  }
  ::close(fd);
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(batch_size));
  st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(batch_bytes().size()));
}

void journal_appends(benchmark::State& st, lmx::FsyncPolicy fsync) {
  TempDir tmp;
  lmx::FileLogWriter writer(tmp.path, {.fsync = fsync});
  for (auto _ : st) benchmark::DoNotOptimize(writer.append(batch()));
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(batch_size));
  st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(batch_bytes().size()));
}

void BM_baseline_write_none(benchmark::State& st) {
  plain_writes(st, false);
}
void BM_journal_append_none(benchmark::State& st) {
  journal_appends(st, lmx::FsyncPolicy::none);
}
void BM_baseline_write_fdatasync(benchmark::State& st) {
  plain_writes(st, true);
}
void BM_journal_append_always(benchmark::State& st) {
  journal_appends(st, lmx::FsyncPolicy::always);
}
BENCHMARK(BM_baseline_write_none)->Iterations(batches_none)->UseRealTime();
BENCHMARK(BM_journal_append_none)->Iterations(batches_none)->UseRealTime();
BENCHMARK(BM_baseline_write_fdatasync)->Iterations(batches_always)->UseRealTime();
BENCHMARK(BM_journal_append_always)->Iterations(batches_always)->UseRealTime();

// A journal of read_events events, written once for both read benchmarks.
const TempDir& read_journal() {
  static const TempDir tmp;
  static const bool written = [] {
    lmx::FileLogWriter writer(tmp.path, {.fsync = lmx::FsyncPolicy::none});
    for (std::size_t i = 0; i < read_events / batch_size; ++i) writer.append(batch());
    return true;
  }();
  benchmark::DoNotOptimize(written);
  return tmp;
}

void BM_baseline_read(benchmark::State& st) {
  std::vector<char> buffer(lmx::journal_read_chunk_size);
  std::int64_t bytes = 0;
  (void)read_journal();  // written before timing starts
  for (auto _ : st) {
    for (const auto& segment : lmx::list_segments(lmx::events_journal_dir(read_journal().path))) {
      const int fd = ::open(segment.path.c_str(), O_RDONLY);
      for (ssize_t n; (n = ::read(fd, buffer.data(), buffer.size())) > 0;) bytes += n;
      ::close(fd);
    }
  }
  st.SetItemsProcessed(st.iterations() *
                       static_cast<std::int64_t>(read_events / batch_size * batch_size));
  st.SetBytesProcessed(bytes);
}

void BM_journal_read_decode(benchmark::State& st) {
  lmx::Event event;
  std::int64_t count = 0;
  (void)read_journal();
  for (auto _ : st) {
    lmx::FileLogReader reader(read_journal().path, lmx::Position{});
    for (std::size_t n; (n = reader.fetch(batch_size, std::chrono::milliseconds(0))) > 0;) {
      for (std::size_t i = 0; i < n; ++i) reader.decode(i, event);
      count += static_cast<std::int64_t>(n);
    }
  }
  benchmark::DoNotOptimize(event);
  st.SetItemsProcessed(count);
}
BENCHMARK(BM_baseline_read)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_journal_read_decode)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  lmx::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const std::pair<const char*, const char*> pairs[] = {
      {"BM_journal_append_none", "BM_baseline_write_none"},
      {"BM_journal_append_always", "BM_baseline_write_fdatasync"},
      {"BM_journal_read_decode", "BM_baseline_read"},
  };
  reporter.print_ratios("journal vs baseline (events/s)", pairs);
  benchmark::Shutdown();
  return 0;
}
