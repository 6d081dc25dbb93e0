#include "backend/redis/redis_result_entry.hpp"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <nlohmann/json.hpp>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "lmx/core/decimal.hpp"

namespace lmx {
namespace {

// A result entry's fields at most: a duplicate's.
constexpr std::size_t result_fields_max = 9;

// The fields of `result`'s entry, as name/value views; numbers written as text go to `texts`
// (a deque: appending moves no text). Duplicates have two more fields.
std::span<const EntryField> result_values(const Result& result, std::deque<std::string>& texts,
                                          std::array<EntryField, result_fields_max>& fields) {
  assert_well_formed(result);
  LMX_ASSERT(!result.position.is_zero());
  const auto text = [&](std::string value) -> std::string_view {
    return texts.emplace_back(std::move(value));
  };
  fields = {EntryField{"pos", text(redis_id(result.position))},
            {"type", event_type_name(result.type)},
            {"reason", reason_name(result.reason)},
            {"code", text(std::to_string(static_cast<unsigned>(result.reason)))},
            {"user", text(std::to_string(result.user_id))},
            {"balance", text(std::to_string(result.balance))},
            {"remain", text(std::to_string(result.remain))}};
  if (result.reason != Reason::duplicate) return std::span(fields).first(7);
  fields[7] = {"original_pos", text(redis_id(result.original_position))};
  fields[8] = {"original_reason", reason_name(result.original_reason)};
  return fields;
}

// Whether a per-result field's value is written as a JSON number (else a string).
bool numeric_field(std::string_view name) noexcept {
  return name == "code" || name == "user" || name == "balance" || name == "remain";
}

// A result from the fields of one per-result entry, or of one object of a packed entry.
// Fields it does not know (code) are left alone.
Decoded<Result> decode_result_fields(std::span<const EntryField> fields) {
  enum : unsigned { pos = 1, type = 2, reason = 4, user = 8, balance = 16, remain = 32 };
  enum : unsigned { original_pos = 64, original_reason = 128 };
  Result result;
  unsigned seen = 0;
  for (const EntryField& field : fields) {
    if (field.name == "pos") {
      const Decoded<Position> position = parse_redis_id(field.value);
      if (!position) return Decoded<Result>::failure("pos is not an entry id");
      result.position = *position;
      seen |= pos;
    } else if (field.name == "type") {
      const auto parsed = event_type_from_name(field.value);
      if (!parsed && field.value != "malformed") return Decoded<Result>::failure("unknown type");
      result.type = parsed.value_or(EventType::malformed);
      seen |= type;
    } else if (field.name == "reason") {
      const auto parsed = reason_from_name(field.value);
      if (!parsed) return Decoded<Result>::failure("unknown reason");
      result.reason = *parsed;
      seen |= reason;
    } else if (field.name == "user") {
      if (!parse_decimal(field.value, result.user_id)) return Decoded<Result>::failure("bad user");
      seen |= user;
    } else if (field.name == "balance") {
      if (!parse_decimal(field.value, result.balance)) {
        return Decoded<Result>::failure("bad balance");
      }
      seen |= balance;
    } else if (field.name == "remain") {
      if (!parse_decimal(field.value, result.remain)) return Decoded<Result>::failure("bad remain");
      seen |= remain;
    } else if (field.name == "original_pos") {
      const Decoded<Position> position = parse_redis_id(field.value);
      if (!position) return Decoded<Result>::failure("original_pos is not an entry id");
      result.original_position = *position;
      seen |= original_pos;
    } else if (field.name == "original_reason") {
      const auto parsed = reason_from_name(field.value);
      if (!parsed) return Decoded<Result>::failure("unknown original_reason");
      result.original_reason = *parsed;
      seen |= original_reason;
    }
  }
  unsigned required = pos | type | reason | user | balance | remain;
  if (result.reason == Reason::duplicate) required |= original_pos | original_reason;
  if ((seen & required) != required) return Decoded<Result>::failure("a field is missing");
  return result;
}

// One object of a packed entry's array, through the same field rules as an entry.
Decoded<Result> decode_packed_result(const nlohmann::json& object) {
  if (!object.is_object()) return Decoded<Result>::failure("results holds a non-object");
  std::array<std::string, result_fields_max> texts;
  std::array<EntryField, result_fields_max> fields;
  std::size_t count = 0;
  for (const auto& [name, value] : object.items()) {
    if (count == result_fields_max) return Decoded<Result>::failure("a result has extra fields");
    if (value.is_string()) {
      texts[count] = value.get_ref<const std::string&>();
    } else if (value.is_number_integer() && numeric_field(name)) {
      texts[count] = value.dump();
    } else {
      return Decoded<Result>::failure("a result field has the wrong JSON type");
    }
    fields[count] = {name, texts[count]};
    ++count;
  }
  return decode_result_fields(std::span(fields).first(count));
}

// The value of the field `name`; nullopt when the entry has none.
std::optional<std::string_view> field_value(std::span<const EntryField> fields,
                                            std::string_view name) {
  for (const EntryField& field : fields) {
    if (field.name == name) return field.value;
  }
  return std::nullopt;
}

Decoded<> decode_packed_entry(std::span<const EntryField> fields, std::vector<Result>& out) {
  if (field_value(fields, "v") != packed_results_version) {
    return Decoded<>::failure("packed results of an unknown version (this lmx reads v 1)");
  }
  const auto count_text = field_value(fields, "count");
  const auto first_text = field_value(fields, "first");
  const auto last_text = field_value(fields, "last");
  const auto results_text = field_value(fields, "results");
  std::size_t count = 0;
  if (!count_text || !parse_decimal(*count_text, count) || count == 0) {
    return Decoded<>::failure("packed results: count is missing or not a positive number");
  }
  if (!first_text || !last_text || !results_text) {
    return Decoded<>::failure("packed results: first, last or results is missing");
  }
  const nlohmann::json array = nlohmann::json::parse(*results_text, nullptr, false);
  if (!array.is_array() || array.size() != count) {
    return Decoded<>::failure("packed results: results is not a JSON array of count results");
  }
  const std::size_t start = out.size();
  for (const nlohmann::json& object : array) {
    const Decoded<Result> result = decode_packed_result(object);
    const bool in_order = out.size() == start || out.back().position < result->position;
    if (!result || !in_order) {
      out.resize(start);
      return Decoded<>::failure(result ? "packed results: positions out of order" : result.error());
    }
    out.push_back(*result);
  }
  if (parse_redis_id(*first_text) != out[start].position ||
      parse_redis_id(*last_text) != out.back().position) {
    out.resize(start);
    return Decoded<>::failure("packed results: first or last is not the results' own");
  }
  return Decoded<>::success();
}

}  // namespace

void append_result_fields(const Result& result, std::deque<std::string>& texts,
                          std::vector<std::string_view>& argv) {
  std::array<EntryField, result_fields_max> fields;
  for (const EntryField& field : result_values(result, texts, fields)) {
    argv.insert(argv.end(), {field.name, field.value});
  }
}

void append_packed_fields(std::span<const Result> results, std::deque<std::string>& texts,
                          std::vector<std::string_view>& argv) {
  LMX_ASSERT(!results.empty() && results.size() <= packed_results_max);
  std::string& json = texts.emplace_back();
  json.reserve(results.size() * 128);
  auto out = std::back_inserter(json);
  std::deque<std::string> numbers;
  std::array<EntryField, result_fields_max> fields;
  json.push_back('[');
  for (const Result& result : results) {
    numbers.clear();
    const std::span<const EntryField> values = result_values(result, numbers, fields);
    json.push_back('{');
    for (const EntryField& field : values) {
      // Names, ids and the type and reason names need no JSON escaping.
      if (numeric_field(field.name)) {
        fmt::format_to(out, "\"{}\":{}", field.name, field.value);
      } else {
        fmt::format_to(out, "\"{}\":\"{}\"", field.name, field.value);
      }
      json.push_back(&field == &values.back() ? '}' : ',');
    }
    json.push_back(&result == &results.back() ? ']' : ',');
  }
  const std::string& count = texts.emplace_back(std::to_string(results.size()));
  const std::string& first = texts.emplace_back(redis_id(results.front().position));
  const std::string& last = texts.emplace_back(redis_id(results.back().position));
  argv.insert(argv.end(), {"v", packed_results_version, "count", count, "first", first, "last",
                           last, "results", json});
}

Decoded<> decode_result_entry(std::span<const EntryField> fields, std::vector<Result>& out) {
  if (field_value(fields, "v")) return decode_packed_entry(fields, out);
  const Decoded<Result> result = decode_result_fields(fields);
  if (!result) return Decoded<>::failure(result.error());
  out.push_back(*result);
  return Decoded<>::success();
}

std::optional<Position> answered_position(const redisReply& entry) {
  const redisReply& fields = *entry.element[1];
  for (std::size_t i = 0; i + 1 < fields.elements; i += 2) {
    const std::string_view name = reply_text(*fields.element[i]);
    if (name == "pos" || name == "last") {
      const Decoded<Position> position = parse_redis_id(reply_text(*fields.element[i + 1]));
      return position ? std::optional<Position>(*position) : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace lmx
