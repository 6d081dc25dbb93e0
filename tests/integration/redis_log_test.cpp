// The Redis log against a real redis-server: the seed vectors written byte for byte, a
// large backlog, tailing within one millisecond, writer round trips and results, written
// and read back.

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "backend/redis/redis_log_reader.hpp"
#include "backend/redis/redis_log_writer.hpp"
#include "backend/redis/redis_result_entry.hpp"
#include "backend/redis/redis_result_reader.hpp"
#include "backend/redis/redis_result_writer.hpp"
#include "canonical_export.hpp"
#include "integration/redis_support.hpp"
#include "lmx/core/business_logic.hpp"
#include "support/seed_vectors.hpp"

namespace lmx {
namespace {

using namespace std::chrono_literals;
using test::numbered_topups;

// Reads `count` entries (decoded, in order) or fails when the stream stays quiet too long.
std::vector<Event> read_events(RedisLogReader& reader, std::size_t count,
                               std::size_t count_max = 100000) {
  std::vector<Event> events;
  Event event;
  for (int quiet = 0; events.size() < count && quiet < 100;) {
    const std::size_t fetched = reader.fetch(count_max, 100ms);
    quiet = fetched == 0 ? quiet + 1 : 0;
    EXPECT_LE(fetched, redis_read_count_max);
    for (std::size_t i = 0; i < fetched; ++i) {
      reader.decode(i, event);
      events.push_back(event);
    }
  }
  EXPECT_EQ(events.size(), count) << "the stream went quiet before every entry was read";
  return events;
}

void expect_numbered(const std::vector<Event>& events, std::size_t count) {
  ASSERT_EQ(events.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_EQ(events[i].user_id, static_cast<std::int64_t>(i + 1)) << "entry " << i;
    if (i > 0) {
      ASSERT_LT(events[i - 1].position, events[i].position) << "entry " << i;
    }
  }
}

class RedisLog : public test::RedisTest {
 protected:
  // The field names and values of the stream's first entry, as texts.
  std::vector<std::string> first_entry_fields() {
    const RedisReply entries = admin->command({"XRANGE", url.stream, "-", "+", "COUNT", "1"});
    const redisReply* fields = entries->element[0]->element[1];
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < fields->elements; ++i)
      texts.emplace_back(reply_text(*fields->element[i]));
    return texts;
  }
};

TEST_F(RedisLog, SeedVectorsWrittenByteForByteReadBackWithTheirReasons) {
  for (const char* name : {"seed_edge_cases", "seed_producer_run"}) {
    (void)admin->command({"DEL", url.stream});
    const auto vectors = test::load_seed_vectors(name);
    for (const test::SeedVector& v : vectors) {
      std::vector<std::string_view> argv = {"XADD", url.stream, v.id};
      for (const auto& [field, value] : v.fields) argv.insert(argv.end(), {field, value});
      admin->append(argv);
      (void)admin->reply();
    }
    RedisLogReader reader(url, Position{});
    const std::vector<Event> events = read_events(reader, vectors.size());
    ASSERT_EQ(events.size(), vectors.size());
    State state;
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      EXPECT_EQ(redis_id(events[i].position), vectors[i].id);
      EXPECT_EQ(reason_name(apply(state, events[i]).reason), vectors[i].expect) << vectors[i].id;
    }
    std::string exported;
    append_canonical_export(state, exported);
    EXPECT_EQ(exported, test::expected_export(name)) << name;
  }
}

TEST_F(RedisLog, EndOfAnEmptyOrMissingStreamIsZero) {
  RedisLogReader reader(url, Position{});
  EXPECT_TRUE(reader.end_position().is_zero());
  EXPECT_EQ(reader.fetch(10, 1ms), 0u);
  RedisLogWriter writer(url, EntryFormat::native);
  EXPECT_TRUE(writer.append({}).is_zero());
}

TEST_F(RedisLog, ReaderStartsStrictlyAfterItsPosition) {
  RedisLogWriter writer(url, EntryFormat::seed);
  const auto events = numbered_topups(10);
  const Position fifth = writer.append(std::span(events).first(5));
  (void)writer.append(std::span(events).subspan(5));
  RedisLogReader reader(url, fifth);
  const auto read = read_events(reader, 5);
  ASSERT_EQ(read.size(), 5u);
  EXPECT_EQ(read.front().user_id, 6);
  EXPECT_EQ(reader.end_position(), read.back().position);
  EXPECT_EQ(writer.append({}), read.back().position);
  // Ids are not dense: the lag is counted, not subtracted.
  EXPECT_EQ(reader.lag_after(fifth).entries, 5u);
  EXPECT_EQ(reader.lag_after(Position{}).entries, 10u);
  EXPECT_EQ(reader.lag_after(read.back().position).entries, 0u);
  EXPECT_FALSE(reader.lag_after(fifth).at_least);
}

