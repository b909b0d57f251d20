#include "scheduling/domain/conflicts.hpp"

#include <algorithm>

namespace concord::scheduling {

using nlohmann::json;

namespace {

std::string default_message(const Conflict& c) {
  const auto& k = c.kind;
  if (k == conflict_kind::venue_booked)
    return "the venue is booked by another meeting (buffer of " + std::to_string(c.buffer_minutes.value_or(0)) +
           " minutes included)";
  if (k == conflict_kind::participant_double_booked) return "the participant is in another meeting at that time";
  if (k == conflict_kind::outside_visit_dates)
    return "the meeting is not within the visit's dates in the visit's time zone";
  if (k == conflict_kind::venue_over_capacity) return "more participants than the venue holds";
  if (k == conflict_kind::unknown_participant) return "no member with this id is known from the delegations service";
  if (k == conflict_kind::withdrawn_participant) return "the member has been withdrawn from their delegation";
  if (k == conflict_kind::participant_not_in_visit) return "the member's delegation does not attend this visit";
  if (c.rule == "head_of_delegation_required")
    return "a " + c.format + " meeting needs the head of the " + c.side + " delegation";
  if (c.rule == "heads_and_interpreters_only")
    return "a tete_a_tete admits only the two heads of delegation and interpreters";
  if (c.rule == "too_many_per_side")
    return "a narrow_format meeting admits at most " + std::to_string(c.max.value_or(0)) +
           " members per side (interpreters not counted)";
  return std::string(k);
}

}  // namespace

json to_json(const Conflict& c) {
  json out = {{"kind", c.kind}, {"message", c.message.empty() ? default_message(c) : std::string(c.message)}};
  auto text = [&](const char* name, const std::string& value) {
    if (!value.empty()) out[name] = value;
  };
  auto instant = [&](const char* name, const std::optional<Timestamp>& t) {
    if (t) out[name] = format_rfc3339_utc(*t);
  };
  text("meeting_id", c.meeting_id);
  text("venue_id", c.venue_id);
  text("delegation_id", c.delegation_id);
  text("visit_id", c.visit_id);
  text("time_zone", c.time_zone);
  text("format", c.format);
  text("rank", c.rank);
  if (c.member_unknown)
    out["member_id"] = nullptr;
  else
    text("member_id", c.member_id);
  instant("start", c.start);
  instant("end", c.end);
  instant("window_start", c.window_start);
  instant("window_end", c.window_end);
  if (c.starts_on) out["starts_on"] = format_date(*c.starts_on);
  if (c.ends_on) out["ends_on"] = format_date(*c.ends_on);
  if (c.buffer_minutes) out["buffer_minutes"] = *c.buffer_minutes;
  if (c.capacity) out["capacity"] = *c.capacity;
  if (c.participants) out["participants"] = *c.participants;
  if (!c.rule.empty()) out["rule"] = c.rule;
  if (!c.side.empty()) out["side"] = c.side;
  if (c.count) out["count"] = *c.count;
  if (c.max) out["max"] = *c.max;
  return out;
}

std::optional<Window> visit_window(const Visit& visit) {
  if (visit.window) return Window{visit.window->first, visit.window->second};
  auto from = from_local(visit.starts_on, std::chrono::minutes(0), visit.time_zone);
  auto to = from_local(visit.ends_on + std::chrono::days(1), std::chrono::minutes(0), visit.time_zone);
  if (!from || !to) return std::nullopt;
  return Window{*from, *to};
}

std::vector<Conflict> find_clashes(const State& state, const Draft& d, std::string_view self) {
  std::vector<Conflict> out;
  if (d.venue_id) {
    const Venue* venue = state.venue(*d.venue_id);
    auto index = state.by_venue.find(*d.venue_id);
    if (venue && index != state.by_venue.end()) {
      auto buffer = std::chrono::minutes(venue->buffer_minutes);
      index->second.overlapping(d.start - buffer, d.end + buffer,
                                [&](const std::string& id, Timestamp start, Timestamp end) {
                                  if (id == self) return;
                                  out.push_back(Conflict{.kind = conflict_kind::venue_booked,
                                                         .meeting_id = id,
                                                         .venue_id = *d.venue_id,
                                                         .start = start,
                                                         .end = end,
                                                         .buffer_minutes = venue->buffer_minutes});
                                });
    }
  }
  for (size_t i = 0; i < d.participants.size(); ++i) {
    const auto& p = d.participants[i];
    if (std::find(d.participants.begin(), d.participants.begin() + static_cast<std::ptrdiff_t>(i), p) !=
        d.participants.begin() + static_cast<std::ptrdiff_t>(i))
      continue;  // listed twice (decide refuses that; the detector just does not report it twice)
    auto index = state.by_participant.find(p);
    if (index == state.by_participant.end()) continue;
    index->second.overlapping(d.start, d.end, [&](const std::string& id, Timestamp start, Timestamp end) {
      if (id == self) return;
      out.push_back(Conflict{.kind = conflict_kind::participant_double_booked,
                             .meeting_id = id,
                             .member_id = p,
                             .start = start,
                             .end = end});
    });
  }
  return out;
}

namespace {

bool is_head(const State& state, const Member& m) {
  if (m.is_head) return true;
  const Delegation* d = state.delegation(m.delegation_id);
  return d && d->head_member_id == m.id;
}

std::string side_of(const State& state, const Member& m) {
  const Delegation* d = state.delegation(m.delegation_id);
  return d ? d->side : std::string();
}

// The head of each side of the visit, as far as the delegations view knows.
std::optional<std::string> head_of_side(const State& state, const std::string& visit_id, const std::string& side) {
  for (const auto& [id, d] : state.delegations) {
    if (d.visit_id != visit_id || d.side != side) continue;
    if (d.head_member_id) return d.head_member_id;
  }
  for (const auto& [id, m] : state.members)
    if (m.visit_id == visit_id && m.is_head && m.status == "active" && side_of(state, m) == side) return id;
  return std::nullopt;
}

void format_rules(const State& state, const Draft& d, const Rules& rules, const std::vector<const Member*>& known,
                  std::vector<Conflict>& out) {
  if (d.kind != "tete_a_tete" && d.kind != "narrow_format") return;
  for (const std::string side : {"host", "guest"}) {
    bool present = false;
    for (const Member* m : known)
      if (is_head(state, *m) && side_of(state, *m) == side) present = true;
    if (!present) {
      auto head = head_of_side(state, d.visit_id, side);
      out.push_back(Conflict{.kind = conflict_kind::format_violation,
                             .member_id = head.value_or(""),
                             .format = d.kind,
                             .rule = "head_of_delegation_required",
                             .side = side,
                             .member_unknown = !head});
    }
  }
  if (d.kind == "tete_a_tete") {
    for (const Member* m : known) {
      if (is_head(state, *m) || m->rank == "interpreter") continue;
      out.push_back(Conflict{.kind = conflict_kind::format_violation,
                             .member_id = m->id,
                             .format = d.kind,
                             .rule = "heads_and_interpreters_only",
                             .rank = m->rank});
    }
    return;
  }
  // narrow_format: interpreters do not count towards the members of a side.
  for (const std::string side : {"host", "guest"}) {
    int count = 0;
    for (const Member* m : known)
      if (side_of(state, *m) == side && m->rank != "interpreter") ++count;
    if (count > rules.narrow_format_max_per_side)
      out.push_back(Conflict{.kind = conflict_kind::format_violation,
                             .format = d.kind,
                             .rule = "too_many_per_side",
                             .side = side,
                             .count = count,
                             .max = rules.narrow_format_max_per_side});
  }
}

}  // namespace

std::vector<Conflict> find_conflicts(const State& state, const Draft& d, const Rules& rules, std::string_view self) {
  std::vector<Conflict> out;
  const Visit* visit = state.visit(d.visit_id);
  if (visit) {
    auto w = visit_window(*visit);
    if (w && (d.start < w->start || d.end > w->end))
      out.push_back(Conflict{.kind = conflict_kind::outside_visit_dates,
                             .visit_id = visit->id,
                             .window_start = w->start,
                             .window_end = w->end,
                             .starts_on = visit->starts_on,
                             .ends_on = visit->ends_on,
                             .time_zone = visit->time_zone});
  }
  auto clashes = find_clashes(state, d, self);
  out.insert(out.end(), clashes.begin(), clashes.end());
  if (d.venue_id) {
    if (const Venue* venue = state.venue(*d.venue_id);
        venue && static_cast<long long>(d.participants.size()) > venue->capacity)
      out.push_back(Conflict{.kind = conflict_kind::venue_over_capacity,
                             .venue_id = venue->id,
                             .capacity = venue->capacity,
                             .participants = static_cast<long long>(d.participants.size())});
  }
  std::vector<const Member*> known;
  for (const auto& p : d.participants) {
    const Member* m = state.member(p);
    if (!m) {
      out.push_back(Conflict{.kind = conflict_kind::unknown_participant, .member_id = p});
      continue;
    }
    if (m->status == "withdrawn") {
      out.push_back(
          Conflict{.kind = conflict_kind::withdrawn_participant, .member_id = p, .delegation_id = m->delegation_id});
      continue;
    }
    if (m->visit_id != d.visit_id) {
      out.push_back(Conflict{.kind = conflict_kind::participant_not_in_visit,
                             .member_id = p,
                             .delegation_id = m->delegation_id,
                             .visit_id = m->visit_id});
      continue;
    }
    known.push_back(m);
  }
  format_rules(state, d, rules, known, out);
  return out;
}

}  // namespace concord::scheduling
