#include <algorithm>
#include <array>
#include <tuple>

#include "concord/core/sort_key.hpp"
#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/conflicts.hpp"
#include "scheduling/domain/evolve.hpp"
#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

namespace {
template <class Map>
auto* find_in(const Map& map, std::string_view id) {
  auto it = map.find(std::string(id));
  return it == map.end() ? nullptr : &it->second;
}
}  // namespace

const Venue* State::venue(std::string_view id) const {
  return find_in(venues, id);
}
const Visit* State::visit(std::string_view id) const {
  return find_in(visits, id);
}
const Meeting* State::meeting(std::string_view id) const {
  return find_in(meetings, id);
}
const Member* State::member(std::string_view id) const {
  return find_in(members, id);
}
const Delegation* State::delegation(std::string_view id) const {
  return find_in(delegations, id);
}
const Feed* State::feed(std::string_view id) const {
  return find_in(feeds, id);
}

int rank_order(std::string_view rank) {
  static constexpr std::array<std::string_view, 12> ranks = {
      "head_of_state",  "head_of_government", "deputy_head_of_government",
      "minister",       "ambassador",         "deputy_minister",
      "head_of_agency", "official",           "adviser",
      "expert",         "interpreter",        "support_staff"};
  for (size_t i = 0; i < ranks.size(); ++i)
    if (ranks[i] == rank) return static_cast<int>(i);
  return static_cast<int>(ranks.size());
}

std::string text_in(const Localized& text, std::string_view lang) {
  if (auto it = text.find(std::string(lang)); it != text.end()) return it->second;
  if (auto it = text.find("en"); it != text.end()) return it->second;
  return text.empty() ? std::string() : text.begin()->second;
}

void sort_by_precedence(const State& state, std::vector<std::string>& ids) {
  auto key = [&](const std::string& id) {
    const Member* m = state.member(id);
    if (!m) return std::make_tuple(3, std::string(), 1, 0, 1, 0LL, std::string(), id);
    const Delegation* d = state.delegation(m->delegation_id);
    int side = !d ? 2 : d->side == "host" ? 0 : d->side == "guest" ? 1 : 2;
    bool head = m->is_head || (d && d->head_member_id == m->id);
    return std::make_tuple(side, m->delegation_id, head ? 0 : 1, rank_order(m->rank), m->precedence_order ? 0 : 1,
                           m->precedence_order.value_or(0), text_in(m->full_name, "en"), id);
  };
  std::stable_sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
}

std::string start_key(const Meeting& m) {
  return SortKey().add(m.start.time_since_epoch().count()).add(m.id).str();
}

namespace {

void unindex(State& s, const Meeting& m) {
  if (m.status != "scheduled") return;
  if (m.venue_id) {
    auto it = s.by_venue.find(*m.venue_id);
    if (it != s.by_venue.end()) it->second.erase(m.id, m.start, m.end);
  }
  for (const auto& p : m.participants) {
    auto it = s.by_participant.find(p);
    if (it != s.by_participant.end()) it->second.erase(m.id, m.start, m.end);
  }
}

void index(State& s, const Meeting& m) {
  if (m.status != "scheduled") return;
  if (m.venue_id) s.by_venue[*m.venue_id].insert(m.id, m.start, m.end);
  for (const auto& p : m.participants) s.by_participant[p].insert(m.id, m.start, m.end);
}

void apply_meeting(State& s, const nlohmann::json& data, Timestamp time) {
  auto it = data.find("meeting");
  if (it == data.end()) return;
  auto m = meeting_from_json(*it);
  if (!m) return;
  auto existing = s.meetings.find(m->id);
  auto& by_start = s.meetings_by_start[m->visit_id];
  if (existing != s.meetings.end()) {
    if (existing->second.version >= m->version) return;
    m->created_at = existing->second.created_at;
    unindex(s, existing->second);
    by_start.erase(start_key(existing->second));
  } else {
    m->created_at = time;
    s.meetings_of_visit[m->visit_id].push_back(m->id);
  }
  m->updated_at = time;
  index(s, *m);
  by_start.emplace(start_key(*m), m->id);
  s.meetings[m->id] = std::move(*m);
}

void apply_feed(State& s, const nlohmann::json& data, Timestamp time) {
  auto it = data.find("feed");
  if (it == data.end()) return;
  auto f = feed_from_json(*it);
  if (!f) return;
  auto existing = s.feeds.find(f->id);
  if (existing != s.feeds.end()) {
    if (existing->second.version >= f->version) return;
    f->created_at = existing->second.created_at;
    f->revoked_at = existing->second.revoked_at;
    s.active_feed_by_secret.erase(existing->second.secret_sha256);
  } else {
    f->created_at = time;
    s.feeds_by_visit[f->visit_id].insert(f->id);
  }
  if (f->status == "active")
    s.active_feed_by_secret[f->secret_sha256] = f->id;
  else if (!f->revoked_at)
    f->revoked_at = time;
  s.feeds[f->id] = std::move(*f);
}

template <class T, class Map, class Parse>
void upsert(Map& map, const nlohmann::json& data, const char* key, Parse parse) {
  auto it = data.find(key);
  if (it == data.end()) return;
  std::optional<T> v = parse(*it);
  if (!v) return;
  auto existing = map.find(v->id);
  if (existing != map.end() && existing->second.version > v->version) return;
  map[v->id] = std::move(*v);
}

}  // namespace

void evolve(State& state, std::string_view topic, std::string_view type, const nlohmann::json& data, Timestamp time) {
  if (!data.is_object()) return;
  if (topic == kTopic) {
    if (type.starts_with(contract::kVenuePrefix))
      upsert<Venue>(state.venues, data, "venue", venue_from_json);
    else if (type.starts_with(contract::kVisitPrefix))
      upsert<Visit>(state.visits, data, "visit", [](const nlohmann::json& j) {
        auto v = visit_from_json(j);
        if (v)
          if (auto w = visit_window(*v)) v->window = std::make_pair(w->start, w->end);
        return v;
      });
    else if (type.starts_with(contract::kMeetingPrefix))
      apply_meeting(state, data, time);
    else
      return;
  } else if (topic == kPrivateTopic) {
    if (type.starts_with(contract::kFeedPrefix))
      apply_feed(state, data, time);
    else
      return;
  } else if (topic == kDelegationsPrivateTopic) {
    delegations::contract::apply_identity(state.identities, type,
                                          data);  // contact and travel events are not ours to keep
    return;
  } else if (topic == kDelegationsTopic) {
    if (!delegations::contract::apply_public(state.delegations, state.members, type, data)) return;
  } else {
    return;
  }
  ++state.revision;
}

}  // namespace concord::scheduling
