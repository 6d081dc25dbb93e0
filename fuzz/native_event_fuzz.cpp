// Fuzzes the native event decoder (journal payloads, the `e` field of native Redis
// entries). Each event has one encoding per version, so a decoded event must encode back
// to exactly the bytes it came from, or, from version 1, to those bytes with the current
// version and a "no command id" byte after the type.

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
  if (bytes[0] == 1) {
    LMX_ASSERT(!event.id.present);
    LMX_ASSERT(encoded ==
               "\x02" + std::string(bytes.substr(1, 1)) + "\xff" + std::string(bytes.substr(2)));
  } else {
    LMX_ASSERT(encoded == bytes);
  }
  return 0;
}
