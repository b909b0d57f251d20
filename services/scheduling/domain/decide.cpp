#include "scheduling/domain/decide.hpp"

#include <algorithm>
#include <set>

#include "scheduling/domain/codec.hpp"

namespace concord::scheduling {

using nlohmann::json;

namespace {

constexpr auto kMaxMeetingLength = std::chrono::hours(24 * 7);
constexpr int kMaxVisitDays = 366;

Status require_officer(const Context& ctx) {
  if (ctx.actor.officer) return {};
  return fail(Error::forbidden("only protocol officers and administrators change venues, visits and meetings"));
}

NewEvent venue_event(const char* verb, const Venue& v) {
  return {std::string(contract::kVenuePrefix) + verb, "venue/" + v.id, v.id, v.version, {{"venue", to_json(v)}}};
}

NewEvent meeting_event(const char* verb, const Meeting& m, json extra = json::object()) {
  extra["meeting"] = to_json(m);
  return {std::string(contract::kMeetingPrefix) + verb, "meeting/" + m.id, m.visit_id, m.version, std::move(extra)};
}

Status check_venue(const CreateVenue& v) {
  std::vector<FieldError> errors;
  if (v.name.empty()) errors.push_back({"/name", "a venue needs a name"});
  if (!is_known_time_zone(v.time_zone)) errors.push_back({"/time_zone", "not an IANA time zone"});
  if (v.capacity < 1) errors.push_back({"/capacity", "capacity must be at least 1"});
  if (v.buffer_minutes < 0 || v.buffer_minutes > 24 * 60)
    errors.push_back({"/buffer_minutes", "buffer_minutes must be from 0 to 1440"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  return {};
}

Status check_visit(const Visit& v) {
  std::vector<FieldError> errors;
  if (v.ends_on < v.starts_on) errors.push_back({"/ends_on", "ends_on must not be before starts_on"});
  if (v.ends_on - v.starts_on > std::chrono::days(kMaxVisitDays))
    errors.push_back({"/ends_on", "a visit lasts at most 366 days"});
  if (!is_known_time_zone(v.time_zone)) errors.push_back({"/time_zone", "not an IANA time zone"});
  if (v.title.empty()) errors.push_back({"/title", "a visit needs a title"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  return {};
}

Status check_meeting_fields(const Meeting& m, const State& s) {
  std::vector<FieldError> errors;
  if (!(m.start < m.end)) errors.push_back({"/end", "end must be after start"});
  if (m.end - m.start > kMaxMeetingLength) errors.push_back({"/end", "a meeting lasts at most 7 days"});
  if (m.venue_id && !s.venue(*m.venue_id)) errors.push_back({"/venue_id", "no venue with this id"});
  std::set<std::string> seen;
  for (size_t i = 0; i < m.participants.size(); ++i)
    if (!seen.insert(m.participants[i]).second)
      errors.push_back({"/participants/" + std::to_string(i), "this member is listed twice"});
  if (m.title.empty()) errors.push_back({"/title", "a meeting needs a title"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  return {};
}

Status visit_open(const Visit& v) {
  if (v.status == "planned" || v.status == "confirmed") return {};
  return fail(Error::conflict("the visit is " + v.status + ": its programme can no longer change",
                              {{"visit_status", v.status}}));
}

std::string zone_of(const State& s, const Meeting& m, const Visit& visit) {
  if (m.venue_id)
    if (const Venue* v = s.venue(*m.venue_id)) return v->time_zone;
  return visit.time_zone;
}

Draft draft_of(const Meeting& m) {
  return Draft{m.visit_id, m.kind, m.start, m.end, m.venue_id, m.participants};
}

bool allowed_transition(const std::string& from, const std::string& to) {
  if (from == to) return true;
  if (from == "planned") return to == "confirmed" || to == "cancelled" || to == "completed";
  if (from == "confirmed") return to == "completed" || to == "cancelled" || to == "planned";
  return false;  // completed and cancelled are final
}

}  // namespace

Error conflicts_error(const std::vector<Conflict>& conflicts) {
  std::string detail = std::to_string(conflicts.size()) +
                       (conflicts.size() == 1 ? " scheduling conflict" : " scheduling conflicts") + ": ";
  std::set<std::string> kinds;
  json rendered = json::array();
  for (const auto& c : conflicts) {
    kinds.insert(std::string(c.kind));
    rendered.push_back(to_json(c));
  }
  bool first = true;
  for (const auto& k : kinds) {
    detail += (first ? "" : ", ") + k;
    first = false;
  }
  return Error::conflict(detail, {{"conflicts", std::move(rendered)}});
}

Result<Decision> decide(const State&, const CreateVenue& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  if (auto ok = check_venue(c); !ok) return fail(ok.error());
  Venue v{ctx.ids->next(), c.name, c.city, c.address, c.time_zone, c.capacity, c.buffer_minutes, 1};
  return std::vector<NewEvent>{venue_event("created", v)};
}

Result<Decision> decide(const State& s, const UpdateVenue& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  const Venue* current = s.venue(c.venue_id);
  if (!current) return fail(Error::not_found("no venue with this id"));
  Venue v = *current;
  if (c.name) v.name = *c.name;
  if (c.city) v.city = *c.city;
  if (c.address) v.address = *c.address;
  if (c.time_zone) v.time_zone = *c.time_zone;
  if (c.capacity) v.capacity = *c.capacity;
  if (c.buffer_minutes) v.buffer_minutes = *c.buffer_minutes;
  if (auto ok = check_venue({v.name, v.city, v.address, v.time_zone, v.capacity, v.buffer_minutes}); !ok)
    return fail(ok.error());
  Venue before = *current;
  before.version = v.version;
  if (to_json(before) == to_json(v)) return std::vector<NewEvent>{};
  ++v.version;
  return std::vector<NewEvent>{venue_event("updated", v)};
}

Result<Decision> decide(const State&, const PlanVisit& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  Visit v{ctx.ids->next(), c.title,   c.kind,      c.host_country, c.guest_country,
          c.starts_on,     c.ends_on, c.time_zone, "planned",      1};
  if (auto ok = check_visit(v); !ok) return fail(ok.error());
  return std::vector<NewEvent>{
      {std::string(contract::kVisitPlanned), "visit/" + v.id, v.id, v.version, {{"visit", to_json(v)}}}};
}

Result<Decision> decide(const State& s, const UpdateVisit& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  const Visit* current = s.visit(c.visit_id);
  if (!current) return fail(Error::not_found("no visit with this id"));
  Visit v = *current;
  std::vector<std::string> changed;
  auto set = [&](auto& field, const auto& value, const char* name) {
    if (value && field != *value) {
      field = *value;
      changed.push_back(name);
    }
  };
  set(v.title, c.title, "title");
  set(v.kind, c.kind, "kind");
  set(v.host_country, c.host_country, "host_country");
  set(v.guest_country, c.guest_country, "guest_country");
  set(v.starts_on, c.starts_on, "starts_on");
  set(v.ends_on, c.ends_on, "ends_on");
  set(v.time_zone, c.time_zone, "time_zone");
  if (c.status && *c.status != current->status) {
    if (!allowed_transition(current->status, *c.status))
      return fail(Error::conflict("a visit cannot go from " + current->status + " to " + *c.status,
                                  {{"visit_status", current->status}, {"requested_status", *c.status}}));
    v.status = *c.status;
    changed.push_back("status");
  }
  if (changed.empty()) return std::vector<NewEvent>{};
  if (current->status == "completed" || current->status == "cancelled")
    return fail(Error::conflict("the visit is " + current->status + " and can no longer change",
                                {{"visit_status", current->status}}));
  if (auto ok = check_visit(v); !ok) return fail(ok.error());
  v.window.reset();  // dates or zone may have changed
  // New dates or a new zone must still hold every scheduled meeting.
  if (auto w = visit_window(v); w && v.status != "cancelled") {
    std::vector<Conflict> conflicts;
    if (auto it = s.meetings_of_visit.find(v.id); it != s.meetings_of_visit.end())
      for (const auto& id : it->second) {
        const Meeting& m = s.meetings.at(id);
        if (m.status == "scheduled" && (m.start < w->start || m.end > w->end))
          conflicts.push_back(Conflict{.kind = conflict_kind::outside_visit_dates,
                                       .meeting_id = m.id,
                                       .start = m.start,
                                       .end = m.end,
                                       .window_start = w->start,
                                       .window_end = w->end,
                                       .message = "a scheduled meeting would fall outside the visit's new dates"});
      }
    if (!conflicts.empty()) return fail(conflicts_error(conflicts));
  }
  ++v.version;
  return std::vector<NewEvent>{{std::string(contract::kVisitUpdated),
                                "visit/" + v.id,
                                v.id,
                                v.version,
                                {{"visit", to_json(v)}, {"changed", changed}}}};
}

Result<Decision> decide(const State& s, const ScheduleMeeting& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  const Visit* visit = s.visit(c.visit_id);
  if (!visit) return fail(Error::not_found("no visit with this id"));
  if (auto ok = visit_open(*visit); !ok) return fail(ok.error());
  Meeting m;
  m.id = ctx.ids->next();
  m.visit_id = c.visit_id;
  m.title = c.title;
  m.kind = c.kind;
  m.start = c.start;
  m.end = c.end;
  m.venue_id = c.venue_id;
  m.participants = c.participants;
  m.interpretation = c.interpretation;
  m.notes = c.notes;
  m.status = "scheduled";
  m.version = 1;
  if (auto ok = check_meeting_fields(m, s); !ok) return fail(ok.error());
  m.time_zone = zone_of(s, m, *visit);
  if (auto conflicts = find_conflicts(s, draft_of(m), ctx.rules); !conflicts.empty())
    return fail(conflicts_error(conflicts));
  sort_by_precedence(s, m.participants);
  return std::vector<NewEvent>{meeting_event("scheduled", m)};
}

Result<Decision> decide(const State& s, const ChangeMeeting& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  const Meeting* current = s.meeting(c.meeting_id);
  if (!current) return fail(Error::not_found("no meeting with this id"));
  if (current->status != "scheduled")
    return fail(
        Error::conflict("the meeting is cancelled and can no longer change", {{"meeting_status", current->status}}));
  const Visit* visit = s.visit(current->visit_id);
  if (!visit) return fail(Error::internal("the meeting's visit is missing from the state"));
  if (auto ok = visit_open(*visit); !ok) return fail(ok.error());

  Meeting next = *current;
  if (c.title) next.title = *c.title;
  if (c.kind) next.kind = *c.kind;
  if (c.start) next.start = *c.start;
  if (c.end) next.end = *c.end;
  if (c.venue_id) next.venue_id = *c.venue_id;
  if (c.participants) next.participants = *c.participants;
  if (c.interpretation) next.interpretation = *c.interpretation;
  if (c.notes) next.notes = *c.notes;
  if (auto ok = check_meeting_fields(next, s); !ok) return fail(ok.error());
  next.time_zone = zone_of(s, next, *visit);
  sort_by_precedence(s, next.participants);

  bool moved = next.start != current->start || next.end != current->end;
  bool venue_changed = next.venue_id != current->venue_id;
  std::set<std::string> before(current->participants.begin(), current->participants.end());
  std::set<std::string> after(next.participants.begin(), next.participants.end());
  std::vector<std::string> added, removed;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(removed));
  std::vector<std::string> changed;
  if (next.title != current->title) changed.push_back("title");
  if (next.kind != current->kind) changed.push_back("kind");
  if (next.interpretation != current->interpretation) changed.push_back("interpretation");
  if (next.notes != current->notes) changed.push_back("notes");

  // The rules look at time, place, people and format: any change to those is checked again.
  if (moved || venue_changed || !added.empty() || !removed.empty() || next.kind != current->kind)
    if (auto conflicts = find_conflicts(s, draft_of(next), ctx.rules, current->id); !conflicts.empty())
      return fail(conflicts_error(conflicts));

  // One event per kind of change, each with the snapshot as of that step.
  std::vector<NewEvent> out;
  Meeting step = *current;
  step.time_zone = next.time_zone;
  step.participants = current->participants;
  if (moved) {
    step.start = next.start;
    step.end = next.end;
    ++step.version;
    out.push_back(meeting_event(
        "rescheduled", step,
        {{"previous_start", format_rfc3339_utc(current->start)}, {"previous_end", format_rfc3339_utc(current->end)}}));
  }
  if (venue_changed) {
    step.venue_id = next.venue_id;
    ++step.version;
    out.push_back(meeting_event("venue_changed", step,
                                {{"previous_venue_id", current->venue_id ? json(*current->venue_id) : json(nullptr)}}));
  }
  if (!added.empty() || !removed.empty()) {
    step.participants = next.participants;
    ++step.version;
    out.push_back(meeting_event("participants_changed", step, {{"added", json(added)}, {"removed", json(removed)}}));
  }
  if (!changed.empty()) {
    step.title = next.title;
    step.kind = next.kind;
    step.interpretation = next.interpretation;
    step.notes = next.notes;
    ++step.version;
    out.push_back(meeting_event("updated", step, {{"changed", changed}}));
  }
  return out;
}

Result<Decision> decide(const State& s, const CancelMeeting& c, const Context& ctx) {
  if (auto ok = require_officer(ctx); !ok) return fail(ok.error());
  const Meeting* current = s.meeting(c.meeting_id);
  if (!current) return fail(Error::not_found("no meeting with this id"));
  if (current->status == "cancelled")
    return fail(Error::conflict("the meeting is already cancelled", {{"meeting_status", current->status}}));
  if (c.reason.empty()) return fail(Error::validation("/reason", "say why the meeting is cancelled"));
  Meeting m = *current;
  m.status = "cancelled";
  ++m.version;
  return std::vector<NewEvent>{meeting_event("cancelled", m, {{"reason", c.reason}})};
}

std::optional<std::string> visit_of(const State& s, const Actor& actor) {
  if (actor.delegation_id)
    if (const Delegation* d = s.delegation(*actor.delegation_id)) return d->visit_id;
  if (actor.member_id)
    if (const Member* m = s.member(*actor.member_id)) return m->visit_id;
  return std::nullopt;
}

Status may_read_visit(const State& s, const Actor& actor, const std::string& visit_id) {
  if (actor.officer || actor.integrator) return {};
  if (actor.member_id && visit_of(s, actor) == visit_id) return {};
  return fail(Error::forbidden("a delegation member reads only the visits their delegation attends"));
}

Status may_read_programme(const State& s, const Actor& actor, const std::string& visit_id,
                          const std::optional<std::string>& member_id) {
  if (auto ok = may_read_visit(s, actor, visit_id); !ok) return ok;
  if (actor.officer || actor.integrator || !member_id || member_id == actor.member_id) return {};
  return fail(Error::forbidden("a delegation member reads only their own personal programme"));
}

}  // namespace concord::scheduling
