// Result entries of <stream>:results: per result and packed, written and read back, and what
// a reader refuses (the reason named, nothing appended).

#include "backend/redis/redis_result_entry.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "support/printers.hpp"

namespace lmx {
namespace {

using namespace std::string_view_literals;

// (name, value) pairs of the fields in `argv`.
std::vector<EntryField> pairs(const std::vector<std::string_view>& argv) {
  std::vector<EntryField> fields;
  for (std::size_t i = 0; i + 1 < argv.size(); i += 2) fields.push_back({argv[i], argv[i + 1]});
  return fields;
}

std::vector<Result> some_results() {
  Result topup{Position{1700, 1}, EventType::topup, Reason::accepted, 7, 500, 0};
  Result added{Position{1700, 2}, EventType::add_item, Reason::accepted, 0, 0, 12};
  Result poor{Position{1701, 0}, EventType::order, Reason::insufficient_balance, 7, 0, 0};
  Result duplicate{Position{1702, 5}, EventType::topup, Reason::duplicate, 7, 0, 0};
  duplicate.original_position = Position{1700, 1};
  duplicate.original_reason = Reason::accepted;
  Result malformed{Position{1703, 0}, EventType::malformed, Reason::malformed, 0, 0, 0};
  return {topup, added, poor, duplicate, malformed};
}

TEST(RedisResultEntry, PerResultEntriesReadBackAsWritten) {
  for (const Result& result : some_results()) {
    std::deque<std::string> texts;
    std::vector<std::string_view> argv;
    append_result_fields(result, texts, argv);
    EXPECT_EQ(argv[0], "pos"sv);
    EXPECT_EQ(argv.size(), result.reason == Reason::duplicate ? 18u : 14u);
    std::vector<Result> read;
    ASSERT_TRUE(decode_result_entry(pairs(argv), read));
    EXPECT_EQ(read, std::vector<Result>{result});
  }
}

TEST(RedisResultEntry, APackedEntryHoldsItsResultsInOrder) {
  const std::vector<Result> results = some_results();
  std::deque<std::string> texts;
  std::vector<std::string_view> argv;
  append_packed_fields(results, texts, argv);
  const std::vector<EntryField> fields = pairs(argv);
  ASSERT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields[0].value, "1"sv);
  EXPECT_EQ(fields[1].value, "5"sv);
  EXPECT_EQ(fields[2].value, "1700-1"sv);
  EXPECT_EQ(fields[3].value, "1703-0"sv);
  EXPECT_EQ(fields[4].value,
            "pos,type,reason,code,user,balance,remain,original_pos,original_reason"sv);
  EXPECT_EQ(fields[5].value,
            R"([["1700-1","topup","accepted",0,7,500,0],["1700-2","add_item","accepted",0,0,0,12],)"
            R"(["1701-0","order","insufficient_balance",13,7,0,0],)"
            R"(["1702-5","topup","duplicate",15,7,0,0,"1700-1","accepted"],)"
            R"(["1703-0","malformed","malformed",1,0,0,0]])"sv);
  std::vector<Result> read{results[0]};  // appended after what the caller holds
  ASSERT_TRUE(decode_result_entry(fields, read));
  ASSERT_EQ(read.size(), 6u);
  EXPECT_EQ(std::vector<Result>(read.begin() + 1, read.end()), results);
}

// A packed entry with one field replaced: the reader's reason, and nothing appended.
const char* packed_error(std::string_view name, std::string_view value) {
  const std::vector<Result> results = some_results();
  std::deque<std::string> texts;
  std::vector<std::string_view> argv;
  append_packed_fields(results, texts, argv);
  std::vector<EntryField> fields = pairs(argv);
  for (EntryField& field : fields) {
    if (field.name == name) field.value = value;
  }
  std::vector<Result> read;
  const Decoded<> decoded = decode_result_entry(fields, read);
  EXPECT_TRUE(read.empty());
  return decoded.error();
}

TEST(RedisResultEntry, APackedEntryThatDisagreesWithItselfIsRefused) {
  EXPECT_STREQ(packed_error("v", "2"), "packed results of an unknown version (this lmx reads v 1)");
  EXPECT_STREQ(packed_error("count", "4"),
               "packed results: results is not a JSON array of count results");
  EXPECT_STREQ(packed_error("count", "x"),
               "packed results: count is missing or not a positive number");
  EXPECT_STREQ(packed_error("first", "1700-2"),
               "packed results: first or last is not the results' own");
  EXPECT_STREQ(packed_error("last", "9999-0"),
               "packed results: first or last is not the results' own");
  EXPECT_STREQ(packed_error("results", "[1,2,3,4,5]"),
               "packed results: a row is not an array of 7 or 9 values");
  EXPECT_STREQ(packed_error("fields", "pos,reason,type,code,user,balance,remain"),
               "packed results: fields does not name v 1's values");
  EXPECT_STREQ(packed_error("count", "1"),
               "packed results: results is not a JSON array of count results");
}

TEST(RedisResultEntry, PackedResultsAreCheckedOneByOne) {
  const auto one = [](std::string_view row) {
    std::string array = "[";  // built by appends: g++ 12 warns about "[" + ... (-Wrestrict)
    array.append(row).append("]");
    const std::vector<EntryField> fields = {
        {"v", "1"},
        {"count", "1"},
        {"first", "5-1"},
        {"last", "5-1"},
        {"fields", "pos,type,reason,code,user,balance,remain,original_pos,original_reason"},
        {"results", array}};
    std::vector<Result> read;
    return decode_result_entry(fields, read).error();
  };
  EXPECT_EQ(one(R"(["5-1","topup","accepted",0,7,9,0])"), nullptr);
  EXPECT_STREQ(one(R"(["5-1","topup","accepted",0,7,9])"),
               "packed results: a row is not an array of 7 or 9 values");
  EXPECT_STREQ(one(R"(["5-1","topup","accepted",0,7,1.5,0])"),
               "packed results: a value has the wrong JSON type");
  EXPECT_STREQ(one(R"([5,"topup","accepted",0,7,9,0])"),
               "packed results: a value has the wrong JSON type");
  EXPECT_STREQ(one(R"(["5-1","topup","accepted",0,"7",9,0])"),
               "packed results: a value has the wrong JSON type");
  EXPECT_STREQ(one(R"(["5-1","topup","maybe",0,7,9,0])"), "unknown reason");
  EXPECT_STREQ(one(R"(["5-1","topup","duplicate",15,7,9,0,"5-0","maybe"])"),
               "unknown original_reason");
}

TEST(RedisResultEntry, PackedPositionsMustGrow) {
  std::vector<Result> results = some_results();
  std::swap(results[1], results[2]);
  std::deque<std::string> texts;
  std::vector<std::string_view> argv;
  append_packed_fields(results, texts, argv);
  std::vector<Result> read;
  EXPECT_STREQ(decode_result_entry(pairs(argv), read).error(),
               "packed results: positions out of order");
  EXPECT_TRUE(read.empty());
}

TEST(RedisResultEntry, PerResultFieldsMissingOrUnreadableAreNamed) {
  const std::vector<EntryField> good = {{"pos", "5-1"}, {"type", "topup"}, {"reason", "accepted"},
                                        {"user", "7"},  {"balance", "9"},  {"remain", "0"}};
  std::vector<Result> read;
  ASSERT_TRUE(decode_result_entry(good, read));
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].position, (Position{5, 1}));
  EXPECT_EQ(read[0].balance, 9);
  std::vector<EntryField> fields = good;
  fields[4].value = "9x";
  EXPECT_STREQ(decode_result_entry(fields, read).error(), "bad balance");
  fields = good;
  fields[2].value = "duplicate";  // a duplicate must name its original
  EXPECT_STREQ(decode_result_entry(fields, read).error(), "a field is missing");
  fields = good;
  fields[0].value = "5";
  EXPECT_STREQ(decode_result_entry(fields, read).error(), "pos is not an entry id");
  EXPECT_EQ(read.size(), 1u);
}

}  // namespace
}  // namespace lmx
