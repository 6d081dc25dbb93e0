// Redis entry formats: each is recognised by its field names, and a native entry's
// readable type must agree with its payload.

#include "backend/redis/redis_entry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lmx {
namespace {

// The reason an entry is malformed, nullptr when it is well-formed.
const char* entry_error(std::span<const EntryField> fields, Event& event) {
  return decode_entry(fields, event).error();
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
  EXPECT_STREQ(entry_error({}, event), "neither a native (type, e) nor a seed (type, data) entry");
}

}  // namespace
}  // namespace lmx
