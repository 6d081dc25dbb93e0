// Fuzzes the snapshot decoder (snapshot files, Redis snapshot keys). The input is decoded
// as it is, then with its last four bytes replaced by the right checksum, so that
// mutations reach the header and the entities behind it, then (version 4) also with the
// digest of the state its body holds, so that they get past the digest check too. A
// snapshot has one encoding per version: one that decodes must encode back to exactly its
// bytes, or for an older version to the bytes the current one writes for it: the current
// version number, after a 56-byte header (versions 1 and 2, whose reserved bytes are
// version 2's checksum 0) the id count 0 and the default id horizon, and after a 72-byte
// one (versions 1 to 3) the state's digest. Refusals are exceptions that say why.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/bytes.hpp"
#include "format/crc32c.hpp"
#include "format/snapshot_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"
#include "lmx/core/state_digest.hpp"

namespace {

// `bytes` with a good checksum, as it would be written by this lmx.
std::string resealed(std::string bytes) {
  const std::size_t checksum_offset = bytes.size() - lmx::snapshot_checksum_size;
  lmx::store_le(bytes.data() + checksum_offset,
                lmx::crc32c(std::string_view(bytes).substr(0, checksum_offset)));
  return bytes;
}

void decode_and_reencode(std::string_view bytes) {
  lmx::Snapshot snapshot;
  try {
    snapshot = lmx::decode_snapshot(bytes);
  } catch (const std::runtime_error& error) {
    LMX_ASSERT(std::string_view(error.what()).starts_with("snapshot "));
    return;
  }
  std::string expected(bytes);
  if (lmx::load_le<std::uint16_t>(expected.data() + 4) < 3) {
    LMX_ASSERT(snapshot.ids.empty() && snapshot.id_horizon == lmx::id_horizon_default);
    std::string added;
    lmx::put_le<std::uint64_t>(added, 0);
    lmx::put_le<std::uint64_t>(added, lmx::id_horizon_default);
    expected.insert(lmx::snapshot_v2_header_size, added);
  }
  if (lmx::load_le<std::uint16_t>(expected.data() + 4) < 4) {
    expected.insert(lmx::snapshot_v3_header_size, std::string(sizeof(std::uint64_t), '\0'));
    lmx::store_le(expected.data() + lmx::snapshot_v3_header_size, lmx::state_digest(snapshot));
  }
  lmx::store_le(expected.data() + 4, lmx::snapshot_version);
  LMX_ASSERT(lmx::encode_snapshot(snapshot) == resealed(expected));
}

// A version 4 `bytes` with the digest of the state its body holds and a good checksum. The
// body is decoded as version 3, which stores no digest, to learn that state.
std::optional<std::string> redigested(std::string bytes) {
  constexpr std::size_t digest_offset = lmx::snapshot_v3_header_size;
  if (bytes.size() < lmx::snapshot_header_size + lmx::snapshot_checksum_size ||
      lmx::load_le<std::uint16_t>(bytes.data() + 4) != 4) {
    return std::nullopt;
  }
  std::string as_version_3 = bytes;
  as_version_3.erase(digest_offset, sizeof(std::uint64_t));
  lmx::store_le<std::uint16_t>(as_version_3.data() + 4, 3);
  try {
    const lmx::Snapshot snapshot = lmx::decode_snapshot(resealed(as_version_3));
    lmx::store_le(bytes.data() + digest_offset, lmx::state_digest(snapshot));
  } catch (const std::runtime_error&) {
    return std::nullopt;  // refused for another reason, which the calls before have seen
  }
  return resealed(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(lmx::fuzz::bytes_of(data, size));
  decode_and_reencode(bytes);
  if (bytes.size() < lmx::snapshot_checksum_size) return 0;
  decode_and_reencode(resealed(bytes));
  if (const std::optional<std::string> digested = redigested(bytes)) decode_and_reencode(*digested);
  return 0;
}
