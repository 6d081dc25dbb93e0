// Fuzzes the native result decoder (results log payloads). A result has one encoding per
// version: one of the current version must encode back to exactly the bytes it came from;
// one of an older version (version 2: no original outcome; version 1: nor entry checksum)
// to the same fields with the missing ones 0.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "format/native_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = lmx::fuzz::bytes_of(data, size);
  const lmx::Decoded<lmx::Result> result = lmx::decode_result(bytes);
  if (!result) return 0;
  std::string encoded;
  lmx::encode_result(*result, encoded);
  if (bytes.size() == lmx::native_result_size) {
    LMX_ASSERT(encoded == bytes);
  } else {
    LMX_ASSERT(bytes.size() == lmx::native_result_v2_size ||
               (bytes.size() == lmx::native_result_v1_size && result->entry_checksum == 0));
    LMX_ASSERT(result->original_position.is_zero() &&
               result->original_reason == lmx::Reason::accepted);
    LMX_ASSERT(encoded.substr(1, bytes.size() - 1) == bytes.substr(1));
  }
  return 0;
}
