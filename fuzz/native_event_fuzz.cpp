// Fuzzes the native event decoder (journal payloads, the `e` field of native Redis
// entries). Each event has one encoding, so a decoded event must encode back to exactly
// the bytes it came from.

#include <cstddef>
#include <cstdint>
#include <string>

#include "format/native_codec.hpp"
#include "fuzz_input.hpp"
#include "lmx/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = lmx::fuzz::bytes_of(data, size);
  lmx::Event event;
  if (!lmx::decode_event(bytes, event)) {
    LMX_ASSERT(event.type == lmx::EventType::malformed);
    return 0;
  }
  LMX_ASSERT(event.type != lmx::EventType::malformed);
  std::string encoded;
  lmx::encode_event(event, encoded);
  LMX_ASSERT(encoded == bytes);
  return 0;
}
