// Events read from a topic anyone could have written to: strict parsing never crashes, and
// whatever it accepts serializes and parses back to the same event.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "concord/events/event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto event = concord::events::parse_event(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!event) return 0;
  if (!concord::events::validate(*event)) return 0;
  auto again = concord::events::parse_event(concord::events::serialize(*event));
  if (!again || !(*again == *event)) std::abort();
  return 0;
}
