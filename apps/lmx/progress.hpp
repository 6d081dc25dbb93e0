#pragma once
// A progress bar with a rate, redrawn at most ten times a second, only on a terminal.

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace lmx::cli {

class Progress {
 public:
  // `total` is zero when unknown (input from a file or stdin).
  explicit Progress(std::uint64_t total)
      : total_(total), enabled_(isatty(STDERR_FILENO) == 1), start_(Clock::now()), last_(start_) {}

  void update(std::uint64_t done) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    draw(done, now);
  }

  // Clears the bar so the summary line starts on a clean line.
  void finish() {
    if (enabled_) fmt::print(stderr, "\r\033[K");
  }

  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

 private:
  using Clock = std::chrono::steady_clock;

  void draw(std::uint64_t done, Clock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    if (total_ == 0) {
      fmt::print(stderr, "\r{} events  {:.0f}/s\033[K", done, rate);
    } else {
      constexpr int width = 30;
      const auto filled = static_cast<int>(width * done / total_);
      fmt::print(stderr, "\r[{:#<{}}{: <{}}] {:3}%  {}/{}  {:.0f}/s\033[K", "", filled, "",
                 width - filled, 100 * done / total_, done, total_, rate);
    }
    std::fflush(stderr);
  }

  std::uint64_t total_;
  bool enabled_;
  Clock::time_point start_;
  Clock::time_point last_;
};

}  // namespace lmx::cli
