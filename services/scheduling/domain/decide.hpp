#pragma once
// Every business and authorization rule of the scheduling context: commands in, events out (or
// the Error that explains why not). No I/O: the time, new ids and the caller come in through
// Context. The events carry full snapshots (docs/event-contract.md) so evolve() can upsert.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/id.hpp"
#include "scheduling/domain/conflicts.hpp"
#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

struct Context {
  Timestamp now{};
  Actor actor;
  IdGenerator* ids = nullptr;
  Rules rules;
};

// One event to append to concord.scheduling.v1, before the envelope is put around it.
struct NewEvent {
  std::string type;     // concord.scheduling.<aggregate>.<verb>
  std::string subject;  // <aggregate>/<id>
  std::string key;      // visit id (venue id for venues)
  long long sequence = 0;
  nlohmann::json data;
  std::string_view topic = kTopic;  // kPrivateTopic for calendar feeds
};
using Decision = std::vector<NewEvent>;  // what decide() returns when it accepts the command

inline const std::vector<std::string_view> kVisitKinds = {"official_visit", "working_visit", "commission_session"};
inline const std::vector<std::string_view> kVisitStatuses = {"planned", "confirmed", "completed", "cancelled"};
inline const std::vector<std::string_view> kMeetingKinds = {
    "tete_a_tete",     "narrow_format", "expanded_format", "plenary_session",    "signing_ceremony",
    "press_statement", "working_lunch", "site_visit",      "cultural_programme", "transfer"};

struct CreateVenue {
  std::string name, city, address, time_zone;
  int capacity = 0;
  int buffer_minutes = 0;
};
struct UpdateVenue {
  std::string venue_id;
  std::optional<std::string> name, city, address, time_zone;
  std::optional<int> capacity, buffer_minutes;
};
struct PlanVisit {
  Localized title;
  std::string kind, host_country, guest_country;
  Days starts_on{}, ends_on{};
  std::string time_zone;
};
struct UpdateVisit {
  std::string visit_id;
  std::optional<Localized> title;
  std::optional<std::string> kind, host_country, guest_country;
  std::optional<Days> starts_on, ends_on;
  std::optional<std::string> time_zone, status;
};
struct ScheduleMeeting {
  std::string visit_id;
  Localized title;
  std::string kind;
  Timestamp start{}, end{};
  std::optional<std::string> venue_id;
  std::vector<std::string> participants;
  std::vector<std::string> interpretation;
  std::string notes;
};
struct ChangeMeeting {
  std::string meeting_id;
  std::optional<Localized> title;
  std::optional<std::string> kind;
  std::optional<Timestamp> start, end;
  std::optional<std::optional<std::string>> venue_id;  // set to null: no venue
  std::optional<std::vector<std::string>> participants;
  std::optional<std::vector<std::string>> interpretation;
  std::optional<std::string> notes;
};
struct CancelMeeting {
  std::string meeting_id;
  std::string reason;
};

// A calendar feed. The secret is made (and hashed) by the caller: the domain sees only its hash.
struct CreateFeed {
  std::string visit_id;
  std::optional<std::string> member_id;  // a member: their own (the default); an officer: none = the visit
  std::string language = "en";
  std::string label;
  std::string secret_sha256;
};
struct RevokeFeed {
  std::string feed_id;
};
inline constexpr size_t kMaxActiveFeeds = 20;  // per holder (a member, or an officer) and visit

Result<Decision> decide(const State& s, const CreateVenue& c, const Context& ctx);
Result<Decision> decide(const State& s, const UpdateVenue& c, const Context& ctx);
Result<Decision> decide(const State& s, const PlanVisit& c, const Context& ctx);
Result<Decision> decide(const State& s, const UpdateVisit& c, const Context& ctx);
Result<Decision> decide(const State& s, const ScheduleMeeting& c, const Context& ctx);
Result<Decision> decide(const State& s, const ChangeMeeting& c, const Context& ctx);
Result<Decision> decide(const State& s, const CancelMeeting& c, const Context& ctx);
Result<Decision> decide(const State& s, const CreateFeed& c, const Context& ctx);
Result<Decision> decide(const State& s, const RevokeFeed& c, const Context& ctx);

// The 409 every conflicting booking gets: all the conflicts at once, under "conflicts".
Error conflicts_error(const std::vector<Conflict>& conflicts);

// Read rules. Officers, admins and integrators read everything; a delegation member reads the
// visits their delegation attends (and their meetings and programme), and a personal programme
// only their own.
Status may_read_visit(const State& s, const Actor& actor, const std::string& visit_id);
Status may_read_programme(const State& s, const Actor& actor, const std::string& visit_id,
                          const std::optional<std::string>& member_id);
// Who sees a feed in lists (and may revoke it): officers every feed; a member the feeds of their
// own programme.
bool may_manage_feed(const Actor& actor, const Feed& feed);
// The active feed whose secret hashes to `secret_sha256`, if any (none for a withdrawn member's).
const Feed* active_feed(const State& s, const std::string& secret_sha256);
// The visit a member's delegation attends, when the view knows it.
std::optional<std::string> visit_of(const State& s, const Actor& actor);

}  // namespace concord::scheduling