TEST_F(RedisLog, LagIsCountedExactlyUpToItsCapAndAtLeastBeyond) {
  RedisLogWriter writer(url, EntryFormat::native);
  const Position first = writer.append(numbered_topups(1));
  (void)writer.append(numbered_topups(redis_lag_count_max));
  RedisLogReader reader(url, Position{});
  const LogLag capped = reader.lag_after(first);
  EXPECT_EQ(capped.entries, redis_lag_count_max);
  EXPECT_FALSE(capped.at_least);
  const LogLag beyond = reader.lag_after(Position{});
  EXPECT_EQ(beyond.entries, redis_lag_count_max);
  EXPECT_TRUE(beyond.at_least);
  EXPECT_EQ(beyond.to_string(), std::to_string(redis_lag_count_max) + "+");
}

TEST_F(RedisLog, BacklogOf200kIsReadWholeInBoundedBatches) {
  constexpr std::size_t count = 200000;
  RedisLogWriter writer(url, EntryFormat::seed);
  (void)writer.append(numbered_topups(count));
  RedisLogReader reader(url, Position{});
  expect_numbered(read_events(reader, count), count);
}

TEST_F(RedisLog, SmallFetchesHandOutABatchAcrossCalls) {
  RedisLogWriter writer(url, EntryFormat::seed);
  (void)writer.append(numbered_topups(1000));
  RedisLogReader reader(url, Position{});
  expect_numbered(read_events(reader, 1000, 7), 1000);
}

TEST_F(RedisLog, EntriesOfTheSameMillisecondAddedWhileTailingAreAllRead) {
  (void)admin->command({"XADD", url.stream, "1000-1", "type", "x"});
  RedisLogReader reader(url, Position{});
  Event event;
  ASSERT_EQ(reader.fetch(10, 100ms), 1u);
  ASSERT_EQ(reader.fetch(10, 1ms), 0u);  // idle: the next XREAD waits after 1000-1
  (void)admin->command({"XADD", url.stream, "1000-2", "type", "x"});
  (void)admin->command({"XADD", url.stream, "1000-3", "type", "x"});
  std::vector<Position> read;
  while (read.size() < 2) {
    const std::size_t fetched = reader.fetch(10, 100ms);
    for (std::size_t i = 0; i < fetched; ++i) {
      reader.decode(i, event);
      EXPECT_EQ(event.type, EventType::malformed);  // neither seed nor native
      read.push_back(event.position);
    }
  }
  EXPECT_EQ(read, (std::vector<Position>{{1000, 2}, {1000, 3}}));
}

// A zero timeout reads without BLOCK, so the XREAD sent when the last batch arrived was
// answered at once, empty: an entry added after that is still found by the next such
// fetch, which an engine exiting when caught up takes for the end of the log.
TEST_F(RedisLog, AZeroTimeoutFetchSeesEntriesAddedSinceTheLastBatch) {
  RedisLogWriter writer(url, EntryFormat::seed);
  const auto events = numbered_topups(4);
  (void)writer.append(std::span(events).first(3));
  RedisLogReader reader(url, Position{});
  ASSERT_EQ(reader.fetch(10, 0ms), 3u);
  std::this_thread::sleep_for(20ms);  // lets the server answer the request in flight
  (void)writer.append(std::span(events).subspan(3));
  ASSERT_EQ(reader.fetch(10, 0ms), 1u);
  Event event;
  reader.decode(0, event);
  EXPECT_EQ(event.user_id, 4);
  EXPECT_EQ(reader.fetch(10, 0ms), 0u);
}

TEST_F(RedisLog, ConcurrentWriterIsTailedWithoutGapsOrDuplicates) {
  constexpr std::size_t count = 20000;
  std::thread producer([&] {
    RedisLogWriter writer(url, EntryFormat::seed);
    const auto events = numbered_topups(count);
    // One entry per XADD round trip: many land in the same millisecond.
    for (const Event& e : events) (void)writer.append(std::span(&e, 1));
  });
  RedisLogReader reader(url, Position{});
  const auto events = read_events(reader, count);
  producer.join();
  expect_numbered(events, count);
}

Event order_of(std::initializer_list<std::pair<const char*, std::int64_t>> lines) {
  Event order;
  order.type = EventType::order;
  order.user_id = 3;
  for (const auto& [id, quantity] : lines) order.add_line(Sku::from(id), quantity);
  return order;
}

