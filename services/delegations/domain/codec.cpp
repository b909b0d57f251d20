#include "delegations/domain/codec.hpp"

#include <charconv>
#include <stdexcept>

namespace concord::delegations {

using nlohmann::json;

namespace {

template <class T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <class T>
std::optional<T> optional_of(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::optional<std::string> string_or_null(const json& j, const char* field) {
  return optional_of<std::string>(j, field);
}

json leg_json(const std::optional<TravelLeg>& leg) {
  if (!leg) return nullptr;
  return {{"time", format_rfc3339_utc(leg->time)},
          {"local_time", format_at_offset(leg->time, leg->offset_minutes)},
          {"flight", optional_json(leg->flight)},
          {"airport", optional_json(leg->airport)}};
}

std::optional<TravelLeg> leg_from(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  TravelLeg leg;
  const auto local = it->at("local_time").get<std::string>();
  auto t = parse_rfc3339(local);
  if (!t) throw std::invalid_argument("travel: local_time is not RFC 3339");
  leg.time = *t;
  leg.offset_minutes = offset_minutes_of(local).value_or(0);
  leg.flight = string_or_null(*it, "flight");
  leg.airport = string_or_null(*it, "airport");
  return leg;
}

std::optional<Days> date_of(const json& j, const char* field) {
  auto s = string_or_null(j, field);
  if (!s) return std::nullopt;
  auto d = parse_date(*s);
  if (!d) return std::nullopt;
  return *d;
}

}  // namespace

json delegation_snapshot(const Delegation& d) {
  return {{"id", d.id},           {"visit_id", d.visit_id},
          {"country", d.country}, {"side", to_string(d.side)},
          {"name", d.name},       {"head_member_id", optional_json(d.head_member_id)},
          {"version", d.version}};
}

Delegation delegation_from_snapshot(const json& j) {
  Delegation d;
  d.id = j.at("id").get<std::string>();
  d.visit_id = j.at("visit_id").get<std::string>();
  d.country = j.at("country").get<std::string>();
  d.side = parse_side(j.at("side").get<std::string>()).value_or(Side::guest);
  d.name = j.at("name").get<Texts>();
  d.head_member_id = string_or_null(j, "head_member_id");
  d.version = j.at("version").get<long long>();
  return d;
}

json member_snapshot(const Member& m) {
  return {
      {"id", m.id},
      {"delegation_id", m.delegation_id},
      {"visit_id", m.visit_id},
      {"full_name", m.full_name},
      {"position", m.position},
      {"rank", to_string(m.rank)},
      {"precedence_order", optional_json(m.precedence_order)},
      {"is_head", m.is_head},
      {"languages", m.languages},
      {"time_zone", m.time_zone},
      {"notification_language", m.notification_language},
      {"channels", m.channels},
      {"public_key", optional_json(m.public_key)},
      {"status", m.withdrawn ? "withdrawn" : "active"},
      {"accreditation",
       {{"status", to_string(m.accreditation.status)}, {"badge_number", optional_json(m.accreditation.badge_number)}}},
      {"version", m.version}};
}

Member member_from_snapshot(const json& j) {
  Member m;
  m.id = j.at("id").get<std::string>();
  m.delegation_id = j.at("delegation_id").get<std::string>();
  m.visit_id = j.at("visit_id").get<std::string>();
  m.full_name = j.at("full_name").get<Texts>();
  m.position = j.at("position").get<Texts>();
  m.rank = parse_rank(j.at("rank").get<std::string>()).value_or(Rank::support_staff);
  m.precedence_order = optional_of<long long>(j, "precedence_order");
  m.is_head = j.at("is_head").get<bool>();
  m.languages = j.at("languages").get<std::vector<std::string>>();
  m.time_zone = j.at("time_zone").get<std::string>();
  m.notification_language = j.at("notification_language").get<std::string>();
  m.channels = j.at("channels").get<std::vector<std::string>>();
  m.public_key = string_or_null(j, "public_key");
  m.withdrawn = j.at("status").get<std::string>() == "withdrawn";
  const auto& a = j.at("accreditation");
  m.accreditation.status =
      parse_accreditation_status(a.at("status").get<std::string>()).value_or(AccreditationStatus::none);
  m.accreditation.badge_number = string_or_null(a, "badge_number");
  m.version = j.at("version").get<long long>();
  return m;
}

json contact_json(const Contact& c) {
  return {{"email", optional_json(c.email)}, {"phone", optional_json(c.phone)}};
}

Contact contact_from_json(const json& j) {
  return Contact{string_or_null(j, "email"), string_or_null(j, "phone")};
}

json travel_json(const Travel& t) {
  json hotel = nullptr;
  if (t.hotel) {
    hotel = {{"name", t.hotel->name},
             {"address", optional_json(t.hotel->address)},
             {"check_in", t.hotel->check_in ? json(format_date(*t.hotel->check_in)) : json(nullptr)},
             {"check_out", t.hotel->check_out ? json(format_date(*t.hotel->check_out)) : json(nullptr)}};
  }
  return {{"arrival", leg_json(t.arrival)}, {"departure", leg_json(t.departure)}, {"hotel", std::move(hotel)}};
}

Travel travel_from_json(const json& j) {
  Travel t;
  t.arrival = leg_from(j, "arrival");
  t.departure = leg_from(j, "departure");
  if (auto it = j.find("hotel"); it != j.end() && !it->is_null()) {
    Hotel h;
    h.name = it->at("name").get<std::string>();
    h.address = string_or_null(*it, "address");
    h.check_in = date_of(*it, "check_in");
    h.check_out = date_of(*it, "check_out");
    t.hotel = std::move(h);
  }
  return t;
}

json member_view(const Member& m, const Contact* contact, const Travel* travel, bool personal) {
  json v = member_snapshot(m);
  v.erase("notification_language");
  v.erase("channels");
  v["notifications"] = {{"language", m.notification_language}, {"channels", m.channels}};
  if (!personal) return v;
  v["contact"] = contact ? contact_json(*contact) : json(nullptr);
  v["travel"] = travel ? travel_json(*travel) : json(nullptr);
  v["withdrawal_reason"] = optional_json(m.withdrawal_reason);
  json history = json::array();
  for (const auto& step : m.accreditation.history) {
    history.push_back({{"action", step.action},
                       {"actor", step.actor},
                       {"reason", optional_json(step.reason)},
                       {"badge_number", optional_json(step.badge_number)},
                       {"at", format_rfc3339_utc(step.at)}});
  }
  v["accreditation"]["history"] = std::move(history);
  return v;
}

json roster_document(const State& state, const std::string& delegation_id) {
  const Delegation* d = state.delegation(delegation_id);
  if (!d) return nullptr;
  json members = json::array();
  for (const Member* m : roster(state, delegation_id, false)) members.push_back(member_snapshot(*m));
  return {{"delegation", delegation_snapshot(*d)}, {"members", std::move(members)}};
}

std::string roster_cache_key(std::string_view delegation_id) {
  return "roster:" + std::string(delegation_id);
}

std::string format_at_offset(Timestamp t, int offset_minutes) {
  std::string text = format_rfc3339_utc(t + std::chrono::minutes(offset_minutes));
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  return text + format_utc_offset(offset_minutes);
}

std::optional<int> offset_minutes_of(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.back() == 'Z' || text.back() == 'z') return 0;
  if (text.size() < 6) return std::nullopt;
  auto tail = text.substr(text.size() - 6);
  if ((tail[0] != '+' && tail[0] != '-') || tail[3] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(tail.data() + 1, tail.data() + 3, h).ec != std::errc{} ||
      std::from_chars(tail.data() + 4, tail.data() + 6, m).ec != std::errc{})
    return std::nullopt;
  int total = h * 60 + m;
  return tail[0] == '-' ? -total : total;
}

}  // namespace concord::delegations
