#pragma once
// One result as the CLI lists it (`lmx apply --results`, `lmx inspect results`):
// "<position> <reason>", and for a duplicate the first outcome of its command id after it:
// "<position> duplicate <original position> <original reason>".

#include <fmt/format.h>

#include <string>

#include "lmx/core/result.hpp"

namespace lmx::cli {

[[nodiscard]] inline std::string result_line(const Result& result) {
  if (result.reason != Reason::duplicate) {
    return fmt::format("{} {}", result.position.to_string(), reason_name(result.reason));
  }
  return fmt::format("{} {} {} {}", result.position.to_string(), reason_name(result.reason),
                     result.original_position.to_string(), reason_name(result.original_reason));
}

}  // namespace lmx::cli