void expect_round_trip(const RedisUrl& url, EntryFormat format) {
  const std::vector<Event> events = {
      Event::make_topup(3, 500),
      Event::make_add_item(Sku::from("cpu"), 4, true, 25),
      Event::make_add_item(Sku::from("cpu"), 1, false, 0),
      order_of({{"cpu", 2}, {"cpu", 1}}),
      Event::make_topup(-1, -1),
  };
  RedisLogWriter writer(url, format);
  const Position last = writer.append(events);
  RedisLogReader reader(url, Position{});
  const auto read = read_events(reader, events.size());
  ASSERT_EQ(read.size(), events.size());
  EXPECT_EQ(read.back().position, last);
  State written, replayed;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(apply(written, events[i]).reason, apply(replayed, read[i]).reason) << i;
  }
  EXPECT_TRUE(written == replayed);
}

// The bytes of `e` and `data` are the codecs' own business: the entry's readable part here.
TEST_F(RedisLog, SeedWriterRoundTrip) {
  expect_round_trip(url, EntryFormat::seed);
  std::vector<std::string> fields = first_entry_fields();
  ASSERT_EQ(fields.size(), 4u);
  fields.pop_back();
  EXPECT_EQ(fields, (std::vector<std::string>{"type", "TopUp", "data"}));
}

TEST_F(RedisLog, NativeWriterRoundTrip) {
  expect_round_trip(url, EntryFormat::native);
  std::vector<std::string> fields = first_entry_fields();
  ASSERT_EQ(fields.size(), 4u);
  fields.pop_back();
  EXPECT_EQ(fields, (std::vector<std::string>{"type", "topup", "e"}));
}

TEST_F(RedisLog, JsonWriterRoundTrip) {
  expect_round_trip(url, EntryFormat::json);
  EXPECT_EQ(first_entry_fields(),
            (std::vector<std::string>{"json", R"({"type":"topup","user_id":3,"amount":500})"}));
}

TEST_F(RedisLog, OneStreamMixesJsonNativeAndSeedEntries) {
  RedisLogWriter native(url, EntryFormat::native);
  RedisLogWriter seed(url, EntryFormat::seed);
  RedisLogWriter json(url, EntryFormat::json);
  RedisLogWriter* writers[] = {&native, &seed, &json};
  const auto events = numbered_topups(9);
  for (std::size_t i = 0; i < events.size(); ++i) {
    (void)writers[i % 3]->append(std::span(&events[i], 1));
  }
  RedisLogReader reader(url, Position{});
  expect_numbered(read_events(reader, events.size()), events.size());
}

TEST_F(RedisLog, WriterErrorNamesTheCommandAndKeepsTheConnectionInStep) {
  (void)admin->command({"SET", url.stream, "not a stream"});
  RedisLogWriter writer(url, EntryFormat::seed);
  const auto events = numbered_topups(3);
  try {
    (void)writer.append(events);
    FAIL() << "XADD to a string key succeeded";
  } catch (const AppendError& e) {
    EXPECT_NE(std::string(e.what()).find("XADD"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("WRONGTYPE"), std::string::npos) << e.what();
    EXPECT_EQ(e.appended(), 0u) << "every XADD was refused";
    EXPECT_EQ(e.in_doubt(), 0u) << "every XADD was answered";
  }
  (void)admin->command({"DEL", url.stream});
  EXPECT_FALSE(writer.append(events).is_zero());
}

// An operator told "WRONGTYPE" must also be told which key holds the wrong type: every
// refusal names the command and its key, whichever component sent it.
TEST_F(RedisLog, ErrorRepliesNameTheCommandAndTheKey) {
  const auto expect_names = [](const std::exception& e, const std::string& command) {
    const std::string message = e.what();
    EXPECT_NE(message.find(command + " refused: WRONGTYPE"), std::string::npos) << message;
  };
  (void)admin->command({"SET", url.stream, "not a stream"});
  try {
    RedisLogReader reader(url, Position{});
    (void)reader.fetch(1, 1ms);
    FAIL() << "XREAD of a string key succeeded";
  } catch (const std::runtime_error& e) {
    expect_names(e, "XREAD " + url.stream);
  }
  try {
    (void)stream_end(*admin, url.stream);
    FAIL() << "XREVRANGE of a string key succeeded";
  } catch (const std::runtime_error& e) {
    expect_names(e, "XREVRANGE " + url.stream);
  }
  (void)admin->command({"DEL", url.stream});
  (void)admin->command({"SET", url.stream + ":results", "not a stream"});
  try {
    RedisResultWriter results(url);
    const Result result{.position = Position{1, 1}, .type = EventType::topup};
    results.write(std::span(&result, 1));
    FAIL() << "XADD to a string key succeeded";
  } catch (const std::runtime_error& e) {
    expect_names(e, "XADD " + url.stream + ":results");
  }
  // Pipelined: each reply is named after its own command, not after the first or the last.
  admin->append({"XLEN", url.stream});
  admin->append({"XLEN", url.stream + ":results"});
  admin->append({"XLEN", url.stream});
  EXPECT_EQ(admin->reply()->integer, 0);
  try {
    (void)admin->reply();
    FAIL() << "XLEN of a string key succeeded";
  } catch (const std::runtime_error& e) {
    expect_names(e, "XLEN " + url.stream + ":results");
  }
  EXPECT_EQ(admin->reply()->integer, 0);
  EXPECT_EQ(admin->replied_command(), "XLEN " + url.stream);
  (void)admin->command({"DEL", url.stream + ":results"});
}

TEST_F(RedisLog, ResultsArePublishedReadablyAndTheLastIsFound) {
  RedisResultWriter results(url);
  EXPECT_TRUE(results.last_answered().position.is_zero());
  Result accepted{Position{1700, 1}, EventType::topup, Reason::accepted, 7, 500, 0};
  Result rejected{Position{1700, 2}, EventType::order, Reason::insufficient_balance, 7, 500, 0};
  const Result batch[] = {accepted, rejected};
  results.write(batch);
  EXPECT_EQ(results.last_answered().position, (Position{1700, 2}));
  const RedisReply entries = admin->command({"XRANGE", results.stream(), "-", "+"});
  ASSERT_EQ(entries->elements, 2u);
  const redisReply* fields = entries->element[1]->element[1];
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < fields->elements; ++i)
    texts.emplace_back(reply_text(*fields->element[i]));
  EXPECT_EQ(texts, (std::vector<std::string>{"pos", "1700-2", "type", "order", "reason",
                                             "insufficient_balance", "code", "13", "user", "7",
                                             "balance", "500", "remain", "0"}));
}

