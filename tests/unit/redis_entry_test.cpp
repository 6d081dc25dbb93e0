// Redis entry formats: each is recognised by its field names, a native entry's readable
// type must agree with its payload, and a json entry is one JSON line and nothing else.

#include "backend/redis/redis_entry.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lmx/constants.hpp"
#include "support/printers.hpp"

namespace lmx {
namespace {

using namespace std::string_view_literals;

// The reason an entry is malformed, nullptr when it is well-formed. One decoder for every
// entry, as a reader has.
const char* entry_error(std::span<const EntryField> fields, Event& event) {
  static EntryDecoder decoder;
  return decoder.decode(fields, event).error();
}

// The entry fields `append_entry_fields` writes for `event`, as (name, value) pairs.
std::vector<EntryField> entry_of(const Event& event, EntryFormat format, std::string& payload) {
  std::vector<std::string_view> argv;
  append_entry_fields(event, format, payload, argv);
  std::vector<EntryField> fields;
  for (std::size_t i = 0; i + 1 < argv.size(); i += 2) fields.push_back({argv[i], argv[i + 1]});
  return fields;
}

Event add_cpu() {
  return Event::make_add_item(Sku::from("cpu"), 4, true, 25);
}

TEST(RedisEntry, NativeEntryIsReadableAndRoundTrips) {
  std::string payload;
  const auto fields = entry_of(add_cpu(), EntryFormat::native, payload);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "type");
  EXPECT_EQ(fields[0].value, "add_item");
  EXPECT_EQ(fields[1].name, "e");
  Event event;
  ASSERT_EQ(entry_error(fields, event), nullptr);
  EXPECT_EQ(event.type, EventType::add_item);
  EXPECT_EQ(event.item_id, Sku::from("cpu"));
  EXPECT_EQ(event.price, 25);
}

TEST(RedisEntry, SeedEntryRoundTripsInEitherFieldOrder) {
  std::string payload;
  auto fields = entry_of(add_cpu(), EntryFormat::seed, payload);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].value, "AddItem");
  EXPECT_EQ(fields[1].name, "data");
  std::swap(fields[0], fields[1]);
  Event event;
  ASSERT_EQ(entry_error(fields, event), nullptr);
  EXPECT_EQ(event.count, 4);
}

TEST(RedisEntry, NativeTypeMustAgreeAndBePresent) {
  std::string payload;
  auto fields = entry_of(add_cpu(), EntryFormat::native, payload);
  Event event;
  fields[0].value = "topup";
  EXPECT_STREQ(entry_error(fields, event), "the type field differs from the type inside e");
  EXPECT_EQ(event.type, EventType::malformed);
  fields.erase(fields.begin());
  EXPECT_STREQ(entry_error(fields, event), "no type field");
  EXPECT_EQ(event.type, EventType::malformed);
}

TEST(RedisEntry, BadNativeBytesAndUnknownShapesAreMalformed) {
  Event event;
  const EntryField bad[] = {{"type", "topup"}, {"e", "\x01\x01\x02"}};
  EXPECT_NE(entry_error(bad, event), nullptr);
  EXPECT_EQ(event.type, EventType::malformed);
  const EntryField neither[] = {{"type", "topup"}, {"payload", "x"}};
  EXPECT_NE(entry_error(neither, event), nullptr);
  EXPECT_STREQ(entry_error({}, event),
               "neither a json (json), native (type, e) nor seed (type, data) entry");
}

// The reason a json entry holding `value` is malformed, nullptr when it is well-formed.
const char* json_error(std::string_view value, Event& event) {
  const EntryField fields[] = {{"json", value}};
  return entry_error(fields, event);
}

TEST(RedisEntry, JsonEntryIsOneFieldHoldingTheEventsJsonLine) {
  std::string payload;
  const auto fields = entry_of(add_cpu(), EntryFormat::json, payload);
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].name, "json");
  EXPECT_EQ(fields[0].value, R"({"type":"add_item","item_id":"cpu","count":4,"price":25})");
  Event event;
  ASSERT_EQ(entry_error(fields, event), nullptr);
  EXPECT_EQ(event, add_cpu());
}

