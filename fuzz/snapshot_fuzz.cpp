// Fuzzes the snapshot decoder (snapshot files, Redis snapshot keys). The input is decoded
// as it is, then with its last four bytes replaced by the right checksum, so that
// mutations reach the header and the entities behind it. A snapshot has one encoding per
// version: one that decodes must encode back to exactly its bytes, with the current version
// in place of version 1 (whose reserved bytes are the checksum 0 of version 2). Refusals
// are exceptions that say why.

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
