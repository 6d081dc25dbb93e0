#pragma once
// Leadership of a log that several engines follow (a Redis stream: a primary and hot
// standbys). One engine at a time holds the lease and is the primary; it alone writes
// results and snapshots. Each acquisition takes the next epoch, a number that only grows,
// and every write carries the writer's epoch: the server refuses a write whose epoch is no
// longer the stream's (fencing), so a primary that was paused past its lease and wakes up
// cannot write anything after a standby took over. docs/SCALING.md draws the protocol.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lmx/core/position.hpp"

namespace lmx {

// A write refused because the writer's epoch is over: another engine holds the lease.
class Fenced : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The epoch an engine's writers write with, shared between its threads: zero while it holds
// no lease (a standby), when a fenced writer refuses to write without asking the server.
class Fence {
 public:
  [[nodiscard]] std::uint64_t epoch() const noexcept {
    return epoch_.load(std::memory_order_acquire);  // pairs with the release in set()
  }
  void set(std::uint64_t epoch) noexcept { epoch_.store(epoch, std::memory_order_release); }

 private:
  std::atomic<std::uint64_t> epoch_{0};
};

struct LeaseHolder {
  std::uint64_t epoch = 0;
  std::string owner;  // "host:pid" of the engine holding it
  std::chrono::milliseconds expires_in{0};
};

class Lease {
 public:
  virtual ~Lease() = default;

  // Takes the lease when nobody holds it, with the next epoch, and returns that epoch;
  // nullopt when another engine holds it. Operating errors throw std::runtime_error.
  [[nodiscard]] virtual std::optional<std::uint64_t> try_acquire() = 0;

  // Extends the lease taken at `epoch` by its time to live; false when the epoch is over
  // (another engine took the lease since). A lease that lapsed while nobody took it is
  // taken back: the epoch is still the stream's, so no other engine wrote in between.
  [[nodiscard]] virtual bool renew(std::uint64_t epoch) = 0;

  // Gives the lease up (a clean shutdown), so that a standby takes over at once.
  virtual void release(std::uint64_t epoch) = 0;

  // Who holds the lease now (nullopt: nobody), and the stream's current epoch.
  [[nodiscard]] virtual std::optional<LeaseHolder> holder() = 0;
  [[nodiscard]] virtual std::uint64_t current_epoch() = 0;

  // Publishes this engine's status (one JSON object: role, epoch, position, lag), kept for
  // three times the lease's time to live, for `lmx status`.
  virtual void announce(std::string_view status) = 0;
  // What the engines on this log announced within that time, one status each.
  [[nodiscard]] virtual std::vector<std::string> announcements() = 0;

  // Publishes this engine's state digest at `position` (kept for ten minutes), and reads
  // every engine's digest there, by owner, for comparing (digest_check.hpp).
  virtual void publish_digest(Position position, std::uint64_t digest) = 0;
  [[nodiscard]] virtual std::vector<std::pair<std::string, std::uint64_t>> digests(
      Position position) = 0;

  // How long the lease lasts once taken or renewed.
  [[nodiscard]] virtual std::chrono::milliseconds ttl() const noexcept = 0;
};

}  // namespace lmx
