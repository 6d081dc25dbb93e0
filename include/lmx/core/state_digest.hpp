#pragma once
// The digest of a state: one 64-bit number that two states share exactly when they are
// equal, as far as a hash can tell. It covers everything the business logic's answers
// depend on: the users and items in the state's own order (the order the log created them),
// and the command id record (its horizon, and each recorded id with its first position and
// reason, oldest first). Two replicas, or an engine and a replay, compare digests instead of
// whole states; every snapshot stores the digest of the state it holds, and loading one
// checks it (snapshot_codec.hpp).
//
// The digest is XXH3-64 over the state written out field by field (counts, then entities,
// then ids; integers little-endian). It is defined here, apart from any snapshot format, so
// that a new snapshot version does not change the digest of a state: lmx versions that
// write different snapshot versions still agree on digests.
//
// Why 64 bits and not a CRC32C: "equal digests, equal states" is asked after every replica
// comparison and every snapshot load. A 32-bit value passes two different states with a
// chance of 1 in 4 billion each time, and a CRC is linear, so differences with a structure
// (a pattern repeated at two places) cancel more often than that. XXH3 mixes every input
// bit into every output bit, and at 64 bits a false match is out of reach for any number of
// comparisons lmx will ever make. It is not a cryptographic hash: it finds damage and
// divergence, not an adversary who can also rewrite the digest.
//
// Computing it reads the whole state, so the business logic thread never does: snapshots are
// digested where they are encoded, on the snapshot thread.

#include <cstdint>

#include "lmx/core/snapshot.hpp"
#include "lmx/core/state.hpp"

namespace lmx {

[[nodiscard]] std::uint64_t state_digest(const State& state) noexcept;

// The digest of the state a snapshot holds: state_digest() of the state it restores to.
// Its position and entry checksum are not part of the state.
[[nodiscard]] std::uint64_t state_digest(const Snapshot& snapshot) noexcept;

}  // namespace lmx
