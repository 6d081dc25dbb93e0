#include "format/result_json.hpp"

#include "lmx/assert.hpp"

namespace lmx {

void add_result_fields(const Event& event, const Result& result, nlohmann::ordered_json& json) {
  assert_well_formed(result);
  json["position"] = result.position.to_string();
  json["type"] = event_type_name(result.type);
  json["reason"] = reason_name(result.reason);
  if (event.id.valid()) json["id"] = event.id.view();
  if (event.type == EventType::topup || event.type == EventType::order) {
    json["user_id"] = event.user_id;
    if (result.accepted()) json["balance"] = result.balance;
  } else {
    json["item_id"] = event.item_id.view();
    if (result.accepted()) json["remain"] = result.remain;
  }
  if (result.reason == Reason::duplicate) {
    json["original_position"] = result.original_position.to_string();
    json["original_reason"] = reason_name(result.original_reason);
  }
}

}  // namespace lmx
