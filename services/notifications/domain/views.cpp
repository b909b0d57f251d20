#include "notifications/domain/views.hpp"

namespace concord::notifications {

namespace json_read {

std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

Localized localized(const nlohmann::json& j, const char* key) {
  Localized out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (it->is_string()) {
    out["en"] = it->get<std::string>();  // a plain text is taken as the default language's
  } else if (it->is_object()) {
    for (const auto& [lang, text] : it->items())
      if (text.is_string()) out[lang] = text.get<std::string>();
  }
  return out;
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::optional<Timestamp> time(const nlohmann::json& j, const char* key) {
  auto text = str(j, key);
  if (text.empty()) return std::nullopt;
  auto t = parse_rfc3339(text);
  if (!t) return std::nullopt;
  return *t;
}

long long integer(const nlohmann::json& j, const char* key, long long fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<long long>() : fallback;
}

}  // namespace json_read

using namespace json_read;

std::optional<Member> member_of(const nlohmann::json& s) {
  Member m;
  m.id = str(s, "id");
  if (m.id.empty()) return std::nullopt;
  m.delegation_id = str(s, "delegation_id");
  m.visit_id = str(s, "visit_id");
  m.full_name = localized(s, "full_name");
  m.languages = strings(s, "languages");
  m.time_zone = str(s, "time_zone");
  m.notification_language = str(s, "notification_language");
  m.channels = strings(s, "channels");
  if (auto status = str(s, "status"); !status.empty()) m.status = status;
  if (s.contains("accreditation") && s["accreditation"].is_object()) {
    if (auto a = str(s["accreditation"], "status"); !a.empty()) m.accreditation = a;
  }
  m.version = integer(s, "version");
  return m;
}

std::optional<Venue> venue_of(const nlohmann::json& s) {
  Venue v;
  v.id = str(s, "id");
  if (v.id.empty()) return std::nullopt;
  v.name = localized(s, "name");
  v.city = str(s, "city");
  v.time_zone = str(s, "time_zone");
  v.version = integer(s, "version");
  return v;
}

std::optional<Meeting> meeting_of(const nlohmann::json& s) {
  Meeting m;
  m.id = str(s, "id");
  auto start = time(s, "start");
  auto end = time(s, "end");
  if (m.id.empty() || !start) return std::nullopt;
  m.start = *start;
  m.end = end.value_or(*start);
  m.visit_id = str(s, "visit_id");
  m.title = localized(s, "title");
  m.kind = str(s, "kind");
  m.venue_id = str(s, "venue_id");
  m.time_zone = str(s, "time_zone");
  m.participants = strings(s, "participants");
  if (auto status = str(s, "status"); !status.empty()) m.status = status;
  m.version = integer(s, "version");
  return m;
}

std::optional<Document> document_of(const nlohmann::json& s) {
  Document d;
  d.id = str(s, "id");
  if (d.id.empty()) return std::nullopt;
  d.title = localized(s, "title");
  d.kind = str(s, "kind");
  d.status = str(s, "status");
  if (s.contains("signatories") && s["signatories"].is_array()) {
    for (const auto& sig : s["signatories"]) {
      if (auto member = str(sig, "member_id"); !member.empty()) d.signatories.push_back(member);
    }
  }
  if (s.contains("signing") && s["signing"].is_object()) {
    const auto& g = s["signing"];
    auto start = time(g, "start");
    if (start) d.signing = Signing{str(g, "meeting_id"), *start, time(g, "end").value_or(*start)};
  }
  d.version = integer(s, "version");
  return d;
}

namespace {

template <class T>
void upsert(std::map<std::string, T>& map, std::optional<T> value) {
  if (!value) return;
  auto it = map.find(value->id);
  if (it == map.end()) {
    map.emplace(value->id, std::move(*value));
    return;
  }
  // Version 0 means the producer did not say: take it (upserts of the same snapshot are harmless).
  if (value->version != 0 && value->version <= it->second.version) return;
  it->second = std::move(*value);
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

void evolve(Views& views, const Incoming& e) {
  if (!e.data.is_object()) return;
  const auto& d = e.data;
  if (delegations::contract::apply_identity(views.identities, e.type, d)) return;
  if (e.type == kContactSet) {
    std::string member = str(d, "member_id");
    std::string public_id = str(d, "public_event_id");
    if (member.empty() || public_id.empty()) return;
    std::string address = d.contains("contact") ? str(d["contact"], "email") : std::string{};
    if (!views.contacts.member_events.contains(public_id)) {
      views.contacts.waiting[public_id] = {member, address};
      return;
    }
    if (address.empty())
      views.contacts.email.erase(member);
    else
      views.contacts.email[member] = address;
  } else if (starts_with(e.type, delegations::contract::kPrefix)) {
    if (d.contains("member")) {
      upsert(views.members, member_of(d["member"]));
      views.contacts.member_events.insert(e.id);
      if (auto w = views.contacts.waiting.find(e.id); w != views.contacts.waiting.end()) {
        if (w->second.second.empty())
          views.contacts.email.erase(w->second.first);
        else
          views.contacts.email[w->second.first] = w->second.second;
        views.contacts.waiting.erase(w);
      }
    }
  } else if (starts_with(e.type, scheduling::contract::kPrefix)) {
    if (d.contains("meeting")) upsert(views.meetings, meeting_of(d["meeting"]));
    if (d.contains("venue")) upsert(views.venues, venue_of(d["venue"]));
  } else if (starts_with(e.type, documents::contract::kPrefix)) {
    if (d.contains("document")) upsert(views.documents, document_of(d["document"]));
  }
}

}  // namespace concord::notifications
