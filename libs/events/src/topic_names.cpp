#include "topic_names.hpp"

#include <algorithm>
#include <set>

#include "concord/events/event_log.hpp"

namespace concord::events::detail {

bool valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Status check_topic_list(const std::vector<std::string>& topics) {
  if (topics.empty()) return fail(log_error(LogFailure::rejected, "a reader needs at least one topic"));
  std::set<std::string_view> seen;
  for (const auto& t : topics) {
    if (!valid_topic_name(t)) return fail(log_error(LogFailure::rejected, "'" + t + "' is not a valid topic name"));
    if (!seen.insert(t).second) return fail(log_error(LogFailure::rejected, "topic '" + t + "' is listed twice"));
  }
  return {};
}

}  // namespace concord::events::detail
