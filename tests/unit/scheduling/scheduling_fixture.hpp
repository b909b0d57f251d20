#pragma once
// A state with one visit to Minsk (28–30 September 2025, Europe/Minsk), a host and a guest
// delegation with heads, ministers and interpreters, and two venues; decisions are applied with
// the same evolve() the service runs.
#include <gtest/gtest.h>

#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "delegation_events.hpp"
#include "scheduling/domain/decide.hpp"
#include "scheduling/domain/evolve.hpp"

namespace concord::testing {

inline Timestamp at(const char* text) {
  return *parse_rfc3339(text);
}

class SchedulingFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    officer_.subject = "officer";
    officer_.officer = true;
    visit_ = must(scheduling::PlanVisit{{{"en", "Official visit to Minsk"}, {"ru", "Визит в Минск"}},
                                        "official_visit",
                                        "BY",
                                        "KG",
                                        *parse_date("2025-09-28"),
                                        *parse_date("2025-09-30"),
                                        "Europe/Minsk"})[0]
                 .data["visit"]["id"]
                 .get<std::string>();
    hall_ = must(scheduling::CreateVenue{"Palace of Independence", "Minsk", "Pobediteley Ave 11", "Europe/Minsk", 10,
                                         15})[0]
                .data["venue"]["id"]
                .get<std::string>();
    small_ = must(scheduling::CreateVenue{"Small room", "Minsk", "", "Europe/Minsk", 3, 0})[0]
                 .data["venue"]["id"]
                 .get<std::string>();
    delegation(host_, "host", "hh", "BY");
    delegation(guest_, "guest", "gh", "KG");
    member({"hh", host_, visit_, "Host Head", "head_of_state", true});
    member({"gh", guest_, visit_, "Guest Head", "head_of_state", true});
    for (int i = 1; i <= 5; ++i) {
      member({"hm" + std::to_string(i), host_, visit_, "Host Minister " + std::to_string(i), "minister"});
      member({"gm" + std::to_string(i), guest_, visit_, "Guest Minister " + std::to_string(i), "minister"});
    }
    member({"hi", host_, visit_, "Host Interpreter", "interpreter"});
    member({"gi", guest_, visit_, "Guest Interpreter", "interpreter"});
  }

  scheduling::Context ctx(bool officer = true) {
    scheduling::Context c;
    c.now = clock_.now();
    c.ids = &ids_;
    c.rules = rules_;
    c.actor = officer ? officer_ : scheduling::Actor{"member", false, false, "gm1", guest_};
    return c;
  }

  void apply(const std::vector<scheduling::NewEvent>& events) {
    for (const auto& e : events) scheduling::evolve(state_, e.topic, e.type, e.data, clock_.now());
  }
  void apply(const delegations::Made& e) {
    scheduling::evolve(state_, scheduling::kDelegationsTopic, e.type, e.data, clock_.now());
  }

  template <class Command>
  std::vector<scheduling::NewEvent> must(const Command& c) {
    auto r = scheduling::decide(state_, c, ctx());
    EXPECT_TRUE(r) << (r ? "" : r.error().detail + " " + r.error().extensions.dump());
    if (!r) return {};
    apply(*r);
    return *r;
  }
  template <class Command>
  Error refused(const Command& c, bool officer = true) {
    auto r = scheduling::decide(state_, c, ctx(officer));
    EXPECT_FALSE(r) << "expected a refusal";
    return r ? Error{} : r.error();
  }

  void delegation(const std::string& id, const std::string& side, const std::string& head, const std::string& country) {
    apply(delegations::delegation_registered(id, visit_, side, head, country));
  }
  void member(const delegations::MemberSpec& m) { apply(delegations::member_added(m)); }

  scheduling::ScheduleMeeting meeting(const char* start, const char* end, std::vector<std::string> participants,
                                      std::string kind = "expanded_format") {
    return scheduling::ScheduleMeeting{visit_, {{"en", "Talks"}},       std::move(kind), at(start), at(end),
                                       hall_,  std::move(participants), {"ru", "ky"},    ""};
  }
  std::string schedule(const scheduling::ScheduleMeeting& m) {
    return must(m)[0].data["meeting"]["id"].get<std::string>();
  }

  static std::vector<std::string> kinds_of(const Error& e) {
    std::vector<std::string> out;
    for (const auto& c : e.extensions.value("conflicts", nlohmann::json::array()))
      out.push_back(c["kind"].get<std::string>());
    return out;
  }

  ManualClock clock_{at("2025-09-01T08:00:00Z")};
  SequentialIdGenerator ids_;
  scheduling::Rules rules_;
  scheduling::Actor officer_;
  scheduling::State state_;
  std::string visit_, hall_, small_;
  std::string host_ = "d-host", guest_ = "d-guest";
};

}  // namespace concord::testing