TEST(RedisEntry, JsonEntryDecodesAsTheSameLineOfProduceInput) {
  const std::string_view lines[] = {
      R"({"type":"topup","user_id":7,"amount":500})",
      R"({"type":"add_item","item_id":"cpu","count":10,"price":null})",
      R"({"type":"set_price","item_id":"ssd","price":900})",
      R"( {"lines":[{"quantity":2,"item_id":"cpu"}],"user_id":7,"type":"order","note":"x"} )",
      R"({"type":"topup","user_id":7,"amount":-5})",
  };
  JsonEventDecoder lines_decoder;
  for (const std::string_view line : lines) {
    std::string padded(line);
    padded.append(JsonEventDecoder::padding, '\0');
    Event expected;
    ASSERT_TRUE(lines_decoder.decode(std::string_view(padded.data(), line.size()), expected).ok())
        << line;
    Event event;
    EXPECT_EQ(json_error(line, event), nullptr) << line;
    EXPECT_EQ(event, expected) << line;
  }
}

TEST(RedisEntry, JsonEntryWithAnyOtherFieldIsMalformed) {
  const std::string_view topup = R"({"type":"topup","user_id":7,"amount":500})";
  const EntryField beside_type[] = {{"type", "topup"}, {"json", topup}};
  const EntryField twice[] = {{"json", topup}, {"json", topup}};
  std::string payload;
  std::vector<EntryField> beside_native = entry_of(add_cpu(), EntryFormat::native, payload);
  beside_native.push_back({"json", topup});
  for (const std::span<const EntryField> fields :
       {std::span<const EntryField>(beside_type), std::span<const EntryField>(twice),
        std::span<const EntryField>(beside_native)}) {
    Event event = Event::make_topup(1, 1);
    EXPECT_STREQ(entry_error(fields, event), "a json entry has a field besides json");
    EXPECT_EQ(event.type, EventType::malformed);
  }
}

TEST(RedisEntry, JsonEntryHoldingAnythingButOneEventIsMalformed) {
  const std::string_view bad[] = {
      "",
      "   ",
      R"({"type":"topup","user_id":7,"amount":500} x)",
      R"({"type":"topup","user_id":7,"amount":500}{"type":"topup","user_id":7,"amount":500})",
      R"({"type":"topup","user_id":7,"amount":500}
{"type":"topup","user_id":7,"amount":500})",
      R"([{"type":"topup","user_id":7,"amount":500}])",
      R"("topup")",
      "7",
      "null",
      R"({"type":"topup","user_id":7})",
      R"({"type":"refund","user_id":7,"amount":500})",
      R"({"type":"topup","user_id":7,"amount":9223372036854775808})",
      R"({"type":"topup","user_id":7,"amount":500,"amount":1})",
      R"({"type":"topup","user_id":7,"amount":"500"})",
      "{\"type\":\"topup\",\"user_id\":7,\"amount\":500}\0"sv,
      "\0{\"type\":\"topup\",\"user_id\":7,\"amount\":500}"sv,
      "{\"type\":\"add_item\",\"item_id\":\"c\0u\",\"count\":1}"sv,
      "{\"type\":\"add_item\",\"item_id\":\"\xff\xfe\",\"count\":1}",
      "{\"type\":\"set_price\",\"item_id\":\"\xc3\",\"price\":1}",
  };
  for (const std::string_view value : bad) {
    Event event = Event::make_topup(1, 1);
    EXPECT_NE(json_error(value, event), nullptr) << value;
    EXPECT_EQ(event.type, EventType::malformed) << value;
  }
}