// Packed: 600 results are 3 entries (256 + 256 + 88); a per-result entry after them (an
// engine restarted with the other layout) is read in the same stream.
TEST_F(RedisLog, PackedResultsAreFewEntriesAndReadBackInOrder) {
  RedisResultReader reader(url);
  RedisResultWriter packed(url, ResultsLayout::packed);
  std::vector<Result> written;
  for (std::uint64_t i = 1; i <= 600; ++i) {
    written.push_back(Result{Position{1700, i}, EventType::topup, Reason::accepted,
                             static_cast<std::int64_t>(i), 10, 0});
  }
  packed.write(written);
  EXPECT_EQ(admin->command({"XLEN", packed.stream()})->integer, 3);
  EXPECT_EQ(packed.last_answered().position, (Position{1700, 600}));
  const Result next{Position{1701, 0}, EventType::order, Reason::out_of_stock, 3, 0, 0};
  RedisResultWriter(url).write(std::span(&next, 1));
  written.push_back(next);
  std::vector<Result> read;
  while (read.size() < written.size() && reader.fetch(read, 2s) > 0) {
  }
  EXPECT_EQ(read, written);
  const RedisReply newest = admin->command({"XREVRANGE", packed.stream(), "+", "-", "COUNT", "2"});
  ASSERT_EQ(newest->elements, 2u);
  EXPECT_EQ(answered_position(*newest->element[1]), (Position{1700, 600}));  // packed: `last`
  EXPECT_EQ(answered_position(*newest->element[0]), (Position{1701, 0}));    // per result: `pos`
}

TEST_F(RedisLog, WriterGivesEachEventsPosition) {
  RedisLogWriter writer(url, EntryFormat::native);
  const auto events = numbered_topups(5);
  std::vector<Position> positions(events.size());
  const Position last = writer.append(events, positions);
  EXPECT_EQ(positions.back(), last);
  RedisLogReader reader(url, Position{});
  const auto read = read_events(reader, 5);
  ASSERT_EQ(read.size(), 5u);
  for (std::size_t i = 0; i < read.size(); ++i) EXPECT_EQ(positions[i], read[i].position);
}

TEST_F(RedisLog, ResultReaderReadsWhatTheWriterPublishedAfterItOpened) {
  RedisResultWriter results(url);
  Result before{Position{1700, 1}, EventType::topup, Reason::accepted, 7, 500, 0};
  results.write(std::span(&before, 1));
  RedisResultReader reader(url);
  Result added{Position{1700, 2}, EventType::add_item, Reason::accepted, 0, 0, 12};
  Result duplicate{Position{1700, 3}, EventType::topup, Reason::duplicate, 7, 0, 0};
  duplicate.original_position = Position{1700, 1};
  duplicate.original_reason = Reason::accepted;
  const Result batch[] = {added, duplicate};
  results.write(batch);
  std::vector<Result> read;
  while (read.size() < 2 && reader.fetch(read, 2s) > 0) {
  }
  EXPECT_EQ(read, (std::vector<Result>{added, duplicate}));
  EXPECT_EQ(reader.fetch(read, 0ms), 0u);
}

}  // namespace
}  // namespace lmx
