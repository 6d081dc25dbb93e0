// The native event and result encodings: round trips of every shape, and robustness against
// truncated, extended and random bytes (never a crash, always a refusal or a valid event).

#include "format/native_codec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "support/printers.hpp"
#include "support/seed_vectors.hpp"

namespace lmx {
namespace {

Event with_id(Event event, std::string_view id) {
  event.id = CommandId::from(id);
  return event;
}

Event order_with_lines(std::size_t line_count) {
  Event e;
  e.type = EventType::order;
  e.user_id = -42;
  for (std::size_t i = 0; i < line_count; ++i) {
    e.add_line(Sku::from("sku-" + std::to_string(i)), static_cast<std::int64_t>(i) - 3);
  }
  return e;
}

std::vector<Event> sample_events() {
  return {
      Event::make_topup(7, 1'000'000),
      Event::make_topup(INT64_MIN, INT64_MAX),
      Event::make_add_item(Sku::from("apple"), 10, true, 250),
      Event::make_add_item(Sku::from("apple"), 5, false, 0),
      Event::make_add_item(Sku::from(std::string(sku_size_max, 'x')), -1, true, -9),
      Event::make_add_item(Sku::from(std::string(sku_size_max + 5, 'y')), 1, true, 1),
      Event::make_add_item(Sku::from(""), 1, true, 1),
      order_with_lines(0),
      order_with_lines(1),
      order_with_lines(order_lines_max),
      order_with_lines(order_lines_max + 3),
      Event::make_set_price(Sku::from("gpu"), 2500),
      Event::make_set_price(Sku::from(std::string(sku_size_max + 1, 'z')), INT64_MIN),
      with_id(Event::make_topup(7, 500), "t-1"),
      with_id(Event::make_topup(7, 500), ""),
      with_id(Event::make_topup(7, 500), std::string(command_id_size_max, 'i')),
      with_id(Event::make_topup(7, 500), std::string(command_id_size_max + 1, 'i')),
      with_id(Event::make_set_price(Sku::from("cpu"), 1), std::string("\0nul\xff", 5)),
      with_id(order_with_lines(order_lines_max), std::string(command_id_size_max, 'o')),
  };
}

TEST(NativeCodec, EventsRoundTrip) {
  for (const Event& event : sample_events()) {
    std::string bytes;
    encode_event(event, bytes);
    EXPECT_LE(bytes.size(), native_event_size_max);
    Event decoded;
    decoded.position = Position{0, 99};
    ASSERT_TRUE(decode_event(bytes, decoded));
    EXPECT_EQ(decoded.position, (Position{0, 99})) << "decoding must not touch the position";
    decoded.position = event.position;
    EXPECT_EQ(decoded, event);
  }
}

// Every SKU size, with distinct bytes, in one order: the decoder copies short ids with
// overlapping fixed-size moves, so each size takes its own path.
TEST(NativeCodec, EverySkuSizeRoundTripsByteForByte) {
  Event order = order_with_lines(0);
  for (std::size_t size = 0; size <= sku_size_max; ++size) {
    std::string id(size, '\0');
    for (std::size_t i = 0; i < size; ++i) id[i] = static_cast<char>('A' + (size + i) % 50);
    order.add_line(Sku::from(id), 1);
  }
  std::string bytes;
  encode_event(order, bytes);
  Event decoded;
  ASSERT_TRUE(decode_event(bytes, decoded));
  ASSERT_EQ(decoded.line_count, sku_size_max + 1);
  for (std::size_t size = 0; size <= sku_size_max; ++size) {
    EXPECT_EQ(decoded.lines[size].item_id.view(), order.lines[size].item_id.view()) << size;
  }
}

TEST(NativeCodec, TooManyLinesKeepsTheTrueCountAndTheStoredLines) {
  std::string bytes;
  encode_event(order_with_lines(order_lines_max + 3), bytes);
  Event decoded;
  ASSERT_TRUE(decode_event(bytes, decoded));
  EXPECT_EQ(decoded.line_count, order_lines_max + 3);
  EXPECT_EQ(decoded.lines[order_lines_max - 1].item_id.view(),
            "sku-" + std::to_string(order_lines_max - 1));
}

TEST(NativeCodec, TooLongSkuStaysInvalid) {
  std::string bytes;
  encode_event(Event::make_add_item(Sku::from(std::string(100, 'z')), 1, true, 1), bytes);
  Event decoded;
  ASSERT_TRUE(decode_event(bytes, decoded));
  EXPECT_FALSE(decoded.item_id.valid());
  EXPECT_EQ(decoded.item_id.size, Sku::size_too_long);
}

TEST(NativeCodec, EveryTruncationAndEveryExtensionIsRefused) {
  for (const Event& event : sample_events()) {
    std::string bytes;
    encode_event(event, bytes);
    for (std::size_t size = 0; size < bytes.size(); ++size) {
      Event decoded = Event::make_topup(1, 1);
      EXPECT_FALSE(decode_event(std::string_view(bytes).substr(0, size), decoded)) << size;
      EXPECT_EQ(decoded.type, EventType::malformed);
    }
    Event decoded;
    EXPECT_FALSE(decode_event(bytes + '\0', decoded));
    EXPECT_EQ(decoded.type, EventType::malformed);
  }
}

TEST(NativeCodec, BadVersionTypeFlagsAndSkuSizeAreRefused) {
  std::string topup;
  encode_event(Event::make_topup(1, 2), topup);
  std::string add_item;
  encode_event(Event::make_add_item(Sku::from("a"), 1, true, 1), add_item);
  std::vector<std::string> bad(5, topup);
  bad[0][0] = 3;                                                    // version
  bad[1][1] = 0;                                                    // type malformed
  bad[2][1] = 5;                                                    // unknown type
  bad[3] = add_item, bad[3][3] = 2;                                 // reserved flag bit
  bad[4] = add_item, bad[4][4] = char(sku_size_max + 2);            // impossible SKU size
  bad.push_back(topup), bad[5][2] = char(command_id_size_max + 2);  // impossible id size
  bad.push_back(topup), bad[6][2] = 5;                              // an id longer than the event
  for (const std::string& bytes : bad) {
    Event decoded;
    EXPECT_FALSE(decode_event(bytes, decoded));
    EXPECT_EQ(decoded.type, EventType::malformed);
  }
}

// Found by fuzz/native_event_fuzz.cpp: an add_item without a price whose price field is not
// zero decoded like one whose field is zero, a second encoding of the same event.
TEST(NativeCodec, PriceBytesWithoutHasPriceAreRefused) {
  const std::string bytes = test::from_hex("0102000000000100ffff1717171717171717ffff");
  Event decoded;
  EXPECT_STREQ(decode_event(bytes, decoded).error(), "the body is truncated or holds a bad field");
  EXPECT_EQ(decoded.type, EventType::malformed);
  std::string zero_price;
  encode_event(Event::make_add_item(Sku::from(""), 0x1717ffff00010000, false, 0), zero_price);
  // Version 2 writes the same body after a one-byte "no id" field.
  EXPECT_EQ(zero_price, "\x02\x02\xff" + std::string(bytes).substr(2).replace(10, 8, 8, '\0'));
  EXPECT_TRUE(decode_event(zero_price, decoded).ok());
}

TEST(NativeCodec, RandomBytesNeverCrashAndFailuresAreMalformed) {
  std::mt19937_64 random(12345);
  std::string valid;
  encode_event(order_with_lines(5), valid);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = valid;
    if (round % 2 == 0) {
      bytes.resize(random() % 200);
      for (char& c : bytes) c = static_cast<char>(random());
      bytes[0] = static_cast<char>(round % 4 == 0 ? 1 : random());  // often the right version
    } else {
      bytes[random() % bytes.size()] ^= static_cast<char>(1u << (random() % 8));
    }
    Event decoded;
    const Decoded<> decoded_event = decode_event(bytes, decoded);
    EXPECT_EQ(decoded_event.ok(), decoded.type != EventType::malformed);
    EXPECT_EQ(decoded_event.ok(), decoded_event.error() == nullptr);
    (void)decode_result(bytes);
  }
}

TEST(NativeCodec, ResultsRoundTripAndRefuseBadBytes) {
  Result result;
  result.position = Position{1700000000000, 3};
  result.type = EventType::order;
  result.reason = Reason::insufficient_balance;
  result.user_id = INT64_MIN;
  result.balance = -1;
  result.remain = INT64_MAX;
  result.entry_checksum = 0xDEADBEEF;
  std::string bytes;
  encode_result(result, bytes);
  ASSERT_LE(bytes.size(), native_result_size_max);
  const Decoded<Result> decoded = decode_result(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(*decoded, result);

  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(decode_result(bytes.substr(0, size))) << size;
  }
  EXPECT_STREQ(decode_result(bytes + 'x').error(), "bytes after the end of the result");
  std::string bad_reason = bytes;
  bad_reason[2] = static_cast<char>(reason_count);
  EXPECT_STREQ(decode_result(bad_reason).error(), "unknown reason code");
  std::string bad_type = bytes;
  bad_type[1] = 5;
  EXPECT_STREQ(decode_result(bad_type).error(), "unknown event type");
  std::string bad_version = bytes;
  bad_version[0] = 5;
  EXPECT_STREQ(decode_result(bad_version).error(), "not a native result of version 1 to 4");
}

// A result takes the bytes its fields need: a top-up's answer on a journal of 11M events is
// 18 bytes, where version 3 took 64 for every result.
TEST(NativeCodec, ResultsTakeOnlyTheBytesTheirFieldsNeed) {
  Result result;
  result.position = Position{0, 11000000};  // varint of 4 bytes
  result.type = EventType::topup;
  result.reason = Reason::accepted;
  result.user_id = 123456;  // 3 bytes
  result.balance = 5000;    // 2 bytes
  result.entry_checksum = 0x01020304;
  std::string bytes;
  encode_result(result, bytes);
  EXPECT_EQ(bytes.size(), 4 + 1 + 4 + 3 + 2 + 4);
  EXPECT_EQ(*decode_result(bytes), result);

  Result malformed;  // every field but the position zero
  malformed.position = Position{0, 9};
  bytes.clear();
  encode_result(malformed, bytes);
  EXPECT_EQ(bytes.size(), 4 + 1 + 1);
  EXPECT_EQ(*decode_result(bytes), malformed);
}

// Every result has one encoding: a field written although zero, a varint longer than it
// needs and an unknown field bit are refused, so that decoding and encoding again gives
// back the same bytes (the results fuzz target checks it of whatever decodes).
TEST(NativeCodec, ResultsHaveOneEncoding) {
  Result result;
  result.position = Position{0, 5};
  result.type = EventType::topup;
  result.reason = Reason::accepted;
  result.user_id = 1;
  std::string bytes;
  encode_result(result, bytes);
  ASSERT_EQ(bytes, std::string("\x04\x01\x00\x01\x00\x05\x02", 7));
  const char* const noncanonical = "the result is cut short or holds a field in a longer encoding";
  EXPECT_STREQ(decode_result(std::string("\x04\x01\x00\x03\x00\x05\x02\x00", 8)).error(),
               noncanonical);  // balance present, and zero
  EXPECT_STREQ(decode_result(std::string("\x04\x01\x00\x01\x00\x85\x00\x02", 8)).error(),
               noncanonical);  // minor 5 in two bytes
  EXPECT_STREQ(decode_result(std::string("\x04\x01\x00\x11\x00\x05\x02", 7)).error(),
               noncanonical);  // a field bit no version defines
  EXPECT_STREQ(decode_result(std::string("\x04\x01\x00\x08\x00\x05\x00\x00\x00\x00", 10)).error(),
               noncanonical);  // entry checksum present, and zero
}

// The bytes an older lmx wrote for `result`: the fixed layout of that version (1 to 3),
// written field by field here, independently of the codec.
std::string older_encoding(const Result& result, std::uint8_t version) {
  std::string bytes;
  const auto put = [&bytes](auto value) {
    bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
  };
  put(version);
  put(static_cast<std::uint8_t>(result.type));
  put(static_cast<std::uint8_t>(result.reason));
  put(result.position.major);
  put(result.position.minor);
  put(result.user_id);
  put(result.balance);
  put(result.remain);
  if (version >= 2) put(result.entry_checksum);
  if (version >= 3) {
    put(result.original_position.major);
    put(result.original_position.minor);
    put(static_cast<std::uint8_t>(result.original_reason));
  }
  return bytes;
}

// Results logs written before results carried the entry checksum, before duplicates told
// their first outcome, or before results were sized to their fields, stay readable, with
// the fields an older version lacks zero.
TEST(NativeCodec, ReadsOlderVersionsWithoutTheFieldsTheyLack) {
  Result result;
  result.position = Position{0, 7};
  result.type = EventType::order;
  result.reason = Reason::duplicate;
  result.user_id = 3;
  result.balance = 100;
  result.entry_checksum = 0x01020304;
  result.original_position = Position{0, 2};
  result.original_reason = Reason::out_of_stock;
  ASSERT_EQ(older_encoding(result, 3).size(), native_result_v3_size);
  const Decoded<Result> v3 = decode_result(older_encoding(result, 3));
  ASSERT_TRUE(v3) << v3.error();
  EXPECT_EQ(*v3, result);

  result.reason = Reason::accepted;
  result.original_position = Position{};
  result.original_reason = Reason::accepted;
  ASSERT_EQ(older_encoding(result, 2).size(), native_result_v2_size);
  const Decoded<Result> v2 = decode_result(older_encoding(result, 2));
  ASSERT_TRUE(v2) << v2.error();
  EXPECT_EQ(*v2, result);
  ASSERT_EQ(older_encoding(result, 1).size(), native_result_v1_size);
  const Decoded<Result> v1 = decode_result(older_encoding(result, 1));
  ASSERT_TRUE(v1) << v1.error();
  result.entry_checksum = 0;
  EXPECT_EQ(*v1, result);

  // A duplicate of version 2 does not tell its first outcome; written again, it still does
  // not.
  result.reason = Reason::duplicate;
  const Decoded<Result> untold = decode_result(older_encoding(result, 2));
  ASSERT_TRUE(untold) << untold.error();
  EXPECT_EQ(*untold, result);
  std::string bytes;
  encode_result(*untold, bytes);
  EXPECT_EQ(*decode_result(bytes), result);

  // Each older version has its one size.
  EXPECT_STREQ(decode_result(older_encoding(result, 1) + 'x').error(),
               "a result of version 1 is 43 bytes");
  std::string v2_as_v3 = older_encoding(result, 2);
  v2_as_v3[0] = 3;
  EXPECT_STREQ(decode_result(v2_as_v3).error(), "a result of version 3 is 64 bytes");
}

TEST(NativeCodec, DuplicatesCarryTheirFirstOutcomeAndNothingElseDoes) {
  Result duplicate;
  duplicate.position = Position{1700000000000, 9};
  duplicate.type = EventType::order;
  duplicate.reason = Reason::duplicate;
  duplicate.original_position = Position{1700000000000, 2};
  duplicate.original_reason = Reason::insufficient_balance;
  std::string bytes;
  encode_result(duplicate, bytes);
  const Decoded<Result> decoded = decode_result(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(*decoded, duplicate);

  const auto with = [](std::string changed, std::size_t offset, char value) {
    changed[offset] = value;
    return decode_result(changed);
  };
  constexpr std::size_t reason_offset = 2;
  const std::size_t original_reason_offset = bytes.size() - 1;
  const char* const misfit = "the original outcome does not fit the reason";
  // A duplicate answering a duplicate or an invalid id (neither records an id), and an
  // unknown original reason.
  EXPECT_STREQ(with(bytes, original_reason_offset, static_cast<char>(Reason::duplicate)).error(),
               misfit);
  EXPECT_STREQ(with(bytes, original_reason_offset, static_cast<char>(Reason::invalid_id)).error(),
               misfit);
  EXPECT_STREQ(with(bytes, original_reason_offset, static_cast<char>(reason_count)).error(),
               "unknown original reason code");
  // A first outcome on another reason.
  EXPECT_STREQ(with(bytes, reason_offset, static_cast<char>(Reason::accepted)).error(), misfit);
  // Version 3 had the fields on every result, zero but on a duplicate's.
  const std::string v3 = older_encoding(duplicate, 3);
  EXPECT_STREQ(with(v3, reason_offset, static_cast<char>(Reason::accepted)).error(), misfit);
  EXPECT_STREQ(with(v3, native_result_v3_size - 1, static_cast<char>(Reason::invalid_id)).error(),
               misfit);
}

}  // namespace
}  // namespace lmx
