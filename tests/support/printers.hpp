#pragma once
// How gtest prints events and results when an EXPECT_EQ on them fails: one readable line
// (the position and the JSON form) instead of a hex dump of a 3 KiB slot. Found by ADL;
// include it in every test file that compares events or results with EXPECT_EQ.

#include <ostream>
#include <string>

#include "format/json_codec.hpp"
#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"

namespace lmx {

inline void PrintTo(const Event& event, std::ostream* os) {
  *os << "at " << event.position.to_string() << ' ';
  if (event.type == EventType::malformed) {
    *os << "malformed";
    return;
  }
  std::string json;
  append_json(event, json);
  *os << json;
}

inline void PrintTo(const Result& result, std::ostream* os) {
  *os << "result at " << result.position.to_string() << ' ' << event_type_name(result.type) << ' '
      << reason_name(result.reason) << " user_id=" << result.user_id
      << " balance=" << result.balance << " remain=" << result.remain;
}

}  // namespace lmx
