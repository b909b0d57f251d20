// The scheduling service's handlers: parse (every field error at once, with its JSON pointer),
// decide through the Store, render. Every rule lives in domain/.
#include <algorithm>

#include "concord/core/json_input.hpp"
#include "scheduling/api/scheduling_service.hpp"
#include "scheduling/domain/codec.hpp"

namespace concord::scheduling {

namespace api = service::api;
using json = nlohmann::json;
using json_input::Need;
using json_input::Reader;

namespace {

bool is_country(const std::string& c) {
  return c.size() == 2 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

std::optional<std::string> country(Reader& in, std::string_view field, Need need) {
  auto c = in.string(field, need, 2);
  if (c && !is_country(*c)) {
    in.add_error(field, "must be an ISO 3166-1 alpha-2 code such as BY or KG");
    return std::nullopt;
  }
  return c;
}

std::optional<std::vector<std::string>> languages(Reader& in, std::string_view field) {
  auto list = in.string_list(field, Need::optional, 20, 35);
  if (!list) return list;
  for (const auto& tag : *list)
    if (!json_input::is_bcp47(tag)) {
      in.add_error(field, "'" + tag + "' is not a BCP 47 language tag");
      return std::nullopt;
    }
  return list;
}

std::optional<int> small_int(Reader& in, std::string_view field, long long min, long long max, Need need) {
  auto v = in.integer(field, min, max, need);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

Result<std::string> query_uuid(const http::Request& r, const char* name) {
  auto v = r.query_param(name);
  if (!v) return std::string();
  if (!is_uuid(*v)) return fail(Error::validation(std::string("/") + name, "must be a UUID"));
  return *v;
}

// The rendered body of the last event's snapshot of `aggregate`.
const json& last_snapshot(const std::vector<NewEvent>& events, const char* aggregate) {
  return events.back().data.at(aggregate);
}

}  // namespace

// List pages keep these bytes beside the meeting (Meeting::rendered), which evolve() drops only
// when the meeting changes: what the view shows must come from the meeting alone.
json SchedulingService::meeting_view(const State&, const Meeting& m) const {
  json j = to_json(m);
  if (auto l = to_local(m.start, m.time_zone)) j["start_local"] = l->rfc3339;
  if (auto l = to_local(m.end, m.time_zone)) j["end_local"] = l->rfc3339;
  return j;
}

// ---- venues ---------------------------------------------------------------------------------

SchedulingService::Response SchedulingService::create_venue(http::Request& r) {
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  CreateVenue c;
  auto name = in.string("name", Need::required, 200);
  auto city = in.string("city", Need::optional, 200);
  auto address = in.string("address", Need::optional, 500);
  auto zone = in.time_zone("time_zone");
  auto capacity = small_int(in, "capacity", 1, 100000, Need::required);
  auto buffer = small_int(in, "buffer_minutes", 0, 1440, Need::optional);
  in.refuse_unknown({"name", "city", "address", "time_zone", "capacity", "buffer_minutes"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  c = {*name, city.value_or(""), address.value_or(""), *zone, *capacity, buffer.value_or(0)};
  auto events = commit(r, [&](const State& s, const Context& ctx) { return decide(s, c, ctx); });
  if (!events) return fail(events.error());
  const auto& v = last_snapshot(*events, "venue");
  return api::json(201, v, v["version"].get<long long>(), "/v1/venues/" + v["id"].get<std::string>());
}

SchedulingService::Response SchedulingService::list_venues(http::Request& r) {
  auto page = api::page_of(r);
  if (!page) return fail(page.error());
  // Venues by id: UUIDv7, so creation order. Each item's bytes are rendered once per version.
  auto body = store_.read([&](const State& s) {
    return api::keyset_page_bytes(s.venues, *page, api::keep_all, [](const auto& entry) -> const std::string& {
      return entry.second.rendered.get([&] { return to_json(entry.second); });
    });
  });
  return api::json_text(200, std::move(body));
}

SchedulingService::Response SchedulingService::get_venue(http::Request& r) {
  auto v = store_.read([&](const State& s) -> Result<json> {
    const Venue* venue = s.venue(r.param("id"));
    if (!venue) return fail(Error::not_found("no venue with this id"));
    return to_json(*venue);
  });
  if (!v) return fail(v.error());
  return api::json(200, *v, (*v)["version"].get<long long>());
}

SchedulingService::Response SchedulingService::update_venue(http::Request& r) {
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  UpdateVenue c{std::string(r.param("id"))};
  c.name = in.string("name", Need::optional, 200);
  c.city = in.string("city", Need::optional, 200);
  c.address = in.string("address", Need::optional, 500);
  c.time_zone = in.time_zone("time_zone", Need::optional);
  c.capacity = small_int(in, "capacity", 1, 100000, Need::optional);
  c.buffer_minutes = small_int(in, "buffer_minutes", 0, 1440, Need::optional);
  in.refuse_unknown({"name", "city", "address", "time_zone", "capacity", "buffer_minutes"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  auto events = commit(r, [&](const State& s, const Context& ctx) -> Result<Decision> {
    if (const Venue* v = s.venue(c.venue_id); v && ctx.actor.officer)
      if (auto ok = api::check_if_match(r, v->version, false); !ok) return fail(ok.error());
    return decide(s, c, ctx);
  });
  if (!events) return fail(events.error());
  return get_venue(r);
}

// ---- visits ---------------------------------------------------------------------------------

SchedulingService::Response SchedulingService::create_visit(http::Request& r) {
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  auto title = in.localized("title");
  auto kind = in.one_of("kind", kVisitKinds);
  auto host = country(in, "host_country", Need::required);
  auto guest = country(in, "guest_country", Need::required);
  auto starts = in.date("starts_on");
  auto ends = in.date("ends_on");
  auto zone = in.time_zone("time_zone");
  in.refuse_unknown({"title", "kind", "host_country", "guest_country", "starts_on", "ends_on", "time_zone"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  PlanVisit c{*title, *kind, *host, *guest, *starts, *ends, *zone};
  auto events = commit(r, [&](const State& s, const Context& ctx) { return decide(s, c, ctx); });
  if (!events) return fail(events.error());
  const auto& v = last_snapshot(*events, "visit");
  return api::json(201, v, v["version"].get<long long>(), "/v1/visits/" + v["id"].get<std::string>());
}

SchedulingService::Response SchedulingService::list_visits(http::Request& r) {
  auto page = api::page_of(r);
  if (!page) return fail(page.error());
  auto actor = context_for(r).actor;
  auto body = store_.read([&](const State& s) {
    auto bytes = [](const auto& entry) -> const std::string& {
      return entry.second.rendered.get([&] { return to_json(entry.second); });
    };
    if (actor.officer || actor.integrator) return api::keyset_page_bytes(s.visits, *page, api::keep_all, bytes);
    // A member reads the one visit their delegation attends (may_read_visit): a range of at
    // most one, never a walk over every visit.
    auto first = s.visits.end(), last = s.visits.end();
    if (auto own = actor.member_id ? visit_of(s, actor) : std::nullopt)
      if (auto it = s.visits.find(*own); it != s.visits.end() && (!page->after || it->first > *page->after))
        first = it, last = std::next(it);
    return api::keyset_page_bytes(first, last, *page, api::sort_key_of, api::keep_all, bytes);
  });
  return api::json_text(200, std::move(body));
}

SchedulingService::Response SchedulingService::get_visit(http::Request& r) {
  auto actor = context_for(r).actor;
  auto v = store_.read([&](const State& s) -> Result<json> {
    const Visit* visit = s.visit(r.param("id"));
    if (!visit) return fail(Error::not_found("no visit with this id"));
    if (auto ok = may_read_visit(s, actor, visit->id); !ok) return fail(ok.error());
    return to_json(*visit);
  });
  if (!v) return fail(v.error());
  return api::json(200, *v, (*v)["version"].get<long long>());
}

SchedulingService::Response SchedulingService::update_visit(http::Request& r) {
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  UpdateVisit c{std::string(r.param("id"))};
  c.title = in.localized("title", Need::optional);
  c.kind = in.one_of("kind", kVisitKinds, Need::optional);
  c.host_country = country(in, "host_country", Need::optional);
  c.guest_country = country(in, "guest_country", Need::optional);
  c.starts_on = in.date("starts_on", Need::optional);
  c.ends_on = in.date("ends_on", Need::optional);
  c.time_zone = in.time_zone("time_zone", Need::optional);
  c.status = in.one_of("status", kVisitStatuses, Need::optional);
  in.refuse_unknown({"title", "kind", "host_country", "guest_country", "starts_on", "ends_on", "time_zone", "status"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  auto events = commit(r, [&](const State& s, const Context& ctx) -> Result<Decision> {
    if (const Visit* v = s.visit(c.visit_id); v && ctx.actor.officer)
      if (auto ok = api::check_if_match(r, v->version, false); !ok) return fail(ok.error());
    return decide(s, c, ctx);
  });
  if (!events) return fail(events.error());
  return get_visit(r);
}

// ---- meetings -------------------------------------------------------------------------------

namespace {

const std::vector<std::string_view> kMeetingFields = {"title",    "kind",         "start",          "end",
                                                      "venue_id", "participants", "interpretation", "notes"};

}  // namespace

SchedulingService::Response SchedulingService::create_meeting(http::Request& r) {
  auto dry = api::dry_run(r);
  if (!dry) return fail(dry.error());
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  ScheduleMeeting c;
  c.visit_id = r.param("id");
  auto title = in.localized("title");
  auto kind = in.one_of("kind", kMeetingKinds);
  auto start = in.time("start");
  auto end = in.time("end");
  c.venue_id = in.uuid("venue_id", Need::optional);
  auto participants = in.uuid_list("participants", Need::optional, 500);
  auto interpretation = languages(in, "interpretation");
  auto notes = in.string("notes", Need::optional, 4000);
  in.refuse_unknown(kMeetingFields);
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  c.title = *title;
  c.kind = *kind;
  c.start = *start;
  c.end = *end;
  c.participants = participants.value_or(std::vector<std::string>{});
  c.interpretation = interpretation.value_or(std::vector<std::string>{});
  c.notes = notes.value_or("");
  if (*dry) {
    auto ctx = context_for(r);
    auto d = store_.read([&](const State& s) { return decide(s, c, ctx); });
    if (!d) return fail(d.error());
    return api::json(200, {{"dry_run", true}, {"conflicts", json::array()}, {"meeting", last_snapshot(*d, "meeting")}});
  }
  auto events = commit(r, [&](const State& s, const Context& ctx) { return decide(s, c, ctx); });
  if (!events) return fail(events.error());
  const auto& m = last_snapshot(*events, "meeting");
  auto id = m["id"].get<std::string>();
  auto view = store_.read([&](const State& s) { return meeting_view(s, *s.meeting(id)); });
  return api::json(201, view, m["version"].get<long long>(), "/v1/meetings/" + id);
}

SchedulingService::Response SchedulingService::list_meetings(http::Request& r) {
  auto page = api::page_of(r);
  if (!page) return fail(page.error());
  auto actor = context_for(r).actor;
  auto body = store_.read([&](const State& s) -> Result<std::string> {
    const Visit* visit = s.visit(r.param("id"));
    if (!visit) return fail(Error::not_found("no visit with this id"));
    if (auto ok = may_read_visit(s, actor, visit->id); !ok) return fail(ok.error());
    static const std::map<std::string, std::string> none;
    auto it = s.meetings_by_start.find(visit->id);
    return api::keyset_page_bytes(it == s.meetings_by_start.end() ? none : it->second, *page, api::keep_all,
                                  [&](const auto& entry) -> const std::string& {
                                    const Meeting& m = s.meetings.at(entry.second);
                                    return m.rendered.get([&] { return meeting_view(s, m); });
                                  });
  });
  if (!body) return fail(body.error());
  return api::json_text(200, std::move(*body));
}

SchedulingService::Response SchedulingService::get_meeting(http::Request& r) {
  auto actor = context_for(r).actor;
  auto m = store_.read([&](const State& s) -> Result<json> {
    const Meeting* meeting = s.meeting(r.param("id"));
    if (!meeting) return fail(Error::not_found("no meeting with this id"));
    if (auto ok = may_read_visit(s, actor, meeting->visit_id); !ok) return fail(ok.error());
    return meeting_view(s, *meeting);
  });
  if (!m) return fail(m.error());
  return api::json(200, *m, (*m)["version"].get<long long>());
}

SchedulingService::Response SchedulingService::update_meeting(http::Request& r) {
  auto dry = api::dry_run(r);
  if (!dry) return fail(dry.error());
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  ChangeMeeting c{std::string(r.param("id"))};
  c.title = in.localized("title", Need::optional);
  c.kind = in.one_of("kind", kMeetingKinds, Need::optional);
  c.start = in.time("start", Need::optional);
  c.end = in.time("end", Need::optional);
  if (body->contains("venue_id")) {
    if ((*body)["venue_id"].is_null())
      c.venue_id = std::optional<std::string>();
    else if (auto v = in.uuid("venue_id"))
      c.venue_id = std::optional<std::string>(*v);
  }
  c.participants = in.uuid_list("participants", Need::optional, 500);
  c.interpretation = languages(in, "interpretation");
  c.notes = in.string("notes", Need::optional, 4000);
  in.refuse_unknown(kMeetingFields);
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  // If-Match is required (428), checked against the version under the same lock as the
  // decision, so a stale read can never overwrite a concurrent change.
  auto decide_fn = [&](const State& s, const Context& ctx) -> Result<Decision> {
    if (const Meeting* m = s.meeting(c.meeting_id); m && ctx.actor.officer)
      if (auto ok = api::check_if_match(r, m->version, true); !ok) return fail(ok.error());
    return decide(s, c, ctx);
  };
  if (*dry) {
    auto ctx = context_for(r);
    auto d = store_.read([&](const State& s) { return decide_fn(s, ctx); });
    if (!d) return fail(d.error());
    auto current = store_.read([&](const State& s) { return to_json(*s.meeting(c.meeting_id)); });
    return api::json(200, {{"dry_run", true},
                           {"conflicts", json::array()},
                           {"meeting", d->empty() ? current : last_snapshot(*d, "meeting")}});
  }
  auto events = commit(r, decide_fn);
  if (!events) return fail(events.error());
  return get_meeting(r);
}

SchedulingService::Response SchedulingService::cancel_meeting(http::Request& r) {
  auto body = api::body_object(r);
  if (!body) return fail(body.error());
  Reader in(*body);
  auto reason = in.string("reason", Need::required, 2000);
  in.refuse_unknown({"reason"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  CancelMeeting c{std::string(r.param("id")), *reason};
  auto events = commit(r, [&](const State& s, const Context& ctx) -> Result<Decision> {
    if (const Meeting* m = s.meeting(c.meeting_id); m && ctx.actor.officer)
      if (auto ok = api::check_if_match(r, m->version, false); !ok) return fail(ok.error());
    return decide(s, c, ctx);
  });
  if (!events) return fail(events.error());
  return get_meeting(r);
}

// ---- programme and free slots ---------------------------------------------------------------

std::string SchedulingService::render_programme(const State& s, const Visit& visit, const ProgrammeQuery& q, bool ics) {
  std::string key =
      visit.id + '|' + q.time_zone + '|' + q.member_id.value_or("") + '|' + q.language + (ics ? "|ics" : "|json");
  {
    std::lock_guard lock(render_mutex_);
    if (auto it = rendered_.find(key); it != rendered_.end() && it->second.first == s.revision)
      return it->second.second;
  }
  std::string rendered = ics ? programme_ics(s, visit, q) : programme_json(s, visit, q).dump();
  std::lock_guard lock(render_mutex_);
  if (rendered_.size() > 4096) rendered_.clear();
  rendered_[key] = {s.revision, rendered};
  return rendered;
}

SchedulingService::Response SchedulingService::programme(http::Request& r, bool ics) {
  std::string visit_id(r.param("id"));
  auto member = query_uuid(r, "member_id");
  if (!member) return fail(member.error());
  auto tz = r.query_param("tz");
  if (tz && !is_known_time_zone(*tz))
    return fail(Error::validation("/tz", "'" + tz->substr(0, 64) + "' is not an IANA time zone"));
  auto lang = r.query_param("lang").value_or("en");
  if (!json_input::is_bcp47(lang)) return fail(Error::validation("/lang", "not a BCP 47 language tag"));
  auto actor = context_for(r).actor;
  std::optional<std::string> member_id = member->empty() ? std::nullopt : std::optional<std::string>(*member);
  auto body = store_.read([&](const State& s) -> Result<std::string> {
    const Visit* visit = s.visit(visit_id);
    if (!visit) return fail(Error::not_found("no visit with this id"));
    if (auto ok = may_read_programme(s, actor, visit_id, member_id); !ok) return fail(ok.error());
    return render_programme(s, *visit, ProgrammeQuery{tz.value_or(visit->time_zone), member_id, lang}, ics);
  });
  if (!body) return fail(body.error());
  if (ics) {
    auto resp = http::Response::text(200, std::move(*body), "text/calendar; charset=utf-8");
    resp.headers.set("Content-Disposition", "inline; filename=\"programme.ics\"");
    return resp;
  }
  return http::Response::text(200, std::move(*body), "application/json");
}

SchedulingService::Response SchedulingService::free_slots_of(http::Request& r) {
  std::vector<FieldError> errors;
  std::vector<std::string> participants;
  if (auto p = r.query_param("participants"); p && !p->empty()) {
    size_t pos = 0;
    while (pos <= p->size()) {
      auto comma = p->find(',', pos);
      auto id = p->substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!is_uuid(id)) errors.push_back({"/participants", "'" + id.substr(0, 40) + "' is not a UUID"});
      participants.push_back(id);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  auto venue = query_uuid(r, "venue_id");
  if (!venue) errors.push_back(venue.error().errors.front());
  std::chrono::minutes duration{0};
  if (auto d = r.query_param("duration"); !d)
    errors.push_back({"/duration", "is required (ISO 8601, e.g. PT45M)"});
  else if (auto parsed = parse_iso_duration(*d); !parsed || *parsed < std::chrono::minutes(1))
    errors.push_back({"/duration", "must be an ISO 8601 duration of at least a minute, e.g. PT45M"});
  else
    duration = std::chrono::duration_cast<std::chrono::minutes>(*parsed);
  Days date{};
  if (auto d = r.query_param("date"); !d)
    errors.push_back({"/date", "is required (YYYY-MM-DD)"});
  else if (auto parsed = parse_date(*d); !parsed)
    errors.push_back({"/date", "must be a date YYYY-MM-DD"});
  else
    date = *parsed;
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  auto actor = context_for(r).actor;
  std::optional<std::string> venue_id = venue->empty() ? std::nullopt : std::optional<std::string>(*venue);
  auto result = store_.read([&](const State& s) -> Result<json> {
    const Visit* visit = s.visit(r.param("id"));
    if (!visit) return fail(Error::not_found("no visit with this id"));
    if (auto ok = may_read_visit(s, actor, visit->id); !ok) return fail(ok.error());
    return free_slots(s, *visit, participants, venue_id, duration, date, hours_);
  });
  if (!result) return fail(result.error());
  return api::json(200, *result);
}

}  // namespace concord::scheduling
