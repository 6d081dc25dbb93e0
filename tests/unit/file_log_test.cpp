// The file backend of LogReader, LogWriter, ResultWriter and ResultReader over native-encoded
// journals.

#include "backend/file/file_log.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "../support/temp_dir.hpp"
#include "backend/file/journal_segment.hpp"
#include "backend/file/journal_writer.hpp"

namespace lmx {
namespace {

using std::chrono::milliseconds;

TEST(FileLog, WrittenEventsAreReadBackWithTheirPositions) {
  test::TempDir tmp;
  Event order;
  order.type = EventType::order;
  order.user_id = 7;
  order.add_line(Sku::from("apple"), 2);
  const std::vector<Event> events = {Event::make_topup(7, 500),
                                     Event::make_add_item(Sku::from("apple"), 3, true, 100), order};
  FileLogWriter writer(tmp.path(), {.fsync = FsyncPolicy::none});
  EXPECT_EQ(writer.append(events), (Position{0, 3}));
  std::vector<Position> positions(1);
  EXPECT_EQ(writer.append(std::span(events).first(1), positions), (Position{0, 4}));
  EXPECT_EQ(positions, (std::vector<Position>{{0, 4}}));

  FileLogReader reader(tmp.path(), Position{0, 1});
  EXPECT_EQ(reader.end_position(), (Position{0, 4}));
  EXPECT_EQ(reader.lag_after(Position{0, 1}).entries, 3u);
  EXPECT_EQ(reader.lag_after(Position{0, 4}).entries, 0u);
  EXPECT_EQ(reader.lag_after(Position{0, 9}).entries, 0u) << "past the end: no lag";
  EXPECT_FALSE(reader.lag_after(Position{}).at_least);
  ASSERT_EQ(reader.fetch(10, milliseconds(0)), 3u);
  Event decoded;
  reader.decode(0, decoded);
  EXPECT_EQ(decoded.type, EventType::add_item);
  EXPECT_EQ(decoded.position, (Position{0, 2}));
  reader.decode(1, decoded);
  EXPECT_EQ(decoded.type, EventType::order);
  EXPECT_EQ(decoded.lines[0].item_id.view(), "apple");
  EXPECT_EQ(decoded.position, (Position{0, 3}));
  reader.decode(2, decoded);
  EXPECT_EQ(decoded.type, EventType::topup);
  EXPECT_EQ(decoded.amount, 500);
  EXPECT_EQ(reader.fetch(10, milliseconds(0)), 0u);
}

// A reader opened deep into a segment skips several read chunks' worth of records, with
// records cut by chunk boundaries on the way, and must still start at the right one.
TEST(FileLog, ReaderOpenedFarIntoASegmentStartsAfterItsPosition) {
  test::TempDir tmp;
  FileLogWriter writer(tmp.path(), {.fsync = FsyncPolicy::none});
  std::vector<Event> batch(1000, Event::make_topup(1, 1));
  for (int i = 0; i < 100; ++i) (void)writer.append(batch);
  for (const std::uint64_t after : {0u, 1u, 49999u, 50000u, 99999u}) {
    FileLogReader reader(tmp.path(), Position{0, after});
    std::uint64_t next = after + 1;
    Event decoded;
    while (const std::size_t count = reader.fetch(4096, milliseconds(0))) {
      for (std::size_t i = 0; i < count; ++i) {
        reader.decode(i, decoded);
        ASSERT_EQ(decoded.position, (Position{0, next})) << "opened after " << after;
        ++next;
      }
    }
    EXPECT_EQ(next, 100001u) << "opened after " << after;
  }
}

TEST(FileLog, IntervalPolicyAppendsAndAnEmptyAppendReportsTheLastPosition) {
  test::TempDir tmp;
  const std::vector<Event> events = {Event::make_topup(1, 5), Event::make_topup(2, 6)};
  {
    FileLogWriter writer(tmp.path(), {.fsync = FsyncPolicy::interval});
    EXPECT_EQ(writer.append(events), (Position{0, 2}));
    EXPECT_EQ(writer.append(events), (Position{0, 4}));
    EXPECT_EQ(writer.append({}), (Position{0, 4}));
  }
  FileLogReader reader(tmp.path(), Position{0, 3});
  ASSERT_EQ(reader.fetch(10, milliseconds(0)), 1u);
  Event decoded;
  reader.decode(0, decoded);
  EXPECT_EQ(decoded.user_id, 2);
  EXPECT_EQ(decoded.position, (Position{0, 4}));
}

TEST(FileLog, UndecodablePayloadBecomesAMalformedEventAtItsPosition) {
  test::TempDir tmp;
  {
    JournalWriter journal(events_journal_dir(tmp.path()), {.fsync = FsyncPolicy::none});
    JournalBatch batch;
    batch.add_payload("not an event");
    (void)journal.append(batch);
  }
  FileLogReader reader(tmp.path(), Position{});
  ASSERT_EQ(reader.fetch(10, milliseconds(0)), 1u);
  Event decoded = Event::make_topup(1, 1);
  reader.decode(0, decoded);
  EXPECT_EQ(decoded.type, EventType::malformed);
  EXPECT_EQ(decoded.position, (Position{0, 1}));
}

TEST(FileLog, RedisPositionIsRefusedByTheFileReader) {
  test::TempDir tmp;
  EXPECT_THROW(FileLogReader(tmp.path(), Position{5, 1}), std::invalid_argument);
}

TEST(FileResultWriter, LastPositionIsThatOfTheNewestResult) {
  test::TempDir tmp;
  {
    FileResultWriter writer(tmp.path(), {.fsync = FsyncPolicy::none});
    EXPECT_EQ(writer.last_answered().position, Position{});
    std::vector<Result> results(3);
    for (std::uint64_t i = 0; i < results.size(); ++i) {
      results[i].position = Position{0, i + 10};
      results[i].reason = Reason::accepted;
      results[i].type = EventType::topup;
      results[i].balance = static_cast<std::int64_t>(i);
    }
    writer.write(results);
    EXPECT_EQ(writer.last_answered().position, (Position{0, 12}));
  }
  // A crash right after a rollover leaves an empty newest segment.
  std::ofstream(results_journal_dir(tmp.path()) / segment_file_name(4)).close();
  FileResultWriter reopened(tmp.path(), {.fsync = FsyncPolicy::none});
  EXPECT_EQ(reopened.last_answered().position, (Position{0, 12}));
  const std::vector<Result> all = read_all_results(tmp.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].balance, 2);
}

TEST(FileLog, ResultReaderReadsTheResultsWrittenAfterItOpened) {
  test::TempDir tmp;
  FileResultWriter writer(tmp.path(), {.fsync = FsyncPolicy::none});
  const Result first{Position{0, 1}, EventType::topup, Reason::accepted, 7, 500, 0};
  writer.write(std::span(&first, 1));
  FileResultReader reader(tmp.path());
  std::vector<Result> read;
  EXPECT_EQ(reader.fetch(read, milliseconds(0)), 0u) << "written before it opened";
  Result duplicate{Position{0, 2}, EventType::topup, Reason::duplicate, 7, 0, 0};
  duplicate.original_position = Position{0, 1};
  writer.write(std::span(&duplicate, 1));
  EXPECT_EQ(reader.fetch(read, milliseconds(1000)), 1u);
  EXPECT_EQ(read, (std::vector<Result>{duplicate}));
}

}  // namespace
}  // namespace lmx
