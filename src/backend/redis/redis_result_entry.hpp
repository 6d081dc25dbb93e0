#pragma once
// The entries of `<stream>:results`, in either of their two layouts (docs/REDIS.md):
//
//   per result (the default): one entry per input entry, its fields human-readable
//     pos <input entry id>  type <name>  reason <name>  code <n>  user <id>  balance <n>
//     remain <n>  [original_pos <id>  original_reason <name>: duplicates only]
//
//   packed (`lmx run --results-layout packed`): one entry for up to packed_results_max
//   consecutive results, so that the server adds one entry where it would add hundreds
//     v 1  count <n>  first <id of the first pos>  last <id of the last pos>
//     fields pos,type,reason,code,user,balance,remain,original_pos,original_reason
//     results <a JSON array of n rows: each an array of the per-result values, in the
//              order `fields` names them: 7, or 9 for a duplicate>
//   e.g. results [["1700000000000-0","topup","accepted",0,7,500,0], ...]
//   Rows, not objects: the server stores and copies less than half the bytes. `v` is the
//   layout's version (with it, the order of the values): a reader refuses a version it
//   does not know, and `fields` other than v 1's.
//
// A reader tells them apart by the `v` field, so one stream may hold both (an engine
// restarted with the other layout).

#include <hiredis/hiredis.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/seed_codec.hpp"
#include "lmx/core/decoded.hpp"
#include "lmx/core/result.hpp"

namespace lmx {

inline constexpr std::string_view packed_results_version = "1";
inline constexpr std::string_view packed_results_fields =
    "pos,type,reason,code,user,balance,remain,original_pos,original_reason";
// Results per packed entry: at ~50 bytes of JSON each, an entry stays near 13 KiB.
inline constexpr std::size_t packed_results_max = 256;

// Appends to `argv` the fields of the per-result entry of `result` (after the caller's
// "XADD <stream> *"). Numbers written as text go to `texts`, which the views point into:
// keep it unchanged until `argv` is used (a deque: appending moves no text).
void append_result_fields(const Result& result, std::deque<std::string>& texts,
                          std::vector<std::string_view>& argv);

// The same for one packed entry holding `results` (1 to packed_results_max, in order).
void append_packed_fields(std::span<const Result> results, std::deque<std::string>& texts,
                          std::vector<std::string_view>& argv);

// Appends to `out` the results of one entry of either layout, in order. A missing,
// unreadable or inconsistent field fails, naming it, and appends nothing.
[[nodiscard]] Decoded<> decode_result_entry(std::span<const EntryField> fields,
                                            std::vector<Result>& out);

// The newest input position a results entry answers (`pos`, or a packed entry's `last`);
// nullopt when it has none. `entry` is one [id, fields] element of an XRANGE reply.
[[nodiscard]] std::optional<Position> answered_position(const redisReply& entry);

}  // namespace lmx
