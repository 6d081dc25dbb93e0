// Fuzzes the native result decoder (results log payloads). A result of the current version
// has one encoding: it must encode back to exactly the bytes it came from. One of an older
// version (3: fixed size; 2: no original outcome; 1: nor entry checksum) must encode to a
// current one that decodes to the same fields, with the ones its version lacks 0.

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
  LMX_ASSERT(encoded.size() <= lmx::native_result_size_max);
  const auto version = static_cast<std::uint8_t>(bytes[0]);
  if (version == lmx::native_result_version) {
    LMX_ASSERT(encoded == bytes);
    return 0;
  }
  const lmx::Decoded<lmx::Result> again = lmx::decode_result(encoded);
  LMX_ASSERT(again && *again == *result);
  LMX_ASSERT(version == 3 || (result->original_position.is_zero() &&
                              result->original_reason == lmx::Reason::accepted));
  LMX_ASSERT(version != 1 || result->entry_checksum == 0);
  return 0;
}
