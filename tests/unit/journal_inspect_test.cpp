// `lmx inspect journal`'s library side: counts, sequences, torn tail, damage with offsets.

#include "backend/file/journal_inspect.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_dir.hpp"
#include "backend/file/file_log.hpp"
#include "backend/file/journal_segment.hpp"

namespace lmx {
namespace {

void fill(const std::filesystem::path& data_dir, int batches) {
  JournalWriterOptions options{.fsync = FsyncPolicy::none};
  options.segment_size_max = 256;
  FileLogWriter writer(data_dir, options);
  for (int b = 0; b < batches; ++b) {
    const std::vector<Event> events = {Event::make_topup(b, 1), Event::make_topup(b, 2)};
    (void)writer.append(events);
  }
}

TEST(JournalInspect, CleanJournalFromTheDataDirectory) {
  test::TempDir tmp;
  fill(tmp.path(), 10);
  const JournalReport report = inspect_journal(tmp.path());
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.dir, events_journal_dir(tmp.path()));
  EXPECT_EQ(report.record_count, 20u);
  EXPECT_EQ(report.first_sequence, 1u);
  EXPECT_EQ(report.last_sequence, 20u);
  EXPECT_GT(report.segments.size(), 1u);
  EXPECT_TRUE(report.torn_tail.empty());
  EXPECT_NE(format_journal_report(report).find("records 20  sequences 1..20\nok\n"),
            std::string::npos)
      << format_journal_report(report);
}

TEST(JournalInspect, TornTailIsNotedAndDamageAndGapsAreReported) {
  test::TempDir tmp;
  fill(tmp.path(), 10);
  const auto segments = list_segments(events_journal_dir(tmp.path()));
  ASSERT_GE(segments.size(), 3u);
  std::ofstream(segments.back().path, std::ios::binary | std::ios::app) << "LMXR\x01";
  JournalReport report = inspect_journal(tmp.path());
  EXPECT_TRUE(report.ok());
  EXPECT_NE(report.torn_tail.find("file ends mid-record in segment " +
                                  segments.back().path.filename().string()),
            std::string::npos)
      << report.torn_tail;

  {
    std::fstream f(segments.front().path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(30);
    f.put('\x55');
  }
  std::filesystem::remove(segments[1].path);
  report = inspect_journal(tmp.path());
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.damage.size(), 2u);
  EXPECT_NE(report.damage[0].find("checksum mismatch in segment " +
                                  segments.front().path.filename().string() + " at offset 0"),
            std::string::npos)
      << report.damage[0];
  EXPECT_NE(report.damage[1].find("gap"), std::string::npos) << report.damage[1];
  EXPECT_NE(format_journal_report(report).find("damaged"), std::string::npos);
}

}  // namespace
}  // namespace lmx
