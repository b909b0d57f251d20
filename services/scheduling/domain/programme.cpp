#include "scheduling/domain/programme.hpp"

#include <algorithm>
#include <map>

#include "concord/core/ics.hpp"
#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/conflicts.hpp"

namespace concord::scheduling {

using nlohmann::json;

namespace {

std::string local_text(Timestamp t, const std::string& zone) {
  auto l = to_local(t, zone);
  return l ? l->rfc3339 : format_rfc3339_utc(t);
}

json participant_json(const State& s, const std::string& id) {
  const Member* m = s.member(id);
  if (!m) return {{"id", id}, {"known", false}};
  const Delegation* d = s.delegation(m->delegation_id);
  return {{"id", id},
          {"full_name", localized_json(m->full_name)},
          {"position", localized_json(m->position)},
          {"rank", m->rank},
          {"is_head", m->is_head || (d && d->head_member_id == m->id)},
          {"delegation_id", m->delegation_id},
          {"side", d ? json(d->side) : json(nullptr)},
          {"status", m->status}};
}

json venue_json(const State& s, const std::optional<std::string>& id) {
  if (!id) return nullptr;
  const Venue* v = s.venue(*id);
  if (!v) return {{"id", *id}};
  return {{"id", v->id}, {"name", v->name}, {"city", v->city}, {"address", v->address}, {"time_zone", v->time_zone}};
}

bool attends(const Meeting& m, const std::optional<std::string>& member) {
  return !member || std::find(m.participants.begin(), m.participants.end(), *member) != m.participants.end();
}

// The visit's meetings the query selects, by start.
std::vector<const Meeting*> selected(const State& s, const Visit& visit, const ProgrammeQuery& q, bool with_cancelled) {
  std::vector<const Meeting*> out;
  if (auto it = s.meetings_of_visit.find(visit.id); it != s.meetings_of_visit.end())
    for (const auto& id : it->second) {
      const Meeting& m = s.meetings.at(id);
      if ((with_cancelled || m.status == "scheduled") && attends(m, q.member_id)) out.push_back(&m);
    }
  std::stable_sort(out.begin(), out.end(), [](const Meeting* a, const Meeting* b) {
    return a->start != b->start ? a->start < b->start : a->id < b->id;
  });
  return out;
}

}  // namespace

json programme_json(const State& s, const Visit& visit, const ProgrammeQuery& q) {
  std::map<Days, json> days;
  if (auto w = visit_window(visit)) {
    auto first = local_day(w->start, q.time_zone);
    auto last = local_day(w->end - std::chrono::milliseconds(1), q.time_zone);
    if (first && last)
      for (Days d = *first; d <= *last; d += std::chrono::days(1)) days[d] = json::array();
  }
  for (const Meeting* m : selected(s, visit, q, false)) {
    json participants = json::array();
    std::vector<std::string> ordered = m->participants;
    sort_by_precedence(s, ordered);
    for (const auto& p : ordered) participants.push_back(participant_json(s, p));
    json item = {{"meeting_id", m->id},
                 {"title", localized_json(m->title)},
                 {"kind", m->kind},
                 {"status", m->status},
                 {"start", format_rfc3339_utc(m->start)},
                 {"end", format_rfc3339_utc(m->end)},
                 {"start_local", local_text(m->start, q.time_zone)},
                 {"end_local", local_text(m->end, q.time_zone)},
                 {"venue", venue_json(s, m->venue_id)},
                 {"venue_time_zone", m->time_zone},
                 {"participants", std::move(participants)},
                 {"interpretation", m->interpretation},
                 {"version", m->version}};
    auto day = local_day(m->start, q.time_zone);
    days[day ? *day : Days{}].push_back(std::move(item));
  }
  json out_days = json::array();
  for (auto& [d, items] : days) out_days.push_back({{"date", format_date(d)}, {"items", std::move(items)}});
  return {{"visit", to_json(visit)},
          {"time_zone", q.time_zone},
          {"member_id", q.member_id ? json(*q.member_id) : json(nullptr)},
          {"days", std::move(out_days)}};
}

std::string programme_ics(const State& s, const Visit& visit, const ProgrammeQuery& q) {
  ics::Writer w;
  auto line = [&](std::string_view name, std::string_view value) { w.line(name, value); };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//Concord//Scheduling//EN");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("X-WR-CALNAME", ics::escape(text_in(visit.title, q.language)));
  line("X-WR-TIMEZONE", visit.time_zone);
  for (const Meeting* m : selected(s, visit, q, true)) {
    line("BEGIN", "VEVENT");
    line("UID", m->id + "@concord");
    line("DTSTAMP", ics::utc(m->updated_at));
    line("CREATED", ics::utc(m->created_at));
    line("LAST-MODIFIED", ics::utc(m->updated_at));
    line("DTSTART", ics::utc(m->start));
    line("DTEND", ics::utc(m->end));
    line("SEQUENCE", std::to_string(std::max(0LL, m->version - 1)));
    line("STATUS", m->status == "cancelled" ? "CANCELLED" : "CONFIRMED");
    line("SUMMARY", ics::escape(text_in(m->title, q.language)));
    line("CATEGORIES", ics::escape(m->kind));
    if (m->venue_id)
      if (const Venue* v = s.venue(*m->venue_id)) {
        std::string where = v->name;
        if (!v->address.empty()) where += ", " + v->address;
        if (!v->city.empty()) where += ", " + v->city;
        line("LOCATION", ics::escape(where));
      }
    std::string description;
    std::vector<std::string> ordered = m->participants;
    sort_by_precedence(s, ordered);
    for (const auto& p : ordered) {
      const Member* mem = s.member(p);
      if (!mem) continue;
      description += text_in(mem->full_name, q.language);
      if (auto pos = text_in(mem->position, q.language); !pos.empty()) description += " (" + pos + ")";
      description += "\n";
    }
    if (!m->notes.empty()) description += m->notes;
    if (!description.empty()) line("DESCRIPTION", ics::escape(description));
    line("END", "VEVENT");
  }
  line("END", "VCALENDAR");
  return w.take();
}

Result<json> free_slots(const State& s, const Visit& visit, const std::vector<std::string>& participants,
                        const std::optional<std::string>& venue_id, std::chrono::minutes duration, Days date,
                        WorkingHours hours) {
  if (date < visit.starts_on || date > visit.ends_on)
    return fail(Error::validation("/date", "the date is not within the visit (" + format_date(visit.starts_on) +
                                               " to " + format_date(visit.ends_on) + ")"));
  if (duration <= std::chrono::minutes(0)) return fail(Error::validation("/duration", "duration must be positive"));
  const Venue* venue = nullptr;
  if (venue_id) {
    venue = s.venue(*venue_id);
    if (!venue) return fail(Error::validation("/venue_id", "no venue with this id"));
  }
  auto from = from_local(date, hours.start, visit.time_zone);
  auto to = from_local(date, hours.end, visit.time_zone);
  if (!from || !to) return fail(Error::internal("the visit's time zone cannot be resolved"));
  std::vector<std::pair<Timestamp, Timestamp>> busy;
  for (const auto& p : participants)
    if (auto it = s.by_participant.find(p); it != s.by_participant.end())
      it->second.overlapping(*from, *to,
                             [&](const std::string&, Timestamp a, Timestamp b) { busy.emplace_back(a, b); });
  if (venue)
    if (auto it = s.by_venue.find(venue->id); it != s.by_venue.end()) {
      auto buffer = std::chrono::minutes(venue->buffer_minutes);
      it->second.overlapping(*from - buffer, *to + buffer, [&](const std::string&, Timestamp a, Timestamp b) {
        busy.emplace_back(a - buffer, b + buffer);
      });
    }
  std::sort(busy.begin(), busy.end());
  json slots = json::array();
  Timestamp cursor = *from;
  auto emit = [&](Timestamp a, Timestamp b) {
    if (b - a < duration) return;
    slots.push_back({{"start", format_rfc3339_utc(a)},
                     {"end", format_rfc3339_utc(b)},
                     {"start_local", local_text(a, visit.time_zone)},
                     {"end_local", local_text(b, visit.time_zone)}});
  };
  for (const auto& [a, b] : busy) {
    if (a > cursor) emit(cursor, std::min(a, *to));
    cursor = std::max(cursor, b);
    if (cursor >= *to) break;
  }
  if (cursor < *to) emit(cursor, *to);
  return json{{"visit_id", visit.id},         {"date", format_date(date)},
              {"time_zone", visit.time_zone}, {"duration_minutes", duration.count()},
              {"participants", participants}, {"venue_id", venue_id ? json(*venue_id) : json(nullptr)},
              {"slots", std::move(slots)}};
}

}  // namespace concord::scheduling
