#pragma once
// Every limit of lmx's Disruptor, in one place. The Disruptor depends on the standard
// library alone, so its limits live here rather than in lmx/constants.hpp; code that sizes
// rings (the engine) checks its own figures against these.

#include <cstddef>
#include <cstdint>

namespace lmx::disruptor {

// Cache line size, in bytes, assumed for padding hot atomics apart (x86-64 and most ARM64
// cores). Each Sequence, and each producer's private state, costs one line; a smaller
// figure than the hardware's lets two threads' counters share a line and slow each other.
inline constexpr std::size_t cache_line_size = 64;

// Largest ring, in slots, a sequencer accepts. Slots are preallocated, so a ring costs
// `size * sizeof(event)` bytes up front (a 3 KiB event: 1 Mi slots = 3 GiB), and the
// multi-producer sequencer adds 4 bytes per slot for its availability flags.
inline constexpr std::size_t ring_size_max = 1u << 22;

// Default cap on the events a batch event processor hands its handler before it publishes
// its own sequence. A larger batch amortises more (one journal write per batch); a smaller
// one frees ring slots for the producer sooner and bounds the time to a flush.
inline constexpr std::int64_t event_batch_size_max = 4096;

static_assert((cache_line_size & (cache_line_size - 1)) == 0,
              "alignas() takes powers of two: cache_line_size must be one");
static_assert(cache_line_size >= sizeof(std::int64_t),
              "a Sequence's 64-bit counter must fit in the cache line it owns");
static_assert((ring_size_max & (ring_size_max - 1)) == 0,
              "ring sizes are powers of two, so the largest one is too");
static_assert(ring_size_max <= (std::size_t{1} << 31),
              "the multi-producer sequencer stores lap numbers in 32 bits and shifts by the "
              "ring size's log2; keep rings below 2^31 slots");
static_assert(event_batch_size_max > 0, "a batch holds at least one event");

}  // namespace lmx::disruptor
