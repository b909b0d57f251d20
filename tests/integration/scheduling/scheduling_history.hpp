#pragma once
// A realistic history of the scheduling service's topics, made without the service: per visit,
// the visit planned and later confirmed, a host and a guest delegation with their members (on
// concord.delegations.v1), meetings scheduled, moved, re-staffed and some cancelled, and now and
// then a venue: 40 events a visit (41 every tenth, with its venue). Used by the snapshot tests
// and the start-up benchmark.
#include <chrono>
#include <string>
#include <vector>

#include "../../unit/scheduling/delegation_events.hpp"
#include "concord/core/id.hpp"
#include "concord/events/event_log.hpp"
#include "scheduling/domain/codec.hpp"
#include "scheduling/domain/model.hpp"

namespace concord::testing {

class SchedulingHistory {
 public:
  static constexpr int kEventsPerVisit = 40;

  // Topics are `prefix` + the real names (tests on a shared broker use a prefix of their own).
  explicit SchedulingHistory(std::string prefix = "") : prefix_(std::move(prefix)) {}

  std::string topic(std::string_view real) const { return prefix_ + std::string(real); }

  // The appends for visits [first, first + count), one append per aggregate change.
  std::vector<events::Append> visits(int first, int count) {
    std::vector<events::Append> out;
    for (int v = first; v < first + count; ++v) one_visit(v, out);
    return out;
  }

  long long events_in(const std::vector<events::Append>& appends) const {
    long long n = 0;
    for (const auto& a : appends) n += static_cast<long long>(a.events.size());
    return n;
  }

 private:
  events::Event event(std::string type, std::string subject, long long sequence, nlohmann::json data) {
    events::Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/scheduling";
    e.type = std::move(type);
    e.subject = std::move(subject);
    e.time = time_;
    time_ += std::chrono::seconds(7);
    e.sequence = sequence;
    e.actor = "officer";
    e.correlationid = e.id;
    e.data = std::move(data);
    return e;
  }

  void add(std::vector<events::Append>& out, std::string_view real_topic, const std::string& key, events::Event e) {
    out.push_back(events::Append{topic(real_topic), key, {std::move(e)}});
  }

  void one_visit(int n, std::vector<events::Append>& out) {
    using namespace std::chrono;
    const std::string sn = std::to_string(n);
    if (n % 10 == 0) {
      scheduling::Venue venue{"venue-" + sn, "Hall " + sn, "Minsk", "Pobediteley Ave " + sn, "Europe/Minsk", 40, 15, 1};
      venues_.push_back(venue.id);
      add(out, scheduling::kTopic, venue.id,
          event("concord.scheduling.venue.created", "venue/" + venue.id, 1, {{"venue", scheduling::to_json(venue)}}));
    }
    const std::string venue = venues_.back();
    Days day0 = Days{days{20358 + n % 700}};  // from 2025-09-28 on
    scheduling::Visit visit{"visit-" + sn,
                            {{"en", "Official visit " + sn}, {"ru", "Официальный визит " + sn}},
                            "official_visit",
                            "BY",
                            "KG",
                            day0,
                            day0 + days{2},
                            "Europe/Minsk",
                            "planned",
                            1,
                            {}};
    add(out, scheduling::kTopic, visit.id,
        event("concord.scheduling.visit.planned", "visit/" + visit.id, 1, {{"visit", scheduling::to_json(visit)}}));

    std::vector<std::string> host, guest;
    for (const char* side : {"host", "guest"}) {
      std::string d = std::string("del-") + side + "-" + sn;
      std::string head = d + "-m0";
      auto made = delegations::delegation_registered(d, visit.id, side, head, side[0] == 'h' ? "BY" : "KG");
      add(out, scheduling::kDelegationsTopic, d, event(made.type, made.subject, 1, made.data));
      for (int m = 0; m < 4; ++m) {
        delegations::MemberSpec spec{d + "-m" + std::to_string(m),
                                     d,
                                     visit.id,
                                     std::string(side) + " member " + std::to_string(m) + " of " + sn,
                                     m == 0 ? "head_of_state" : "minister",
                                     m == 0};
        auto member = delegations::member_added(spec);
        add(out, scheduling::kDelegationsTopic, d, event(member.type, member.subject, 1, member.data));
        (side[0] == 'h' ? host : guest).push_back(spec.id);
      }
    }
    // 12 meetings over the three days, 45 minutes apart; then 12 changes and 2 cancellations.
    std::vector<scheduling::Meeting> meetings;
    for (int m = 0; m < 12; ++m) {
      scheduling::Meeting meeting;
      meeting.id = "meeting-" + sn + "-" + std::to_string(m);
      meeting.visit_id = visit.id;
      meeting.title = {{"en", "Talks " + std::to_string(m)}, {"ru", "Переговоры " + std::to_string(m)}};
      meeting.kind = m % 3 == 0 ? "narrow_format" : "expanded_format";
      meeting.start = Timestamp{duration_cast<milliseconds>((day0 + days{m / 4}).time_since_epoch())} + hours(6) +
                      minutes(90 * (m % 4));
      meeting.end = meeting.start + minutes(60);
      meeting.venue_id = venue;
      meeting.time_zone = "Europe/Minsk";
      meeting.participants = {host[0], guest[0], host[1 + m % 3], guest[1 + m % 3]};
      meeting.interpretation = {"ru", "ky"};
      meeting.notes = "Agenda item " + std::to_string(m);
      meeting.status = "scheduled";
      meeting.version = 1;
      add(out, scheduling::kTopic, visit.id,
          event("concord.scheduling.meeting.scheduled", "meeting/" + meeting.id, 1,
                {{"meeting", scheduling::to_json(meeting)}}));
      meetings.push_back(std::move(meeting));
    }
    for (int m = 0; m < 12; ++m) {
      auto& meeting = meetings[m];
      ++meeting.version;
      std::string verb = "rescheduled";
      if (m % 2 == 0) {
        meeting.start += minutes(15);
        meeting.end += minutes(15);
      } else {
        meeting.participants.push_back(host[3]);
        verb = "updated";
      }
      add(out, scheduling::kTopic, visit.id,
          event("concord.scheduling.meeting." + verb, "meeting/" + meeting.id, meeting.version,
                {{"meeting", scheduling::to_json(meeting)}}));
    }
    for (int m : {5, 11}) {
      auto& meeting = meetings[m];
      ++meeting.version;
      meeting.status = "cancelled";
      add(out, scheduling::kTopic, visit.id,
          event("concord.scheduling.meeting.cancelled", "meeting/" + meeting.id, meeting.version,
                {{"meeting", scheduling::to_json(meeting)}}));
    }
    visit.status = "confirmed";
    visit.version = 2;
    add(out, scheduling::kTopic, visit.id,
        event("concord.scheduling.visit.confirmed", "visit/" + visit.id, 2, {{"visit", scheduling::to_json(visit)}}));
    // 38 events so far (1 + 2 + 8 + 12 + 12 + 2 + 1); two more changes make 40.
    for (int m : {0, 1}) {
      auto& meeting = meetings[m];
      ++meeting.version;
      meeting.notes += " (revised)";
      add(out, scheduling::kTopic, visit.id,
          event("concord.scheduling.meeting.updated", "meeting/" + meeting.id, meeting.version,
                {{"meeting", scheduling::to_json(meeting)}}));
    }
  }

  std::string prefix_;
  Timestamp time_ = Timestamp{std::chrono::milliseconds{1'756'000'000'000}};
  std::vector<std::string> venues_;
};

}  // namespace concord::testing
