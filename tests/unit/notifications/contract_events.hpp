#pragma once
// Contract-shaped event data (docs/event-contract.md) as the other services write it, for tests
// that stand in for them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/time.hpp"

namespace concord::notifications::contract {

inline std::string at(const char* rfc3339) {
  return format_rfc3339_utc(*parse_rfc3339(rfc3339));
}

inline nlohmann::json member(const std::string& id, const std::string& delegation, const std::string& language,
                             const std::string& zone, long long version = 1, const std::string& status = "active") {
  return {{"id", id},
          {"delegation_id", delegation},
          {"visit_id", "visit-1"},
          {"full_name", {{"en", "Member " + id}}},
          {"position", {{"en", "Adviser"}}},
          {"rank", "adviser"},
          {"precedence_order", nullptr},
          {"is_head", false},
          {"languages", {language}},
          {"time_zone", zone},
          {"notification_language", language},
          {"channels", {"inbox"}},
          {"public_key", nullptr},
          {"status", status},
          {"accreditation", {{"status", "none"}, {"badge_number", nullptr}}},
          {"version", version}};
}

inline nlohmann::json meeting(const std::string& id, const std::string& start, const std::string& end,
                              std::vector<std::string> participants, long long version = 1,
                              const std::string& status = "scheduled") {
  return {{"id", id},
          {"visit_id", "visit-1"},
          {"title", {{"en", "Expanded talks"}, {"ru", "Переговоры в расширенном составе"}}},
          {"kind", "expanded"},
          {"start", start},
          {"end", end},
          {"venue_id", "venue-1"},
          {"time_zone", "Europe/Minsk"},
          {"participants", participants},
          {"interpretation", {"en", "ru"}},
          {"status", status},
          {"version", version}};
}

inline nlohmann::json venue() {
  return {{"id", "venue-1"},
          {"name", {{"en", "Palace of Independence"}, {"ru", "Дворец Независимости"}}},
          {"city", "Minsk"},
          {"address", "pr. Pobeditelei 11"},
          {"time_zone", "Europe/Minsk"},
          {"capacity", 200},
          {"buffer_minutes", 15},
          {"version", 1}};
}

inline nlohmann::json document(const std::string& id, std::vector<std::string> signatories, long long version = 1) {
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : signatories) sigs.push_back({{"delegation_id", "d-" + s}, {"member_id", s}});
  return {{"id", id},
          {"visit_id", "visit-1"},
          {"kind", "memorandum"},
          {"title", {{"en", "Memorandum on trade"}, {"ru", "Меморандум о торговле"}}},
          {"status", "agreed"},
          {"parties", nlohmann::json::array()},
          {"signatories", sigs},
          {"languages", {"en", "ru"}},
          {"latest_versions", nlohmann::json::object()},
          {"signing", nullptr},
          {"signatures", nlohmann::json::array()},
          {"entry_into_force", nullptr},
          {"version", version}};
}

}  // namespace concord::notifications::contract
