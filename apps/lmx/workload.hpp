#pragma once
// A seeded, realistic event generator: the same (seed, users, items) always yields the
// same events on every machine (its own PRNG, no std:: distributions, whose output is
// implementation-defined). It first stocks every item with a price and tops up every user,
// then mixes top-ups, restocks and orders; most orders succeed, some fail on stock,
// balance or an unknown id, as real traffic does.

#include <cstdint>
#include <string>

#include "lmx/core/event.hpp"

namespace lmx {

struct WorkloadConfig {
  std::uint64_t seed = 1;
  std::uint64_t users = 1000;  // user ids 1..users
  std::uint64_t items = 100;   // item ids "sku-1".."sku-<items>"
  bool ids = false;            // give event n (from 1) the command id "<seed>-<n>"
};

class Workload {
 public:
  explicit Workload(const WorkloadConfig& config);

  // Fills `event` with the next generated event (position left as is).
  void next(Event& event);

 private:
  void fill(Event& event);
  std::uint64_t random() noexcept;
  std::uint64_t below(std::uint64_t bound) noexcept;
  Sku item(std::uint64_t index) const;
  Sku pick_item();

  WorkloadConfig config_;
  std::uint64_t state_;
  std::uint64_t emitted_ = 0;
};

}  // namespace lmx
