#include "workload.hpp"

#include <fmt/format.h>

#include <cassert>
#include <stdexcept>

namespace lmx {

Workload::Workload(const WorkloadConfig& config) : config_(config), state_(config.seed) {
  if (config.users == 0 || config.items == 0) {
    throw std::invalid_argument("workload needs at least one user and one item");
  }
}

// splitmix64: tiny, fast and the same everywhere.
std::uint64_t Workload::random() noexcept {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform enough for a workload (bias below 2^-32 for the bounds used here).
std::uint64_t Workload::below(std::uint64_t bound) noexcept {
  assert(bound > 0);
  return random() % bound;
}

Sku Workload::pick_item() {
  const std::uint64_t hot = (config_.items + 9) / 10;
  return item(below(2) == 0 ? below(hot) : below(config_.items));
}

Sku Workload::item(std::uint64_t index) const {
  return Sku::from(fmt::format("sku-{}", index + 1));
}

void Workload::next(Event& event) {
  fill(event);
  if (config_.ids) event.id = CommandId::from(fmt::format("{}-{}", config_.seed, emitted_));
}

void Workload::fill(Event& event) {
  event.reset();
  const std::uint64_t n = emitted_++;
  // Warm-up: every item stocked with a price, every user topped up.
  if (n < config_.items) {
    event = Event::make_add_item(item(n), 100 + static_cast<std::int64_t>(below(1000)), true,
                                 100 + static_cast<std::int64_t>(below(1900)));
    return;
  }
  if (n < config_.items + config_.users) {
    event = Event::make_topup(static_cast<std::int64_t>(n - config_.items + 1),
                              100000 + static_cast<std::int64_t>(below(100000)));
    return;
  }
  const std::uint64_t roll = below(100);
  const auto user = static_cast<std::int64_t>(below(config_.users) + 1);
  // Per 100 events: ~510k cents topped up against ~205k spent, ~157 units restocked against
  // ~195 ordered, so balances grow and most orders succeed while stock slowly runs short.
  // Half of all item picks go to the first tenth of the items: hot items run out first.
  if (roll < 20) {
    event = Event::make_topup(user, 1000 + static_cast<std::int64_t>(below(50000)));
  } else if (roll < 35) {
    event = Event::make_add_item(pick_item(), 1 + static_cast<std::int64_t>(below(20)),
                                 below(10) == 0, 100 + static_cast<std::int64_t>(below(1900)));
  } else {
    event = Event();
    event.type = EventType::order;
    // One order in a hundred names a user who never topped up.
    event.user_id = roll == 99 ? user + static_cast<std::int64_t>(config_.users) : user;
    const std::uint64_t lines = 1 + below(3);
    for (std::uint64_t i = 0; i < lines; ++i) {
      event.add_line(pick_item(), 1 + static_cast<std::int64_t>(below(2)));
    }
  }
  assert(event.type != EventType::malformed);
}

}  // namespace lmx
