#include "scheduling/domain/codec.hpp"

namespace concord::scheduling {

using nlohmann::json;

namespace {

// Each reader throws json::exception on a missing or mistyped field; the callers catch it once.
std::string str(const json& j, const char* key) {
  return j.at(key).get<std::string>();
}

std::optional<std::string> opt_str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

Localized loc(const json& j, const char* key) {
  Localized out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& [k, v] : it->items()) out[k] = v.get<std::string>();
  return out;
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

Timestamp time_of(const json& j, const char* key) {
  auto t = parse_rfc3339(str(j, key));
  if (!t) throw std::invalid_argument("bad time");
  return *t;
}

Days date_of(const json& j, const char* key) {
  auto d = parse_date(str(j, key));
  if (!d) throw std::invalid_argument("bad date");
  return *d;
}

json strings_json(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

template <class T, class F>
std::optional<T> guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

json localized_json(const Localized& text) {
  json o = json::object();
  for (const auto& [k, v] : text) o[k] = v;
  return o;
}

json to_json(const Venue& v) {
  return {{"id", v.id},
          {"name", v.name},
          {"city", v.city},
          {"address", v.address},
          {"time_zone", v.time_zone},
          {"capacity", v.capacity},
          {"buffer_minutes", v.buffer_minutes},
          {"version", v.version}};
}

json to_json(const Visit& v) {
  return {{"id", v.id},
          {"title", localized_json(v.title)},
          {"kind", v.kind},
          {"host_country", v.host_country},
          {"guest_country", v.guest_country},
          {"starts_on", format_date(v.starts_on)},
          {"ends_on", format_date(v.ends_on)},
          {"time_zone", v.time_zone},
          {"status", v.status},
          {"version", v.version}};
}

json to_json(const Meeting& m) {
  return {{"id", m.id},
          {"visit_id", m.visit_id},
          {"title", localized_json(m.title)},
          {"kind", m.kind},
          {"start", format_rfc3339_utc(m.start)},
          {"end", format_rfc3339_utc(m.end)},
          {"venue_id", m.venue_id ? json(*m.venue_id) : json(nullptr)},
          {"time_zone", m.time_zone},
          {"participants", strings_json(m.participants)},
          {"interpretation", strings_json(m.interpretation)},
          {"notes", m.notes},
          {"status", m.status},
          {"version", m.version}};
}

json to_json(const Feed& f) {
  return {{"id", f.id},
          {"visit_id", f.visit_id},
          {"member_id", f.member_id ? json(*f.member_id) : json(nullptr)},
          {"created_by", f.created_by},
          {"secret_sha256", f.secret_sha256},
          {"language", f.language},
          {"label", f.label},
          {"status", f.status},
          {"version", f.version}};
}

json feed_view(const Feed& f) {
  json j = to_json(f);
  j.erase("secret_sha256");
  j["created_at"] = format_rfc3339_utc(f.created_at);
  j["revoked_at"] = f.revoked_at ? json(format_rfc3339_utc(*f.revoked_at)) : json(nullptr);
  return j;
}

std::optional<Feed> feed_from_json(const json& j) {
  return guarded<Feed>([&] {
    Feed f;
    f.id = str(j, "id");
    f.visit_id = str(j, "visit_id");
    f.member_id = opt_str(j, "member_id");
    f.created_by = j.value("created_by", "");
    f.secret_sha256 = str(j, "secret_sha256");
    f.language = j.value("language", "en");
    f.label = j.value("label", "");
    f.status = str(j, "status");
    f.version = j.at("version").get<long long>();
    return f;
  });
}

std::optional<Venue> venue_from_json(const json& j) {
  return guarded<Venue>([&] {
    Venue v;
    v.id = str(j, "id");
    v.name = str(j, "name");
    v.city = j.value("city", "");
    v.address = j.value("address", "");
    v.time_zone = str(j, "time_zone");
    v.capacity = j.at("capacity").get<int>();
    v.buffer_minutes = j.value("buffer_minutes", 0);
    v.version = j.at("version").get<long long>();
    return v;
  });
}

std::optional<Visit> visit_from_json(const json& j) {
  return guarded<Visit>([&] {
    Visit v;
    v.id = str(j, "id");
    v.title = loc(j, "title");
    v.kind = str(j, "kind");
    v.host_country = str(j, "host_country");
    v.guest_country = str(j, "guest_country");
    v.starts_on = date_of(j, "starts_on");
    v.ends_on = date_of(j, "ends_on");
    v.time_zone = str(j, "time_zone");
    v.status = str(j, "status");
    v.version = j.at("version").get<long long>();
    return v;
  });
}

std::optional<Meeting> meeting_from_json(const json& j) {
  return guarded<Meeting>([&] {
    Meeting m;
    m.id = str(j, "id");
    m.visit_id = str(j, "visit_id");
    m.title = loc(j, "title");
    m.kind = str(j, "kind");
    m.start = time_of(j, "start");
    m.end = time_of(j, "end");
    m.venue_id = opt_str(j, "venue_id");
    m.time_zone = str(j, "time_zone");
    m.participants = strings(j, "participants");
    m.interpretation = strings(j, "interpretation");
    m.notes = j.value("notes", "");
    m.status = str(j, "status");
    m.version = j.at("version").get<long long>();
    return m;
  });
}

}  // namespace concord::scheduling
