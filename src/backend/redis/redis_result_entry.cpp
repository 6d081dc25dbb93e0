#include "backend/redis/redis_result_entry.hpp"

#include <array>
#include <charconv>
#include <concepts>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "backend/redis/redis_connection.hpp"
#include "backend/redis/redis_log_reader.hpp"
#include "lmx/core/decimal.hpp"

namespace lmx {
namespace {

// A result entry's fields at most: a duplicate's.
constexpr std::size_t result_fields_max = 9;
// The names of a packed row's values, in order (the first 7, or all 9 for a duplicate).
constexpr std::array<std::string_view, result_fields_max> packed_result_names = {
    "pos",     "type",   "reason",       "code",           "user",
    "balance", "remain", "original_pos", "original_reason"};

// Whether `joined` is `names` with commas between: the header's `fields` value and the
// names the rows are decoded by cannot drift apart.
constexpr bool joins(std::span<const std::string_view> names, std::string_view joined) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      if (joined.empty() || joined.front() != ',') return false;
      joined.remove_prefix(1);
    }
    if (!joined.starts_with(names[i])) return false;
    joined.remove_prefix(names[i].size());
  }
  return joined.empty();
}
static_assert(joins(packed_result_names, packed_results_fields));

// Calls field(name, value) for each field of `result`'s entry, in order. A value is a
// Position (an entry id), a std::string_view (a type or reason name) or a std::int64_t.
template <class Field>
void visit_result_fields(const Result& result, Field&& field) {
  assert_well_formed(result);
  LMX_ASSERT(!result.position.is_zero());
  field("pos", result.position);
  field("type", event_type_name(result.type));
  field("reason", reason_name(result.reason));
  field("code", std::int64_t{static_cast<std::uint8_t>(result.reason)});
  field("user", result.user_id);
  field("balance", result.balance);
  field("remain", result.remain);
  if (result.reason != Reason::duplicate) return;
  field("original_pos", result.original_position);
  field("original_reason", reason_name(result.original_reason));
}

// Appends `value` in decimal (an entry id's parts, or a result's numbers).
template <std::integral Int>
void append_number(std::string& out, Int value) {
  std::array<char, 24> digits;
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), end);
}

// One result as a row of a packed entry: the per-result fields' values, in their order,
// numbers as JSON numbers. Entry ids and type and reason names need no JSON escaping.
void append_json_result(const Result& result, std::string& json) {
  char separator = '[';
  visit_result_fields(result, [&](std::string_view /*name*/, const auto& value) {
    json.push_back(separator);
    separator = ',';
    using Value = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<Value, Position>) {
      json.push_back('"');
      append_number(json, value.major);
      json.push_back('-');
      append_number(json, value.minor);
      json.push_back('"');
    } else if constexpr (std::is_same_v<Value, std::int64_t>) {
      append_number(json, value);
    } else {
      json.push_back('"');
      json.append(value);
      json.push_back('"');
    }
  });
  json.push_back(']');
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

// One row of a packed entry, its values named by packed_result_fields in order, through
// the same field rules as a per-result entry.
Decoded<Result> decode_packed_result(const nlohmann::json& row) {
  if (!row.is_array() || (row.size() != 7 && row.size() != result_fields_max)) {
    return Decoded<Result>::failure("packed results: a row is not an array of 7 or 9 values");
  }
  std::array<std::string, result_fields_max> texts;
  std::array<EntryField, result_fields_max> fields;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const std::string_view name = packed_result_names[i];
    const nlohmann::json& value = row[i];
    if (numeric_field(name) ? !value.is_number_integer() : !value.is_string()) {
      return Decoded<Result>::failure("packed results: a value has the wrong JSON type");
    }
    texts[i] = value.is_string() ? value.get<std::string>() : value.dump();
    fields[i] = {name, texts[i]};
  }
  return decode_result_fields(std::span(fields).first(row.size()));
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
  if (field_value(fields, "fields") != packed_results_fields) {
    return Decoded<>::failure("packed results: fields does not name v 1's values");
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
  visit_result_fields(result, [&](std::string_view name, const auto& value) {
    argv.push_back(name);
    using Value = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<Value, Position>) {
      argv.push_back(texts.emplace_back(redis_id(value)));
    } else if constexpr (std::is_same_v<Value, std::int64_t>) {
      argv.push_back(texts.emplace_back(std::to_string(value)));
    } else {
      argv.push_back(value);
    }
  });
}

void append_packed_fields(std::span<const Result> results, std::deque<std::string>& texts,
                          std::vector<std::string_view>& argv) {
  LMX_ASSERT(!results.empty() && results.size() <= packed_results_max);
  std::string& json = texts.emplace_back();
  json.reserve(results.size() * 128);
  json.push_back('[');
  for (const Result& result : results) {
    append_json_result(result, json);
    json.push_back(&result == &results.back() ? ']' : ',');
  }
  const std::string& count = texts.emplace_back(std::to_string(results.size()));
  const std::string& first = texts.emplace_back(redis_id(results.front().position));
  const std::string& last = texts.emplace_back(redis_id(results.back().position));
  argv.insert(argv.end(), {"v", packed_results_version, "count", count, "first", first, "last",
                           last, "fields", packed_results_fields, "results", json});
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
