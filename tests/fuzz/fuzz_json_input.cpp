// Untrusted request bodies: parsing and field reading never crash, throw or hang.
#include <cstdint>
#include <string_view>

#include "concord/core/json_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto doc = concord::json_input::parse_object(body);
  if (!doc) return 0;
  concord::json_input::Reader r(*doc);
  r.string("name");
  r.localized("title");
  r.time("start");
  r.date("starts_on");
  r.time_zone("time_zone");
  r.uuid_list("participants");
  r.integer("capacity", 0, 100000);
  if (auto nested = r.object("contact")) nested->string("email");
  r.refuse_unknown({"name", "title"});
  (void)r.finish();
  return 0;
}
