#pragma once
// The business rules: the one place that turns an event into a state change and a result.
// Deterministic: no clock, no randomness, no I/O, no iteration in hash order.

#include "lmx/core/event.hpp"
#include "lmx/core/lookup_hint.hpp"
#include "lmx/core/result.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

// Applies `event` to `state` and returns its result. A rejected event changes nothing but
// the id record, which records a valid new command id whatever the outcome.
// Checks run in the documented order (docs/DOMAIN.md); the first failing check wins.
// `hint`: where the event's entities were seen ahead of it (core/prefetch.hpp), a speed-up
// only: the result and the state are the same whatever it holds.
[[nodiscard]] Result apply(State& state, const Event& event, const LookupHint& hint = {});

}  // namespace lmx
