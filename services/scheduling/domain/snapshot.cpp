#include "scheduling/domain/snapshot.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "concord/core/binary.hpp"

namespace concord::scheduling {

namespace {

using binary::Reader;
using binary::Writer;
// The views of delegations: their layout is delegations' contract's.
using delegations::contract::decode_delegation_view;
using delegations::contract::decode_member_view;
using delegations::contract::encode;

constexpr std::uint32_t kMagic = 0x53434831;  // "SCH1"
enum Section : std::uint32_t { venues = 1, visits, meetings, meetings_of_visit, delegations, members, feeds, end };

void encode(Writer& w, const Venue& v) {
  w.str(v.id);
  w.str(v.name);
  w.str(v.city);
  w.str(v.address);
  w.str(v.time_zone);
  w.i64(v.capacity);
  w.i64(v.buffer_minutes);
  w.i64(v.version);
}
Venue get_venue(Reader& r) {
  Venue v;
  v.id = r.str();
  v.name = r.str();
  v.city = r.str();
  v.address = r.str();
  v.time_zone = r.str();
  v.capacity = static_cast<int>(r.i64());
  v.buffer_minutes = static_cast<int>(r.i64());
  v.version = r.i64();
  return v;
}

void encode(Writer& w, const Visit& v) {
  w.str(v.id);
  w.string_map(v.title);
  w.str(v.kind);
  w.str(v.host_country);
  w.str(v.guest_country);
  w.day(v.starts_on);
  w.day(v.ends_on);
  w.str(v.time_zone);
  w.str(v.status);
  w.i64(v.version);
  w.boolean(v.window.has_value());
  if (v.window) {
    w.time(v.window->first);
    w.time(v.window->second);
  }
}
Visit get_visit(Reader& r) {
  Visit v;
  v.id = r.str();
  v.title = r.string_map();
  v.kind = r.str();
  v.host_country = r.str();
  v.guest_country = r.str();
  v.starts_on = r.day();
  v.ends_on = r.day();
  v.time_zone = r.str();
  v.status = r.str();
  v.version = r.i64();
  if (r.boolean()) {
    auto from = r.time();
    v.window = std::make_pair(from, r.time());
  }
  return v;
}

void encode(Writer& w, const Meeting& m) {
  w.str(m.id);
  w.str(m.visit_id);
  w.string_map(m.title);
  w.str(m.kind);
  w.time(m.start);
  w.time(m.end);
  w.opt_str(m.venue_id);
  w.str(m.time_zone);
  w.strings(m.participants);
  w.strings(m.interpretation);
  w.str(m.notes);
  w.str(m.status);
  w.i64(m.version);
  w.time(m.created_at);
  w.time(m.updated_at);
}
Meeting get_meeting(Reader& r) {
  Meeting m;
  m.id = r.str();
  m.visit_id = r.str();
  m.title = r.string_map();
  m.kind = r.str();
  m.start = r.time();
  m.end = r.time();
  m.venue_id = r.opt_str();
  m.time_zone = r.str();
  m.participants = r.strings();
  m.interpretation = r.strings();
  m.notes = r.str();
  m.status = r.str();
  m.version = r.i64();
  m.created_at = r.time();
  m.updated_at = r.time();
  return m;
}

void encode(Writer& w, const Feed& f) {
  w.str(f.id);
  w.str(f.visit_id);
  w.opt_str(f.member_id);
  w.str(f.created_by);
  w.str(f.secret_sha256);
  w.str(f.language);
  w.str(f.label);
  w.str(f.status);
  w.i64(f.version);
  w.time(f.created_at);
  w.opt_time(f.revoked_at);
}
Feed get_feed(Reader& r) {
  Feed f;
  f.id = r.str();
  f.visit_id = r.str();
  f.member_id = r.opt_str();
  f.created_by = r.str();
  f.secret_sha256 = r.str();
  f.language = r.str();
  f.label = r.str();
  f.status = r.str();
  f.version = r.i64();
  f.created_at = r.time();
  f.revoked_at = r.opt_time();
  return f;
}

// In key order, hash maps too: the same state always makes the same bytes.
template <class Map>
void put_all(Writer& w, Section section, const Map& map) {
  w.mark(section);
  w.count(map.size());
  std::vector<const typename Map::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  if constexpr (!requires { map.key_comp(); })
    std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : entries) encode(w, entry->second);
}

}  // namespace

std::string encode_state(const State& s) {
  Writer w;
  w.mark(kMagic);
  w.u64(s.revision);
  put_all(w, venues, s.venues);
  put_all(w, visits, s.visits);
  put_all(w, meetings, s.meetings);
  w.mark(meetings_of_visit);
  std::map<std::string_view, const std::vector<std::string>*> of_visit;
  for (const auto& [visit, ids] : s.meetings_of_visit) of_visit.emplace(visit, &ids);
  w.count(of_visit.size());
  for (const auto& [visit, ids] : of_visit) {
    w.str(visit);
    w.strings(*ids);
  }
  put_all(w, delegations, s.delegations);
  put_all(w, members, s.members);
  put_all(w, feeds, s.feeds);
  auth::encode_links(w, s.identities);
  w.mark(end);
  return w.take();
}

State decode_state(std::string_view bytes) {
  Reader r(bytes);
  State s;
  r.mark(kMagic);
  s.revision = r.u64();
  r.mark(venues);
  for (auto n = r.count(); n > 0; --n) {
    auto v = get_venue(r);
    s.venues.emplace_hint(s.venues.end(), v.id, std::move(v));
  }
  r.mark(visits);
  for (auto n = r.count(); n > 0; --n) {
    auto v = get_visit(r);
    s.visits.emplace_hint(s.visits.end(), v.id, std::move(v));
  }
  r.mark(meetings);
  auto meeting_count = r.count();
  s.meetings.reserve(meeting_count);
  for (auto n = meeting_count; n > 0; --n) {
    auto m = get_meeting(r);
    // The indexes evolve() keeps beside the meetings (state.cpp: apply_meeting, index).
    s.meetings_by_start[m.visit_id].emplace(start_key(m), m.id);
    if (m.status == "scheduled") {
      if (m.venue_id) s.by_venue[*m.venue_id].insert(m.id, m.start, m.end);
      for (const auto& p : m.participants) s.by_participant[p].insert(m.id, m.start, m.end);
    }
    auto id = m.id;
    s.meetings.emplace(std::move(id), std::move(m));
  }
  r.mark(meetings_of_visit);
  for (auto n = r.count(); n > 0; --n) {
    auto visit = r.str();
    s.meetings_of_visit.emplace(std::move(visit), r.strings());
  }
  r.mark(delegations);
  for (auto n = r.count(); n > 0; --n) {
    auto d = decode_delegation_view(r);
    s.delegations.emplace_hint(s.delegations.end(), d.id, std::move(d));
  }
  r.mark(members);
  for (auto n = r.count(); n > 0; --n) {
    auto m = decode_member_view(r);
    auto id = m.id;
    s.members.emplace(std::move(id), std::move(m));
  }
  r.mark(feeds);
  for (auto n = r.count(); n > 0; --n) {
    auto f = get_feed(r);
    if (f.status == "active") s.active_feed_by_secret[f.secret_sha256] = f.id;
    s.feeds.emplace_hint(s.feeds.end(), f.id, std::move(f));
  }
  s.identities = auth::decode_links(r);
  r.mark(end);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::scheduling
