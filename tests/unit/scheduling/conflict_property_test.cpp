// The conflict detector against a brute-force check over every meeting, on random schedules
// with fixed seeds: the indexes must find exactly the clashes a full scan finds, after bookings,
// moves and cancellations.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/conflicts.hpp"
#include "scheduling/domain/evolve.hpp"

using namespace concord;
using namespace concord::scheduling;

namespace {

using Clash = std::tuple<std::string, std::string, std::string>;  // kind, meeting id, member or venue id

std::set<Clash> indexed(const State& s, const Draft& d, const std::string& self) {
  std::set<Clash> out;
  for (const auto& c : find_clashes(s, d, self))
    out.emplace(c.kind, c.meeting_id, c.kind == conflict_kind::venue_booked ? c.venue_id : c.member_id);
  return out;
}

std::set<Clash> brute_force(const State& s, const Draft& d, const std::string& self) {
  std::set<Clash> out;
  for (const auto& [id, m] : s.meetings) {
    if (id == self || m.status != "scheduled") continue;
    if (d.venue_id && m.venue_id == d.venue_id) {
      auto buffer = std::chrono::minutes(s.venues.at(*d.venue_id).buffer_minutes);
      if (d.start < m.end + buffer && m.start < d.end + buffer) out.emplace("venue_booked", id, *d.venue_id);
    }
    for (const auto& p : d.participants)
      if (std::find(m.participants.begin(), m.participants.end(), p) != m.participants.end() && d.start < m.end &&
          m.start < d.end)
        out.emplace("participant_double_booked", id, p);
  }
  return out;
}

class ConflictProperty : public ::testing::TestWithParam<unsigned> {};

TEST_P(ConflictProperty, indexes_find_exactly_what_a_full_scan_finds) {
  std::mt19937 rng(GetParam());
  State s;
  const Timestamp day0 = *parse_rfc3339("2025-09-28T00:00:00Z");
  for (int v = 0; v < 4; ++v) {
    Venue venue{"venue-" + std::to_string(v), "V", "", "", "UTC", 100, v * 10, 1};
    evolve(s, kTopic, "concord.scheduling.venue.created", {{"venue", to_json(venue)}}, day0);
  }
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto random_draft = [&] {
    Draft d;
    d.visit_id = "visit";
    d.kind = "expanded_format";
    d.start = day0 + std::chrono::minutes(5 * pick(12 * 24 * 3));
    d.end = d.start + std::chrono::minutes(5 + 5 * pick(36));
    if (pick(5) > 0) d.venue_id = "venue-" + std::to_string(pick(4));
    std::set<std::string> people;
    for (int i = pick(5); i > 0; --i) people.insert("member-" + std::to_string(pick(30)));
    d.participants.assign(people.begin(), people.end());
    return d;
  };
  std::vector<std::string> ids;
  // Meetings are folded in whether or not they clash: the property is about the detector, so
  // the schedule may well hold overlaps (as a replayed log from a looser past version could).
  for (int step = 0; step < 600; ++step) {
    Draft d = random_draft();
    std::string self = ids.empty() || pick(3) > 0 ? std::string() : ids[pick(static_cast<int>(ids.size()))];
    ASSERT_EQ(indexed(s, d, self), brute_force(s, d, self)) << "seed " << GetParam() << " step " << step;
    Meeting m;
    int action = pick(10);
    if (action < 7 || ids.empty()) {
      m.id = "meeting-" + std::to_string(step);
      m.version = 1;
      ids.push_back(m.id);
    } else {
      m = s.meetings.at(ids[pick(static_cast<int>(ids.size()))]);
      ++m.version;
      if (action == 9) m.status = "cancelled";
    }
    if (m.status != "cancelled") {
      m.status = "scheduled";
      m.start = d.start;
      m.end = d.end;
      m.venue_id = d.venue_id;
      m.participants = d.participants;
    }
    m.visit_id = "visit";
    m.kind = d.kind;
    m.time_zone = "UTC";
    m.title = {{"en", "m"}};
    evolve(s, kTopic, "concord.scheduling.meeting.scheduled", {{"meeting", to_json(m)}}, day0);
  }
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, ConflictProperty, ::testing::Values(1u, 2u, 3u, 42u, 2025u, 777u));

}  // namespace
