// The seed wire format: the shared vectors, every msgpack integer encoding, the malformed
// cases, the encoder against the Go producer's own bytes, and arbitrary bytes.

#include "format/seed_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "canonical_export.hpp"
#include "lmx/core/business_logic.hpp"
#include "support/printers.hpp"
#include "support/seed_vectors.hpp"

namespace lmx {
namespace {

// The reason a seed entry is malformed, nullptr when it is well-formed.
const char* seed_error(std::string_view type, std::string_view data, Event& event) {
  return decode_seed(type, data, event).error();
}
const char* seed_entry_error(std::span<const EntryField> fields, Event& event) {
  return decode_seed_entry(fields, event).error();
}

using test::from_hex;

// Applies every vector of `name` in order from an empty state, checking each reason, and
// returns the canonical export.
std::string apply_vectors(const std::string& name) {
  State state;
  for (const test::SeedVector& v : test::load_seed_vectors(name)) {
    Event event;
    const char* error = seed_entry_error(v.entry_fields(), event);
    EXPECT_EQ(error == nullptr, event.type != EventType::malformed) << v.id;
    const Result result = apply(state, event);
    EXPECT_EQ(reason_name(result.reason), v.expect)
        << v.id << " (" << v.note << ")" << (error ? error : "");
  }
  std::string out;
  append_canonical_export(state, out);
  return out;
}

TEST(SeedCodec, EdgeCaseVectorsGiveTheirReasonsAndExport) {
  EXPECT_EQ(apply_vectors("seed_edge_cases"), test::expected_export("seed_edge_cases"));
}

TEST(SeedCodec, ProducerRunVectorsGiveTheirReasonsAndExport) {
  EXPECT_EQ(apply_vectors("seed_producer_run"), test::expected_export("seed_producer_run"));
}

TEST(SeedCodec, EncoderWritesTheGoProducersBytes) {
  const auto vectors = test::load_seed_vectors("seed_producer_run");
  ASSERT_FALSE(vectors.empty());
  for (const test::SeedVector& v : vectors) {
    Event event;
    ASSERT_EQ(seed_entry_error(v.entry_fields(), event), nullptr) << v.id;
    std::string data;
    append_seed_data(event, data);
    for (const auto& [name, value] : v.fields) {
      if (name == "data") {
        EXPECT_EQ(data, value) << v.id;
      } else if (name == "type") {
        EXPECT_EQ(seed_type_name(event.type), value) << v.id;
      }
    }
  }
}

Event round_trip(const Event& event) {
  std::string data;
  append_seed_data(event, data);
  Event decoded;
  EXPECT_EQ(seed_error(seed_type_name(event.type), data, decoded), nullptr);
  return decoded;
}

TEST(SeedCodec, EncoderRoundTripsEveryEventShape) {
  Event order;
  order.type = EventType::order;
  order.user_id = -9;
  order.add_line(Sku::from("cpu"), 2);
  order.add_line(Sku::from("ram"), -1);
  const Event events[] = {
      Event::make_topup(INT64_MIN, INT64_MAX),
      Event::make_topup(7, -5),
      Event::make_add_item(Sku::from("cpu"), 3, true, 0),
      Event::make_add_item(Sku::from("cpu"), -3, false, 0),
      Event::make_set_price(Sku::from("gpu"), 2500),
      Event::make_set_price(Sku::from("gpu"), -1),
      order,
  };
  for (const Event& event : events) EXPECT_EQ(round_trip(event), event);
}

// A team coming from the Go producer writes a catalog of SetPrice entries once; its
// AddItem entries, which carry no price, then stock the items instead of being refused.
TEST(SeedCodec, CatalogOfSetPriceLetsTheGoProducersAddItemsStock) {
  const std::vector<test::SeedVector> run = test::load_seed_vectors("seed_producer_run");
  State state;
  std::size_t add_items = 0;
  for (const test::SeedVector& v : run) {
    Event event;
    ASSERT_EQ(seed_entry_error(v.entry_fields(), event), nullptr) << v.id;
    if (event.type != EventType::add_item) continue;
    ++add_items;
    const Event price = round_trip(Event::make_set_price(event.item_id, 100));
    ASSERT_EQ(apply(state, price).reason, Reason::accepted);
  }
  ASSERT_GT(add_items, 0u);
  for (const test::SeedVector& v : run) {
    Event event;
    ASSERT_EQ(seed_entry_error(v.entry_fields(), event), nullptr) << v.id;
    const Result result = apply(state, event);
    if (event.type == EventType::add_item) {
      EXPECT_EQ(result.reason, Reason::accepted) << v.id;
      EXPECT_EQ(result.remain, state.find_item(event.item_id)->remain);
    } else {
      EXPECT_EQ(reason_name(result.reason), v.expect) << v.id;
    }
  }
}

TEST(SeedCodec, TooLongItemIdStaysTooLong) {
  const Event event = Event::make_add_item(Sku::from(std::string(40, 'x')), 1, true, 1);
  const Event decoded = round_trip(event);
  EXPECT_EQ(decoded.item_id.size, Sku::size_too_long);
  State state;
  EXPECT_EQ(apply(state, decoded).reason, Reason::invalid_sku);
}

// Two SKUs that differ only in invalid UTF-8 bytes would collapse into one key in an
// export: such an item id is malformed, as it is in JSON.
TEST(SeedCodec, ItemIdThatIsNotUtf8IsMalformed) {
  Event order;
  order.type = EventType::order;
  order.user_id = 7;
  order.add_line(Sku::from("ok"), 1);
  order.add_line(Sku::from("\xed\xa0\x80"), 1);
  const Event events[] = {
      Event::make_add_item(Sku::from("cpu\xff"), 1, true, 1),
      Event::make_add_item(Sku::from("\xc3\x28"), 1, false, 0),
      order,
  };
  for (const Event& event : events) {
    std::string data;
    append_seed_data(event, data);
    Event decoded;
    const char* error = seed_error(seed_type_name(event.type), data, decoded);
    ASSERT_NE(error, nullptr);
    EXPECT_STREQ(error, "an item id is not valid UTF-8");
    EXPECT_EQ(decoded.type, EventType::malformed);
  }
  EXPECT_EQ(round_trip(Event::make_add_item(Sku::from("caf\xc3\xa9"), 1, true, 1)).item_id,
            Sku::from("caf\xc3\xa9"));
}

TEST(SeedCodec, OrderWithTooManyLinesIsCountedNotMalformed) {
  // {"UserID": 1, "ItemIDs": ["c" x N], "ItemQuantities": [1 x N]}, N = order_lines_max + 1
  const std::size_t lines = order_lines_max + 1;
  std::string data = from_hex("83a655736572494401a74974656d494473dc");
  data += static_cast<char>(lines >> 8);
  data += static_cast<char>(lines & 0xff);
  for (std::size_t i = 0; i < lines; ++i) data += from_hex("a163");
  data += from_hex("ae4974656d5175616e746974696573dc");
  data += static_cast<char>(lines >> 8);
  data += static_cast<char>(lines & 0xff);
  data += std::string(lines, '\x01');
  Event event;
  ASSERT_EQ(seed_error("OrderType", data, event), nullptr);
  EXPECT_EQ(event.line_count, lines);
  State state;
  EXPECT_EQ(apply(state, event).reason, Reason::too_many_lines);
}

// A TopUp whose Amount value is the given msgpack bytes (and UserID 1).
std::string topup_with_amount(const std::string& amount_hex) {
  return from_hex(
      "82a6557365724944"
      "01"
      "a6416d6f756e74" +
      amount_hex);
}

TEST(SeedCodec, EveryIntegerEncodingIsAccepted) {
  const char* five[] = {"05",   "cc05",   "cd0005",     "ce00000005",        "cf0000000000000005",
                        "d005", "d10005", "d200000005", "d30000000000000005"};
  for (const char* hex : five) {
    Event event;
    ASSERT_EQ(seed_error("TopUp", topup_with_amount(hex), event), nullptr) << hex;
    EXPECT_EQ(event.amount, 5) << hex;
  }
  const char* minus_three[] = {"fd", "d0fd", "d1fffd", "d2fffffffd", "d3fffffffffffffffd"};
  for (const char* hex : minus_three) {
    Event event;
    ASSERT_EQ(seed_error("TopUp", topup_with_amount(hex), event), nullptr) << hex;
    EXPECT_EQ(event.amount, -3) << hex;
  }
}

TEST(SeedCodec, NegativeSignedAmountIsJudgedByTheBusinessLogic) {
  Event event;
  ASSERT_EQ(seed_error("TopUp", topup_with_amount("d0fd"), event), nullptr);
  State state;
  EXPECT_EQ(apply(state, event).reason, Reason::invalid_amount);
}

TEST(SeedCodec, Uint64AboveInt64MaxIsMalformed) {
  Event event;
  EXPECT_NE(seed_error("TopUp", topup_with_amount("cf8000000000000000"), event), nullptr);
  EXPECT_EQ(event.type, EventType::malformed);
  EXPECT_EQ(seed_error("TopUp", topup_with_amount("cf7fffffffffffffff"), event), nullptr);
  EXPECT_EQ(event.amount, INT64_MAX);
}

TEST(SeedCodec, WrongMsgpackTypesAreMalformed) {
  const char* amounts[] = {"c0",   "c3",   "ca3f800000", "cb3ff0000000000000", "a135", "c40135",
                           "9105", "8105", "d40105"};
  for (const char* hex : amounts) {
    Event event;
    EXPECT_NE(seed_error("TopUp", topup_with_amount(hex), event), nullptr) << hex;
    EXPECT_EQ(event.type, EventType::malformed) << hex;
  }
}

TEST(SeedCodec, MissingKeyTrailingBytesAndNonMapAreMalformed) {
  Event event;
  EXPECT_STREQ(seed_error("TopUp", from_hex("81a655736572494401"), event),
               "a required key is missing");
  EXPECT_NE(seed_error("TopUp", topup_with_amount("05") + "\x01", event), nullptr);
  EXPECT_NE(seed_error("TopUp", from_hex("9105"), event), nullptr);
  EXPECT_NE(seed_error("TopUp", from_hex("05"), event), nullptr);
  EXPECT_NE(seed_error("TopUp", "", event), nullptr);
  EXPECT_EQ(event.type, EventType::malformed);
}

TEST(SeedCodec, NilPriceMeansNoPriceAndNilArraysAnEmptyOrder) {
  Event event;
  // {"ItemID": "cpu", "Count": 1, "Price": nil}
  ASSERT_EQ(seed_error("AddItem", from_hex("83a64974656d4944a3637075a5436f756e7401a55072696365c0"),
                       event),
            nullptr);
  EXPECT_FALSE(event.has_price);
  // {"UserID": 1, "ItemIDs": nil, "ItemQuantities": nil}
  ASSERT_EQ(seed_error("OrderType",
                       from_hex("83a655736572494401a74974656d494473c0ae4974656d5175616e74697469"
                                "6573c0"),
                       event),
            nullptr);
  EXPECT_EQ(event.line_count, 0u);
  State state;
  EXPECT_EQ(apply(state, event).reason, Reason::empty_order);
}

// SetPrice (an lmx extension) needs both keys, and a Price that is an integer.
TEST(SeedCodec, SetPriceWithoutAnIntegerPriceIsMalformed) {
  Event event;
  // {"ItemID": "cpu", "Price": 7}
  ASSERT_EQ(seed_error("SetPrice", from_hex("82a64974656d4944a3637075a5507269636507"), event),
            nullptr);
  EXPECT_EQ(event.type, EventType::set_price);
  EXPECT_EQ(event.price, 7);
  // {"ItemID": "cpu", "Price": nil}, {"ItemID": "cpu"}, {"ItemID": "cpu", "Price": "1"}
  EXPECT_STREQ(seed_error("SetPrice", from_hex("82a64974656d4944a3637075a55072696365c0"), event),
               "a required key is missing");
  EXPECT_STREQ(seed_error("SetPrice", from_hex("81a64974656d4944a3637075"), event),
               "a required key is missing");
  EXPECT_NE(seed_error("SetPrice", from_hex("82a64974656d4944a3637075a55072696365a131"), event),
            nullptr);
  EXPECT_EQ(event.type, EventType::malformed);
}

TEST(SeedCodec, RepeatedKeyReplacesTheEarlierValue) {
  // {"UserID": 1, "ItemIDs": ["a", "b"], "ItemQuantities": [1], "ItemIDs": ["c"],
  //  "UserID": 2}
  Event event;
  ASSERT_EQ(seed_error("OrderType",
                       from_hex("85a655736572494401a74974656d49447392a161a162ae4974"
                                "656d5175616e74697469657391"
                                "01a74974656d49447391"
                                "a163a655736572494402"),
                       event),
            nullptr);
  EXPECT_EQ(event.user_id, 2);
  ASSERT_EQ(event.line_count, 1u);
  EXPECT_EQ(event.lines[0].item_id, Sku::from("c"));
}

TEST(SeedCodec, NestingDeeperThanTheLimitIsMalformed) {
  // {"UserID": 1, "Amount": 5, "X": [[[...]]]} nested past seed_depth_max under an ignored key.
  std::string deep = from_hex("83a655736572494401a6416d6f756e7405a158");
  deep += std::string(seed_depth_max, '\x91');
  deep += '\x90';
  Event event;
  EXPECT_NE(seed_error("TopUp", deep, event), nullptr);
  std::string shallow = from_hex("83a655736572494401a6416d6f756e7405a158");
  shallow += std::string(seed_depth_max - 2, '\x91');
  shallow += '\x90';
  EXPECT_EQ(seed_error("TopUp", shallow, event), nullptr);
}

TEST(SeedCodec, EntryWithoutTypeOrDataIsMalformed) {
  Event event;
  const std::string data = topup_with_amount("05");
  const EntryField no_type[] = {{"data", data}};
  EXPECT_STREQ(seed_entry_error(no_type, event), "no type field");
  const EntryField no_data[] = {{"type", "TopUp"}};
  EXPECT_STREQ(seed_entry_error(no_data, event), "no data field");
  const EntryField both[] = {{"other", "x"}, {"data", data}, {"type", "TopUp"}};
  EXPECT_EQ(seed_entry_error(both, event), nullptr);
}

// A fixed-seed generator, so that a failure reproduces.
struct Random {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

// Decoding arbitrary bytes never crashes (ASan/UBSan check the reads) and always says
// consistently whether the event is well-formed; what decodes re-encodes to the same event.
void check_arbitrary(std::string_view type, const std::string& data) {
  Event event;
  const char* error = seed_error(type, data, event);
  ASSERT_EQ(error == nullptr, event.type != EventType::malformed);
  if (error == nullptr && event.line_count <= order_lines_max &&
      event.item_id.size <= sku_size_max) {
    EXPECT_EQ(round_trip(event), event);
  }
}

TEST(SeedCodec, ArbitraryBytesNeverCrash) {
  Random random;
  const char* types[] = {"TopUp", "AddItem", "OrderType"};
  std::vector<std::string> seeds;
  for (const char* name : {"seed_edge_cases", "seed_producer_run"}) {
    for (const auto& v : test::load_seed_vectors(name)) {
      for (const auto& [field, value] : v.fields) {
        if (field == "data") seeds.push_back(value);
      }
    }
  }
  for (int round = 0; round < 20000; ++round) {
    std::string data = seeds[random.next() % seeds.size()];
    const std::uint64_t flips = 1 + random.next() % 4;
    for (std::uint64_t f = 0; f < flips && !data.empty(); ++f) {
      data[random.next() % data.size()] = static_cast<char>(random.next());
    }
    if (random.next() % 4 == 0) data.resize(random.next() % (data.size() + 1));
    check_arbitrary(types[random.next() % 3], data);
    std::string noise(random.next() % 64, '\0');
    for (char& c : noise) c = static_cast<char>(random.next());
    check_arbitrary(types[random.next() % 3], noise);
  }
}

// The Go producer's "ID" field: "" or nil is no id, a string is the command id.
TEST(SeedCodec, IdIsTheCommandIdAndEmptyOrNilIsNone) {
  // {"ID": <id>, "UserID": 1, "Amount": 5}
  const auto topup_with_id = [](const std::string& id_hex) {
    return from_hex("83a24944" + id_hex + "a655736572494401a6416d6f756e7405");
  };
  Event event;
  ASSERT_EQ(seed_error("TopUp", topup_with_id("a0"), event), nullptr);
  EXPECT_FALSE(event.id.present);
  ASSERT_EQ(seed_error("TopUp", topup_with_id("c0"), event), nullptr);
  EXPECT_FALSE(event.id.present);
  ASSERT_EQ(seed_error("TopUp", topup_with_id("a3742d31"), event), nullptr);
  EXPECT_EQ(event.id, CommandId::from("t-1"));
  for (const char* wrong : {"01", "c3", "9101", "80", "c40174"}) {
    EXPECT_STREQ(seed_error("TopUp", topup_with_id(wrong), event),
                 std::string_view(wrong) == "9101" ? "a field holds an array where a scalar belongs"
                 : std::string_view(wrong) == "80" ? "a field holds a map"
                 : std::string_view(wrong) == "01"
                     ? "a string field holds a number"
                     : "a field holds a value of the wrong msgpack type")
        << wrong;
    EXPECT_EQ(event.type, EventType::malformed) << wrong;
  }
  EXPECT_STREQ(seed_error("TopUp", topup_with_id("a2c328"), event),
               "the command id is not valid UTF-8");
}

TEST(SeedCodec, CommandIdsRoundTripAndAnEmptyOneStaysInvalid) {
  for (const std::string& id : {std::string("order-77"), std::string(command_id_size_max, 'i'),
                                std::string(command_id_size_max + 1, 'i')}) {
    Event event = Event::make_topup(1, 5);
    event.id = CommandId::from(id);
    EXPECT_EQ(round_trip(event), event) << id;
  }
  Event empty = Event::make_topup(1, 5);
  empty.id = CommandId::from("");
  const Event decoded = round_trip(empty);
  EXPECT_TRUE(decoded.id.present);
  EXPECT_FALSE(decoded.id.valid()) << "still rejected as invalid_id";
}

}  // namespace
}  // namespace lmx
