#pragma once
// The business rules: the one place that turns an event into a state change and a result.
// Deterministic: no clock, no randomness, no I/O, no iteration in hash order.

#include "lmx/core/event.hpp"
#include "lmx/core/result.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

// Applies `event` to `state` and returns its result. A rejected event changes nothing but
// the id record, which records a valid new command id whatever the outcome.
// Checks run in the documented order (docs/DOMAIN.md); the first failing check wins.
[[nodiscard]] Result apply(State& state, const Event& event);

}  // namespace lmx