// A value longer than a JSON line may be is refused without being parsed, even when it is
// an event padded with blanks; one of exactly that size still decodes.
TEST(RedisEntry, JsonValueLongerThanAJsonLineIsMalformed) {
  const std::string_view topup = R"({"type":"topup","user_id":7,"amount":500})";
  std::string value(json_line_size_max - topup.size(), ' ');
  value += topup;
  Event event;
  EXPECT_EQ(json_error(value, event), nullptr);
  EXPECT_EQ(event, Event::make_topup(7, 500));
  value.insert(0, 1, ' ');
  EXPECT_STREQ(json_error(value, event), "the json field is longer than json_line_size_max");
  EXPECT_EQ(event.type, EventType::malformed);
}

// A Redis reply's string has no readable bytes after it (the JSON parser may read up to
// JsonEventDecoder::padding past its input): ASan fails this test if any byte past a value
// is read, whatever the value ends with.
TEST(RedisEntry, JsonValueIsReadWithinItsOwnBytes) {
  const std::string_view values[] = {R"({"type":"topup","user_id":7,"amount":500})",
                                     R"({"type":"topup","user_id":7,"amount":5)",
                                     R"({"type":"topup","item_id":"cp)",
                                     "7",
                                     "true",
                                     "{"};
  for (const std::string_view value : values) {
    const auto exact = std::make_unique<char[]>(value.size());
    std::memcpy(exact.get(), value.data(), value.size());
    Event event;
    const char* error = json_error(std::string_view(exact.get(), value.size()), event);
    EXPECT_EQ(error == nullptr, value == values[0]) << value;
  }
}

// One decoder reads a whole stream: what one entry left behind never leaks into the next.
TEST(RedisEntry, OneDecoderReadsJsonNativeAndSeedEntriesMixed) {
  std::string native_payload, seed_payload;
  const auto native = entry_of(add_cpu(), EntryFormat::native, native_payload);
  const auto seed = entry_of(Event::make_topup(9, 90), EntryFormat::seed, seed_payload);
  EntryDecoder decoder;
  Event event;
  const EntryField json_order[] = {
      {"json", R"({"type":"order","user_id":7,"lines":[{"item_id":"cpu","quantity":2}]})"}};
  ASSERT_TRUE(decoder.decode(json_order, event).ok());
  EXPECT_EQ(event.line_count, 1u);
  const EntryField json_bad[] = {{"json", R"({"type":"order","user_id":7})"}};
  EXPECT_FALSE(decoder.decode(json_bad, event).ok());
  EXPECT_EQ(event.type, EventType::malformed);
  ASSERT_TRUE(decoder.decode(native, event).ok());
  EXPECT_EQ(event, add_cpu());
  const EntryField json_topup[] = {{"json", R"({"type":"topup","user_id":7,"amount":5})"}};
  ASSERT_TRUE(decoder.decode(json_topup, event).ok());
  EXPECT_EQ(event, Event::make_topup(7, 5));
  ASSERT_TRUE(decoder.decode(seed, event).ok());
  EXPECT_EQ(event, Event::make_topup(9, 90));
}

// Seed and json entries list every order line; an order keeping only the first
// order_lines_max of its lines fits only a native entry.
TEST(RedisEntry, OnlyNativeEntriesCarryAnOrderOfTooManyLines) {
  Event order;
  order.type = EventType::order;
  order.user_id = 7;
  for (std::size_t i = 0; i < order_lines_max; ++i) order.add_line(Sku::from("cpu"), 1);
  for (const EntryFormat format : {EntryFormat::native, EntryFormat::seed, EntryFormat::json}) {
    EXPECT_TRUE(entry_format_carries(format, order));
  }
  order.add_line(Sku::from("cpu"), 1);
  EXPECT_TRUE(entry_format_carries(EntryFormat::native, order));
  EXPECT_FALSE(entry_format_carries(EntryFormat::seed, order));
  EXPECT_FALSE(entry_format_carries(EntryFormat::json, order));
}

}  // namespace
}  // namespace lmx
