// Fuzzes the snapshot decoder (snapshot files, Redis snapshot keys). The input is decoded
// as it is, then with its last four bytes replaced by the right checksum, so that
// mutations reach the header and the entities behind it. A snapshot has one encoding per
// version: one that decodes must encode back to exactly its bytes, or for an older version
// to the bytes the current one writes for it: the current version number, and after a
// 56-byte header (versions 1 and 2, whose reserved bytes are version 2's checksum 0) the
// id count 0 and the default id horizon. Refusals are exceptions that say why.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "format/bytes.hpp"
#include "format/crc32c.hpp"
#include "format/snapshot_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

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
  lmx::store_le(expected.data() + 4, lmx::snapshot_version);
  LMX_ASSERT(lmx::encode_snapshot(snapshot) == resealed(expected));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(lmx::fuzz::bytes_of(data, size));
  decode_and_reencode(bytes);
  if (bytes.size() < lmx::snapshot_checksum_size) return 0;
  decode_and_reencode(resealed(bytes));
  return 0;
}
