#pragma once
// The events of the batch a log reader fetched last, decoded just ahead of their use into a
// small window that stays in cache, instead of into ring slots that another thread filled:
// recovery's replay and the inline reader (a logic stage that reads the log itself) apply
// them as they are decoded. The window holds the last `size` events decoded, far enough
// for the cache hints of core/prefetch.hpp to look ahead of the event being applied.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lmx/core/event.hpp"
#include "lmx/core/log_reader.hpp"
#include "lmx/core/prefetch.hpp"

namespace lmx {

class DecodeWindow {
 public:
  static constexpr std::size_t size = 16;
  static_assert(size > 2 * prefetch_distance && (size & (size - 1)) == 0);

  explicit DecodeWindow(LogReader& reader) : reader_(reader), events_(size) {}

  // After each fetch: the window starts over at the batch's first entry.
  void start_batch() noexcept { decoded_ = 0; }

  // Entry `k` of the batch (< the fetch's count), decoded on first use along with those
  // before it. Events more than `size` behind the furthest one decoded are gone.
  Event& operator()(std::int64_t k) {
    const auto index = static_cast<std::size_t>(k);
    assert(index + size >= decoded_);  // hot: checked in the dev and tsan builds
    for (; decoded_ <= index; ++decoded_) reader_.decode(decoded_, events_[decoded_ % size]);
    return events_[index % size];
  }

 private:
  LogReader& reader_;
  std::vector<Event> events_;
  std::size_t decoded_ = 0;
};

}  // namespace lmx
