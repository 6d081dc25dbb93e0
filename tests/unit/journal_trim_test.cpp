// Trimming a file journal: only whole segments before the kept record go, oldest first;
// readers, writers and inspect carry on from the new start, and a reader asked for a
// trimmed record says so instead of skipping it.

#include "backend/file/journal_trim.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/journal_inspect.hpp"
#include "backend/file/journal_reader.hpp"
#include "backend/file/journal_segment.hpp"
#include "backend/file/journal_writer.hpp"

namespace lmx {
namespace {

using std::chrono::milliseconds;

std::vector<std::uint64_t> read_sequences(const std::filesystem::path& dir, std::uint64_t after) {
  JournalReader reader(dir, after);
  std::vector<std::uint64_t> sequences;
  for (;;) {
    const auto batch = reader.fetch(7, milliseconds(0));
    if (batch.empty()) return sequences;
    for (const JournalEntry& e : batch) sequences.push_back(e.sequence);
  }
}

std::vector<std::uint64_t> segment_names(const std::filesystem::path& dir) {
  std::vector<std::uint64_t> names;
  for (const SegmentFile& s : list_segments(dir)) names.push_back(s.first_sequence);
  return names;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> sequences;
  for (std::uint64_t s = first; s <= last; ++s) sequences.push_back(s);
  return sequences;
}

// Thirty records in batches of three, in segments of six: 1, 7, 13, 19, 25.
class JournalTrim : public ::testing::Test {
 protected:
  void SetUp() override {
    JournalWriter writer(tmp_.path(), options_);
    for (int b = 0; b < 10; ++b) {
      JournalBatch batch;
      for (int i = 0; i < 3; ++i) batch.add_payload(std::string(40, 'x'));
      writer.append(batch);
    }
    ASSERT_EQ(segment_names(dir()), (std::vector<std::uint64_t>{1, 7, 13, 19, 25}));
  }
  [[nodiscard]] const std::filesystem::path& dir() const { return tmp_.path(); }

  test::TempDir tmp_;
  JournalWriterOptions options_{.fsync = FsyncPolicy::none, .segment_size_max = 400};
};

TEST_F(JournalTrim, RemovesOnlyWholeSegmentsBeforeTheKeptRecord) {
  const std::uint64_t segment_size = std::filesystem::file_size(dir() / segment_file_name(1));
  const TrimmedLog trimmed = trim_journal(dir(), 15);
  EXPECT_EQ(segment_names(dir()), (std::vector<std::uint64_t>{13, 19, 25}));
  EXPECT_EQ(trimmed.segment_count, 2u);
  EXPECT_EQ(trimmed.entry_count, 12u);
  EXPECT_EQ(trimmed.byte_count, 2 * segment_size);
  EXPECT_EQ(trimmed.start, (Position{0, 13}));
  EXPECT_EQ(journal_first_sequence(dir()), 13u);
  // Trimming again to the same record removes nothing more.
  EXPECT_EQ(trim_journal(dir(), 15).segment_count, 0u);
}

TEST_F(JournalTrim, KeepsTheRecordItIsToKeepFromEvenAtTheStartOfASegment) {
  EXPECT_EQ(trim_journal(dir(), 12).segment_count, 1u) << "record 12 is in the segment of 7";
  EXPECT_EQ(trim_journal(dir(), 13).segment_count, 1u) << "records 7..12 are all before 13";
  EXPECT_EQ(segment_names(dir()), (std::vector<std::uint64_t>{13, 19, 25}));
  EXPECT_EQ(read_sequences(dir(), 12), range(13, 30));
}

TEST_F(JournalTrim, NeverRemovesTheSegmentOfTheNewestRecord) {
  EXPECT_EQ(trim_journal(dir(), 1000).segment_count, 4u);
  EXPECT_EQ(segment_names(dir()), (std::vector<std::uint64_t>{25}));
  // An empty newest segment (a rollover just before a crash) holds no record: the one
  // before it, with the newest record, stays.
  std::ofstream(dir() / segment_file_name(31)).close();
  EXPECT_EQ(trim_journal(dir(), 1000).segment_count, 0u);
  JournalWriter writer(dir(), options_);
  EXPECT_EQ(writer.read_last_payload(), std::string(40, 'x'));
}

TEST_F(JournalTrim, ReadersWritersAndInspectCarryOnFromTheNewStart) {
  (void)trim_journal(dir(), 20);
  EXPECT_EQ(read_sequences(dir(), 18), range(19, 30));
  EXPECT_EQ(read_sequences(dir(), 25), range(26, 30));
  JournalReader reader(dir(), 18);
  EXPECT_EQ(reader.last_sequence(), 30u);
  {
    JournalWriter writer(dir(), options_);
    JournalBatch batch;
    batch.add_payload("after the trim");
    EXPECT_EQ(writer.append(batch), 31u);
    EXPECT_EQ(writer.read_last_payload(), "after the trim");
  }
  const JournalReport report = inspect_journal(dir());
  EXPECT_TRUE(report.ok()) << format_journal_report(report);
  EXPECT_EQ(report.first_sequence, 19u);
  EXPECT_EQ(report.last_sequence, 31u);
  EXPECT_EQ(report.record_count, 13u);
}

TEST_F(JournalTrim, ReaderFromBeforeTheStartSaysTheEntriesWereTrimmed) {
  (void)trim_journal(dir(), 20);
  try {
    (void)read_sequences(dir(), 17);
    FAIL() << "a reader from record 18 read a journal that starts at 19";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("starts at 0-19: entries before it were trimmed"), std::string::npos)
        << message;
    EXPECT_NE(message.find("reading from 0-18"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace lmx
