#include "canonical_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

namespace lmx {
namespace {

// `text` as a JSON string; bytes that are not UTF-8 are written as U+FFFD.
void append_quoted(std::string_view text, std::string& out) {
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void append_canonical_export(const State& state, std::string& out) {
  const auto users = state.users();
  std::vector<std::uint32_t> order(users.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return users[a].user_id < users[b].user_id; });
  for (const std::uint32_t i : order) {
    fmt::format_to(std::back_inserter(out), "{{\"user_id\":{},\"balance\":{}}}\n", users[i].user_id,
                   users[i].balance);
  }

  const auto items = state.items();
  order.resize(items.size());
  std::iota(order.begin(), order.end(), 0U);
  // string_view compares as unsigned bytes (char_traits<char>::compare is memcmp-like).
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return items[a].item_id.view() < items[b].item_id.view();
  });
  for (const std::uint32_t i : order) {
    out += "{\"item_id\":";
    append_quoted(items[i].item_id.view(), out);
    fmt::format_to(std::back_inserter(out), ",\"price\":{},\"remain\":{}}}\n", items[i].price,
                   items[i].remain);
  }
}

void append_recorded_id(const RecordedId& record, std::string& out) {
  out += "{\"id\":";
  append_quoted(record.id.view(), out);
  fmt::format_to(std::back_inserter(out), ",\"position\":\"{}\",\"reason\":\"{}\"}}\n",
                 record.position.to_string(), reason_name(record.reason));
}

bool write_canonical_export(const State& state, std::FILE* file) {
  std::string text;
  append_canonical_export(state, text);
  return std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
}

}  // namespace lmx
