// JsonLinesReader on pipes and files: lines are handed out as they arrive (a pipe's partial
// delivery is not held back for a full chunk), a deadline turns a wait for more input into
// `timeout` without losing anything, regular files never time out, skip_lines() passes over
// lines, and a too-long line is skipped whole even when it arrives in pieces.

#include "json_lines_reader.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../support/temp_dir.hpp"
#include "lmx/constants.hpp"

namespace lmx {
namespace {

using Clock = JsonLinesReader::Clock;
using Status = JsonLinesReader::Status;
using namespace std::chrono_literals;

class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe failed");
  }
  ~Pipe() {
    close_write();
    ::close(fds_[0]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  [[nodiscard]] int read_end() const { return fds_[0]; }
  void write(std::string_view text) const {
    while (!text.empty()) {
      const ssize_t n = ::write(fds_[1], text.data(), text.size());
      if (n < 0) throw std::runtime_error("write to the pipe failed");
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  void close_write() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(JsonLinesReader, PipeLinesComeAsTheyArriveAndADeadlineEndsTheWait) {
  Pipe pipe;
  JsonLinesReader reader(pipe.read_end(), 64);
  std::string_view line;
  pipe.write("{\"a\":1}\n{\"b\":2}\n{\"c\":");  // the third line is not whole yet
  ASSERT_EQ(reader.next(line, Clock::now() + 10s), Status::line);
  EXPECT_EQ(line, "{\"a\":1}");
  ASSERT_EQ(reader.next(line, Clock::now() + 10s), Status::line);
  EXPECT_EQ(line, "{\"b\":2}");
  const auto start = Clock::now();
  EXPECT_EQ(reader.next(line, start + 30ms), Status::timeout);
  EXPECT_GE(Clock::now() - start, 30ms);
  EXPECT_EQ(reader.next(line, Clock::now() - 1ms), Status::timeout) << "a past deadline";
  pipe.write("3}\n");
  ASSERT_EQ(reader.next(line, Clock::now() + 10s), Status::line) << "nothing lost to a timeout";
  EXPECT_EQ(line, "{\"c\":3}");
  EXPECT_EQ(reader.line_number(), 3u);
  pipe.write("{\"d\":4}");
  pipe.close_write();
  ASSERT_EQ(reader.next(line, Clock::now() + 10s), Status::line) << "last line, no newline";
  EXPECT_EQ(line, "{\"d\":4}");
  EXPECT_EQ(reader.next(line), Status::end);
}

TEST(JsonLinesReader, ARegularFileNeverTimesOut) {
  test::TempDir tmp;
  const std::string path = (tmp.path() / "events.jsonl").string();
  {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    const std::string_view text = "{\"a\":1}\n\n{\"b\":2}\n";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  JsonLinesReader reader(fd, 64);
  std::string_view line;
  const auto past = Clock::now() - 1s;
  ASSERT_EQ(reader.next(line, past), Status::line);
  EXPECT_EQ(line, "{\"a\":1}");
  ASSERT_EQ(reader.next(line, past), Status::line);
  EXPECT_EQ(line, "{\"b\":2}");
  EXPECT_EQ(reader.line_number(), 3u) << "the blank line counts";
  EXPECT_EQ(reader.next(line, past), Status::end);
  ::close(fd);
}

// Writes `pieces` into the pipe from a thread of its own (a pipe holds only 64 KiB), pausing
// between them, then closes its write end.
std::thread feed(Pipe& pipe, std::vector<std::string> pieces, std::chrono::milliseconds pause) {
  return std::thread([&pipe, pieces = std::move(pieces), pause] {
    for (const std::string& piece : pieces) {
      pipe.write(piece);
      std::this_thread::sleep_for(pause);
    }
    pipe.close_write();
  });
}

// Every status but `timeout`, with the lines, reading with short deadlines.
std::vector<std::string> read_all(JsonLinesReader& reader) {
  std::vector<std::string> seen;
  std::string_view line;
  for (;;) {
    const Status status = reader.next(line, Clock::now() + 5ms);
    if (status == Status::timeout) continue;
    if (status == Status::end) return seen;
    seen.push_back(status == Status::line ? std::string(line) : "<too long>");
  }
}

TEST(JsonLinesReader, SkipLinesPassesOverEveryKindOfLine) {
  Pipe pipe;
  JsonLinesReader reader(pipe.read_end(), 64);
  reader.skip_lines(4);
  std::thread writer = feed(
      pipe, {"{\"a\":1}\n\nnot json\n", std::string(json_line_size_max + 10, 'x'), "\n{\"e\":5}\n"},
      1ms);
  const std::vector<std::string> seen = read_all(reader);
  writer.join();
  EXPECT_EQ(seen, std::vector<std::string>{"{\"e\":5}"});
  EXPECT_EQ(reader.line_number(), 5u);
}

TEST(JsonLinesReader, ATooLongLineArrivingInPiecesIsSkippedWholeAcrossTimeouts) {
  Pipe pipe;
  JsonLinesReader reader(pipe.read_end(), 64);
  std::vector<std::string> pieces = {"{\"a\":1}\n"};
  for (int i = 0; i < 6; ++i) pieces.emplace_back(json_line_size_max / 4, 'x');
  pieces.emplace_back("x\n{\"b\":2}\n");
  std::thread writer = feed(pipe, std::move(pieces), 20ms);
  const std::vector<std::string> seen = read_all(reader);
  writer.join();
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"a\":1}", "<too long>", "{\"b\":2}"}));
  EXPECT_EQ(reader.line_number(), 3u);
}

}  // namespace
}  // namespace lmx
