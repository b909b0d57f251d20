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

// The layouts, each written once for both directions (binary::Writer/Reader::field).
template <class Io, class V>
void venue_layout(Io& io, V& v) {
  io.field(v.id);
  io.field(v.name);
  io.field(v.city);
  io.field(v.address);
  io.field(v.time_zone);
  io.field(v.capacity);
  io.field(v.buffer_minutes);
  io.field(v.version);
}

template <class Io, class V>
void visit_layout(Io& io, V& v) {
  io.field(v.id);
  io.field(v.title);
  io.field(v.kind);
  io.field(v.host_country);
  io.field(v.guest_country);
  io.field(v.starts_on);
  io.field(v.ends_on);
  io.field(v.time_zone);
  io.field(v.status);
  io.field(v.version);
  io.field(v.window);
}

template <class Io, class M>
void meeting_layout(Io& io, M& m) {
  io.field(m.id);
  io.field(m.visit_id);
  io.field(m.title);
  io.field(m.kind);
  io.field(m.start);
  io.field(m.end);
  io.field(m.venue_id);
  io.field(m.time_zone);
  io.field(m.participants);
  io.field(m.interpretation);
  io.field(m.notes);
  io.field(m.status);
  io.field(m.version);
  io.field(m.created_at);
  io.field(m.updated_at);
}

template <class Io, class F>
void feed_layout(Io& io, F& f) {
  io.field(f.id);
  io.field(f.visit_id);
  io.field(f.member_id);
  io.field(f.created_by);
  io.field(f.secret_sha256);
  io.field(f.language);
  io.field(f.label);
  io.field(f.status);
  io.field(f.version);
  io.field(f.created_at);
  io.field(f.revoked_at);
}

void encode(Writer& w, const Venue& v) {
  venue_layout(w, v);
}
void encode(Writer& w, const Visit& v) {
  visit_layout(w, v);
}
void encode(Writer& w, const Meeting& m) {
  meeting_layout(w, m);
}
void encode(Writer& w, const Feed& f) {
  feed_layout(w, f);
}

// A value of type T read with its layout.
template <class T, class Layout>
T decoded(Reader& r, Layout layout) {
  T value;
  layout(r, value);
  return value;
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
    auto v = decoded<Venue>(r, venue_layout<Reader, Venue>);
    s.venues.emplace_hint(s.venues.end(), v.id, std::move(v));
  }
  r.mark(visits);
  for (auto n = r.count(); n > 0; --n) {
    auto v = decoded<Visit>(r, visit_layout<Reader, Visit>);
    s.visits.emplace_hint(s.visits.end(), v.id, std::move(v));
  }
  r.mark(meetings);
  auto meeting_count = r.count();
  s.meetings.reserve(meeting_count);
  for (auto n = meeting_count; n > 0; --n) {
    auto m = decoded<Meeting>(r, meeting_layout<Reader, Meeting>);
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
    auto f = decoded<Feed>(r, feed_layout<Reader, Feed>);
    // The indexes evolve() keeps beside the feeds (state.cpp: apply_feed).
    if (f.status == "active") s.active_feed_by_secret[f.secret_sha256] = f.id;
    s.feeds_by_visit[f.visit_id].insert(f.id);
    s.feeds.emplace_hint(s.feeds.end(), f.id, std::move(f));
  }
  s.identities = auth::decode_links(r);
  r.mark(end);
  if (!r.done()) throw binary::Malformed("bytes after the end of the state");
  return s;
}

}  // namespace concord::scheduling
