#pragma once
// What the programme endpoints render, computed from the state alone: the programme of a visit
// by day in any time zone, the same as an RFC 5545 calendar, and the free slots of a day.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

struct ProgrammeQuery {
  std::string time_zone;                 // the zone days and local times are in
  std::optional<std::string> member_id;  // only this member's meetings
  std::string language = "en";           // of texts in the calendar
};

// {"visit", "time_zone", "member_id", "days": [{"date", "items": [...]}]}; every item has start
// and end in UTC and in the zone, the venue, and the participants in precedence order.
// Cancelled meetings are left out (the calendar keeps them, as STATUS:CANCELLED).
nlohmann::json programme_json(const State& s, const Visit& visit, const ProgrammeQuery& q);

// RFC 5545: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence), TEXT
// escaped, times in UTC, UID = "<meeting id>@concord", SEQUENCE = version − 1 (raised by every
// change), cancelled meetings as STATUS:CANCELLED.
std::string programme_ics(const State& s, const Visit& visit, const ProgrammeQuery& q);

// Content lines are written by concord/core/ics.hpp (shared with notifications' invitations).

struct WorkingHours {
  std::chrono::minutes start{9 * 60};
  std::chrono::minutes end{19 * 60};
};

// The windows of at least `duration` on `date` (in the visit's zone, within working hours and
// the visit's dates) when every participant and the venue (its buffer included) are free.
Result<nlohmann::json> free_slots(const State& s, const Visit& visit, const std::vector<std::string>& participants,
                                  const std::optional<std::string>& venue_id, std::chrono::minutes duration, Days date,
                                  WorkingHours hours);

}  // namespace concord::scheduling
