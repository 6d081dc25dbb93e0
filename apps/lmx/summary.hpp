#pragma once
// Result counts as one JSON object, keys sorted, reasons with no result left out:
//   {"accepted":9,"out_of_stock":1}

#include <fmt/core.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "lmx/core/reason.hpp"

namespace lmx::cli {

inline std::string reasons_json(const std::array<std::uint64_t, reason_count>& counts) {
  std::map<std::string_view, std::uint64_t> sorted;
  for (std::size_t i = 0; i < reason_count; ++i) {
    if (counts[i] != 0) sorted.emplace(reason_names[i], counts[i]);
  }
  std::string out = "{";
  for (const auto& [name, count] : sorted) {
    if (out.size() > 1) out += ',';
    out += fmt::format("\"{}\":{}", name, count);
  }
  return out + "}";
}

}  // namespace lmx::cli
