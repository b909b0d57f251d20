#pragma once
// The conflict detector: everything that stops a meeting from being booked as drafted, all of
// it at once. Each conflict names its kind and what it collides with; the API returns them as
// the `conflicts` array of a 409 problem. Venue and participant clashes come from the interval
// indexes of the state, so a check costs O(log n + k) whatever the size of the programme.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

struct Rules {
  int narrow_format_max_per_side = 4;  // CONCORD_NARROW_FORMAT_MAX_PER_SIDE
};

// What a meeting would be: the fields the rules look at.
struct Draft {
  std::string visit_id;
  std::string kind;
  Timestamp start{};
  Timestamp end{};
  std::optional<std::string> venue_id;
  std::vector<std::string> participants;
};

namespace conflict_kind {
inline constexpr std::string_view venue_booked = "venue_booked";
inline constexpr std::string_view participant_double_booked = "participant_double_booked";
inline constexpr std::string_view outside_visit_dates = "outside_visit_dates";
inline constexpr std::string_view venue_over_capacity = "venue_over_capacity";
inline constexpr std::string_view unknown_participant = "unknown_participant";
inline constexpr std::string_view withdrawn_participant = "withdrawn_participant";
inline constexpr std::string_view participant_not_in_visit = "participant_not_in_visit";
inline constexpr std::string_view format_violation = "format_violation";
}  // namespace conflict_kind

// One reason a draft cannot be booked: its kind and what it collides with. Plain data, so that
// finding conflicts costs no JSON; to_json() renders it (with a message) for the 409 body as
// {"kind", "message", and the fields set here: meeting_id, venue_id, member_id, start, end, ...}.
struct Conflict {
  std::string_view kind;  // conflict_kind::*
  std::string meeting_id;
  std::string venue_id;
  std::string member_id;
  std::string delegation_id;
  std::string visit_id;
  std::optional<Timestamp> start, end;                // of the meeting collided with
  std::optional<Timestamp> window_start, window_end;  // outside_visit_dates: the visit's window
  std::optional<Days> starts_on, ends_on;
  std::string time_zone;
  std::optional<int> buffer_minutes;                // venue_booked
  std::optional<long long> capacity, participants;  // venue_over_capacity
  // format_violation
  std::string format;
  std::string_view rule;
  std::string side;
  std::string rank;
  std::optional<int> count, max;
  bool member_unknown = false;  // head_of_delegation_required with no head known: member_id null
  std::string_view message;     // set where the default message of the kind does not fit
};
nlohmann::json to_json(const Conflict& conflict);

// `self` is the meeting being changed (it never collides with itself).
std::vector<Conflict> find_conflicts(const State& state, const Draft& draft, const Rules& rules,
                                     std::string_view self = {});

// Only the venue and participant clashes (what the property test compares with brute force).
std::vector<Conflict> find_clashes(const State& state, const Draft& draft, std::string_view self = {});

// [first instant, end) of a visit in its zone: from midnight of starts_on to midnight after ends_on.
struct Window {
  Timestamp start;
  Timestamp end;
};
std::optional<Window> visit_window(const Visit& visit);

}  // namespace concord::scheduling
