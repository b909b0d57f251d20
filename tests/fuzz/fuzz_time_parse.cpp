// Times, dates and durations from query strings and bodies: never crash; accepted times
// render back to something that parses to the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "concord/core/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto t = concord::parse_rfc3339(text)) {
    auto back = concord::parse_rfc3339(concord::format_rfc3339_utc(*t));
    if (!back || *back != *t) std::abort();
    (void)concord::to_local(*t, "Europe/Minsk");
  }
  (void)concord::parse_date(text);
  (void)concord::parse_iso_duration(text);
  (void)concord::is_known_time_zone(text);
  return 0;
}
