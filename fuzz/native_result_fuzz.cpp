// Fuzzes the native result decoder (results log payloads, Redis result entries). A result
// has one encoding, so a decoded result must encode back to exactly the bytes it came from.

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
  LMX_ASSERT(encoded == bytes);
  return 0;
}
