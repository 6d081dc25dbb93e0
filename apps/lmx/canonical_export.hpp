#pragma once
// The canonical export: the one byte-exact text form of a state, so that two engines (or a
// snapshot restore and a full replay) can be compared with `cmp`.
//   users, ascending user_id:        {"user_id":7,"balance":1000}
//   then items, ascending id bytes:  {"item_id":"cpu","price":2500,"remain":8}
// One compact JSON object per line, keys in exactly that order. The command id record is
// not part of it (`lmx digest` covers it, `lmx inspect snapshot --ids` lists it).

#include <cstdio>
#include <string>

#include "lmx/core/state.hpp"

namespace lmx {

void append_canonical_export(const State& state, std::string& out);

// Writes the export to `file`; returns false on a write error.
[[nodiscard]] bool write_canonical_export(const State& state, std::FILE* file);

// One recorded command id as a JSON line, in the same style:
//   {"id":"t-1","position":"0-5","reason":"accepted"}
void append_recorded_id(const RecordedId& record, std::string& out);

}  // namespace lmx
