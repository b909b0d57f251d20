#include "notifications/domain/views.hpp"

namespace concord::notifications {

using namespace json_read;

namespace {

// A contract's view as the base of notifications' own struct, whose other fields the caller
// reads next; nullopt when the contract's reader found no view.
template <class Extended, class View>
std::optional<Extended> extending(std::optional<View> view) {
  if (!view) return std::nullopt;
  Extended extended;
  static_cast<View&>(extended) = std::move(*view);
  return extended;
}

}  // namespace

std::optional<Member> member_of(const nlohmann::json& s) {
  auto m = extending<Member>(delegations::contract::member_view(s));
  if (!m) return std::nullopt;
  m->channels = strings(s, "channels");
  if (auto a = str(obj(s, "accreditation"), "status"); !a.empty()) m->accreditation = a;
  return m;
}

std::optional<Venue> venue_of(const nlohmann::json& s) {
  Venue v;
  v.id = str(s, "id");
  if (v.id.empty()) return std::nullopt;
  v.name = localized(s, "name");
  v.city = str(s, "city");
  v.time_zone = str(s, "time_zone");
  v.version = num(s, "version");
  return v;
}

std::optional<Meeting> meeting_of(const nlohmann::json& s) {
  auto m = extending<Meeting>(scheduling::contract::meeting_view(s));
  if (!m) return std::nullopt;
  m->title = localized(s, "title");
  m->venue_id = str(s, "venue_id");
  m->time_zone = str(s, "time_zone");
  m->participants = strings(s, "participants");
  return m;
}

std::optional<Document> document_of(const nlohmann::json& s) {
  Document d;
  d.id = str(s, "id");
  if (d.id.empty()) return std::nullopt;
  d.title = localized(s, "title");
  d.kind = str(s, "kind");
  d.status = str(s, "status");
  if (auto signatories = s.find("signatories"); signatories != s.end() && signatories->is_array()) {
    for (const auto& sig : *signatories)
      if (auto member = str(sig, "member_id"); !member.empty()) d.signatories.push_back(member);
  }
  const auto& signing = obj(s, "signing");
  if (auto start = time(signing, "start"))
    d.signing = Signing{str(signing, "meeting_id"), *start, time(signing, "end").value_or(*start)};
  d.version = num(s, "version");
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

// A meeting as upsert() takes it, the participants' index following whatever it kept.
void upsert_meeting(Views& views, std::optional<Meeting> meeting) {
  if (!meeting) return;
  std::string id = meeting->id;
  std::vector<std::string> listed_before;
  if (auto it = views.meetings.find(id); it != views.meetings.end()) {
    listed_before = it->second.participants;
    views.scheduled_by_start.erase({it->second.start, id});
  }
  upsert(views.meetings, std::move(meeting));
  for (const auto& p : listed_before)
    if (auto of = views.meetings_of_member.find(p); of != views.meetings_of_member.end()) {
      of->second.erase(id);
      if (of->second.empty()) views.meetings_of_member.erase(of);
    }
  const Meeting& now_held = views.meetings.at(id);
  for (const auto& p : now_held.participants) views.meetings_of_member[p].insert(id);
  if (now_held.status == "scheduled") views.scheduled_by_start.emplace(now_held.start, id);
}

// A member as upsert() takes it, with the time it was withdrawn: the first event that showed
// it withdrawn (a later snapshot of a withdrawn member keeps that time).
void upsert_member(Views& views, std::optional<Member> member, Timestamp at) {
  if (!member) return;
  if (member->status == "withdrawn") {
    auto it = views.members.find(member->id);
    bool already = it != views.members.end() && it->second.status == "withdrawn" && it->second.withdrawn_at;
    member->withdrawn_at = already ? it->second.withdrawn_at : std::optional<Timestamp>(at);
  }
  upsert(views.members, std::move(member));
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
      upsert_member(views, member_of(d["member"]), e.time);
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
    if (d.contains("meeting")) upsert_meeting(views, meeting_of(d["meeting"]));
    if (d.contains("venue")) upsert(views.venues, venue_of(d["venue"]));
  } else if (starts_with(e.type, documents::contract::kPrefix)) {
    if (d.contains("document")) upsert(views.documents, document_of(d["document"]));
  }
}

void reindex(Views& views) {
  views.meetings_of_member.clear();
  views.scheduled_by_start.clear();
  for (const auto& [id, m] : views.meetings) {
    for (const auto& p : m.participants) views.meetings_of_member[p].insert(id);
    if (m.status == "scheduled") views.scheduled_by_start.emplace(m.start, id);
  }
}

}  // namespace concord::notifications
