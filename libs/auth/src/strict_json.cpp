#include "strict_json.hpp"

#include <exception>
#include <set>
#include <vector>

namespace concord::auth::detail {
namespace {

constexpr std::size_t kMaxDepth = 8;

}  // namespace

std::expected<nlohmann::json, std::string> parse_json_object(std::string_view text) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> keys;  // one set per open object or array
  bool too_deep = false;
  bool duplicate = false;
  auto guard = [&](int, Event event, nlohmann::json& value) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        keys.emplace_back();
        if (keys.size() > kMaxDepth) too_deep = true;
        break;
      case Event::object_end:
      case Event::array_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case Event::key:
        if (!keys.empty() && value.is_string() && !keys.back().insert(value.get<std::string>()).second)
          duplicate = true;
        break;
      case Event::value:
        break;
    }
    return !too_deep;
  };
  try {
    auto doc = nlohmann::json::parse(text.begin(), text.end(), guard);
    if (too_deep) return std::unexpected("nests deeper than " + std::to_string(kMaxDepth) + " levels");
    if (duplicate) return std::unexpected("names a member twice");
    if (!doc.is_object()) return std::unexpected("is not a JSON object");
    return doc;
  } catch (const std::exception&) {
    if (too_deep) return std::unexpected("nests deeper than " + std::to_string(kMaxDepth) + " levels");
    return std::unexpected("is not valid JSON");
  }
}

}  // namespace concord::auth::detail
