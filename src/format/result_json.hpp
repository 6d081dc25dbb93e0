#pragma once
// One result as JSON, the shape `lmx submit` prints and POST /events answers:
//   {"position":"0-1","type":"topup","reason":"accepted","id":"t-1","user_id":7,"balance":500}
//   {"position":"0-2","type":"topup","reason":"duplicate","id":"t-1","user_id":7,
//    "original_position":"0-1","original_reason":"accepted"}
// `balance` (topup, order) and `remain` (add_item, set_price) come with accepted results;
// the id, user and item are the event's, which the result does not carry.

#include <nlohmann/json.hpp>

#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"

namespace lmx {

// Adds the result's fields to `json`, after any it holds already (submit's "line").
void add_result_fields(const Event& event, const Result& result, nlohmann::ordered_json& json);

}  // namespace lmx
