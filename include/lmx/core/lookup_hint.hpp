#pragma once
// Where an event's entities were found a few events before it was applied (core/prefetch.hpp
// looks them up while starting their cache loads), so that applying it need not hash and
// probe the index again. A hint is only a first place to look: State checks that the entity
// there has the key, and looks the key up in full otherwise. A hint that is missing, stale
// or wrong costs that lookup, never another result.

#include <array>
#include <cstdint>

#include "lmx/core/flat_index.hpp"

namespace lmx {

// The order lines whose items are looked up ahead: the generated workload's orders have 1-3.
inline constexpr std::uint32_t lookahead_lines_max = 4;

struct LookupHint {
  // Dense indices into State's users and items, FlatIndex::npos where there is no hint.
  std::uint32_t user = FlatIndex::npos;  // topup, order
  // order: of line k's item (k < lookahead_lines_max); add_item, set_price: [0], the item.
  std::array<std::uint32_t, lookahead_lines_max> items{FlatIndex::npos, FlatIndex::npos,
                                                       FlatIndex::npos, FlatIndex::npos};
  static_assert(lookahead_lines_max == 4, "one npos per line above");
};

}  // namespace lmx
