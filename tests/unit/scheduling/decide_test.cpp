#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scheduling_fixture.hpp"

using namespace concord;
using namespace concord::scheduling;
using concord::testing::at;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

namespace {

class Decide : public concord::testing::SchedulingFixture {};

TEST_F(Decide, schedules_a_meeting_with_participants_in_precedence_order) {
  auto events = must(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"gm2", "hm1", "gh", "hi", "hh"}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "concord.scheduling.meeting.scheduled");
  EXPECT_EQ(events[0].key, visit_);
  EXPECT_EQ(events[0].sequence, 1);
  const auto& m = events[0].data["meeting"];
  EXPECT_EQ(m["participants"], nlohmann::json({"hh", "hm1", "hi", "gh", "gm2"}));
  EXPECT_EQ(m["time_zone"], "Europe/Minsk");
  EXPECT_EQ(m["start"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(m["status"], "scheduled");
}

TEST_F(Decide, rejects_booking_inside_venue_buffer) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  // The hall needs 15 minutes between bookings: 08:10 is inside the buffer.
  auto e = refused(meeting("2025-09-28T08:10:00Z", "2025-09-28T09:00:00Z", {"hm1"}));
  EXPECT_EQ(e.code, ErrorCode::conflict);
  EXPECT_THAT(kinds_of(e), ElementsAre("venue_booked"));
  EXPECT_EQ(e.extensions["conflicts"][0]["buffer_minutes"], 15);
  EXPECT_EQ(e.extensions["conflicts"][0]["venue_id"], hall_);
}

TEST_F(Decide, books_right_after_the_buffer) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  schedule(meeting("2025-09-28T08:15:00Z", "2025-09-28T09:00:00Z", {"hm1"}));
  schedule(meeting("2025-09-28T06:00:00Z", "2025-09-28T06:45:00Z", {"hm2"}));
}

TEST_F(Decide, rejects_a_participant_in_two_meetings_at_once) {
  auto first = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  auto m = meeting("2025-09-28T07:30:00Z", "2025-09-28T08:30:00Z", {"hh", "hm1"});
  m.venue_id = small_;
  auto e = refused(m);
  EXPECT_THAT(kinds_of(e), ElementsAre("participant_double_booked"));
  EXPECT_EQ(e.extensions["conflicts"][0]["member_id"], "hh");
  EXPECT_EQ(e.extensions["conflicts"][0]["meeting_id"], first);
}

TEST_F(Decide, rejects_a_meeting_outside_the_visit_dates_in_the_visit_zone) {
  // 23:30 on 27 September in Minsk (UTC+3) is before the visit, though it is the 27th in UTC too.
  auto e = refused(meeting("2025-09-27T20:30:00Z", "2025-09-27T21:30:00Z", {"hh"}));
  EXPECT_THAT(kinds_of(e), ElementsAre("outside_visit_dates"));
  EXPECT_EQ(e.extensions["conflicts"][0]["window_start"], "2025-09-27T21:00:00Z");
  // 00:30 on 28 September in Minsk is inside, though it is still the 27th in UTC.
  schedule(meeting("2025-09-27T21:30:00Z", "2025-09-27T22:00:00Z", {"hh"}));
  // The last day ends at midnight Minsk time.
  auto late = refused(meeting("2025-09-30T20:30:00Z", "2025-09-30T21:30:00Z", {"gh"}));
  EXPECT_THAT(kinds_of(late), ElementsAre("outside_visit_dates"));
}

TEST_F(Decide, rejects_more_participants_than_the_venue_holds) {
  auto m = meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "hm1", "gm1"});
  m.venue_id = small_;
  auto e = refused(m);
  EXPECT_THAT(kinds_of(e), ElementsAre("venue_over_capacity"));
  EXPECT_EQ(e.extensions["conflicts"][0]["capacity"], 3);
  EXPECT_EQ(e.extensions["conflicts"][0]["participants"], 4);
}

TEST_F(Decide, rejects_unknown_withdrawn_and_foreign_participants) {
  member({"gm9", guest_, visit_, "Withdrawn Adviser", "adviser"});
  apply(concord::testing::delegations::member_withdrawn({"gm9", guest_, visit_, "Withdrawn Adviser", "adviser"}));
  member({"other", "d-other", "another-visit", "Someone Else", "official"});
  auto e = refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "nobody", "gm9", "other"}));
  EXPECT_THAT(kinds_of(e), ElementsAre("unknown_participant", "withdrawn_participant", "participant_not_in_visit"));
  EXPECT_EQ(e.extensions["conflicts"][0]["member_id"], "nobody");
  EXPECT_EQ(e.extensions["conflicts"][1]["member_id"], "gm9");
  EXPECT_EQ(e.extensions["conflicts"][2]["member_id"], "other");
}

TEST_F(Decide, tete_a_tete_admits_the_two_heads_and_interpreters) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "hi", "gi"}, "tete_a_tete"));
}

TEST_F(Decide, tete_a_tete_refuses_a_minister) {
  auto e = refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "hm1"}, "tete_a_tete"));
  EXPECT_THAT(kinds_of(e), ElementsAre("format_violation"));
  EXPECT_EQ(e.extensions["conflicts"][0]["rule"], "heads_and_interpreters_only");
  EXPECT_EQ(e.extensions["conflicts"][0]["member_id"], "hm1");
}

TEST_F(Decide, tete_a_tete_needs_both_heads) {
  auto e = refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gi"}, "tete_a_tete"));
  EXPECT_THAT(kinds_of(e), ElementsAre("format_violation"));
  EXPECT_EQ(e.extensions["conflicts"][0]["rule"], "head_of_delegation_required");
  EXPECT_EQ(e.extensions["conflicts"][0]["side"], "guest");
  EXPECT_EQ(e.extensions["conflicts"][0]["member_id"], "gh");
}

TEST_F(Decide, narrow_format_needs_both_heads) {
  auto e = refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"gh", "hm1", "gm1"}, "narrow_format"));
  EXPECT_THAT(kinds_of(e), ElementsAre("format_violation"));
  EXPECT_EQ(e.extensions["conflicts"][0]["side"], "host");
}

TEST_F(Decide, narrow_format_admits_at_most_four_per_side_by_default) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "hm1", "hm2", "hm3", "hi", "gh"},
                   "narrow_format"));
  auto e = refused(meeting("2025-09-28T10:00:00Z", "2025-09-28T11:00:00Z", {"hh", "hm1", "hm2", "hm3", "hm4", "gh"},
                           "narrow_format"));
  EXPECT_THAT(kinds_of(e), ElementsAre("format_violation"));
  EXPECT_EQ(e.extensions["conflicts"][0]["rule"], "too_many_per_side");
  EXPECT_EQ(e.extensions["conflicts"][0]["side"], "host");
  EXPECT_EQ(e.extensions["conflicts"][0]["count"], 5);
  EXPECT_EQ(e.extensions["conflicts"][0]["max"], 4);
}

TEST_F(Decide, narrow_format_limit_is_configurable) {
  rules_.narrow_format_max_per_side = 2;
  auto e =
      refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "gm1", "gm2"}, "narrow_format"));
  EXPECT_EQ(e.extensions["conflicts"][0]["side"], "guest");
  EXPECT_EQ(e.extensions["conflicts"][0]["max"], 2);
}

TEST_F(Decide, reports_every_conflict_at_once) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  auto m = meeting("2025-09-28T07:30:00Z", "2025-09-28T08:30:00Z", {"hh", "gh", "hm1", "ghost"}, "tete_a_tete");
  m.venue_id = small_;
  schedule(scheduling::ScheduleMeeting{visit_,
                                       {{"en", "Other"}},
                                       "site_visit",
                                       at("2025-09-28T07:00:00Z"),
                                       at("2025-09-28T07:45:00Z"),
                                       small_,
                                       {},
                                       {},
                                       ""});
  auto e = refused(m);
  EXPECT_THAT(kinds_of(e),
              UnorderedElementsAre("venue_booked", "participant_double_booked", "participant_double_booked",
                                   "venue_over_capacity", "unknown_participant", "format_violation"));
  EXPECT_NE(e.detail.find("6 scheduling conflicts"), std::string::npos);
}

TEST_F(Decide, only_officers_write) {
  auto e = refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh"}), false);
  EXPECT_EQ(e.code, ErrorCode::forbidden);
  EXPECT_EQ(refused(CreateVenue{"x", "y", "z", "Europe/Minsk", 1, 0}, false).code, ErrorCode::forbidden);
  EXPECT_EQ(refused(CancelMeeting{"x", "r"}, false).code, ErrorCode::forbidden);
}

TEST_F(Decide, refuses_an_end_before_the_start_and_an_unknown_venue) {
  auto m = meeting("2025-09-28T08:00:00Z", "2025-09-28T07:00:00Z", {"hh"});
  m.venue_id = "no-such-venue";
  auto e = refused(m);
  EXPECT_EQ(e.code, ErrorCode::validation_failed);
  ASSERT_EQ(e.errors.size(), 2u);
  EXPECT_EQ(e.errors[0].pointer, "/end");
  EXPECT_EQ(e.errors[1].pointer, "/venue_id");
}

TEST_F(Decide, rescheduling_says_old_and_new_times_and_is_checked_against_others_not_itself) {
  auto id = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  ChangeMeeting c{id};
  c.start = at("2025-09-28T07:30:00Z");
  c.end = at("2025-09-28T08:30:00Z");
  auto events = must(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "concord.scheduling.meeting.rescheduled");
  EXPECT_EQ(events[0].data["previous_start"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(events[0].data["previous_end"], "2025-09-28T08:00:00Z");
  EXPECT_EQ(events[0].data["meeting"]["start"], "2025-09-28T07:30:00Z");
  EXPECT_EQ(events[0].sequence, 2);

  schedule(meeting("2025-09-28T10:00:00Z", "2025-09-28T11:00:00Z", {"hm1"}));
  ChangeMeeting clash{id};
  clash.start = at("2025-09-28T10:30:00Z");
  clash.end = at("2025-09-28T11:30:00Z");
  EXPECT_THAT(kinds_of(refused(clash)), ElementsAre("venue_booked"));
}

TEST_F(Decide, one_change_produces_one_event_per_kind_in_contract_order) {
  auto id = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "hm1"}));
  ChangeMeeting c{id};
  c.title = Localized{{"en", "Talks, renamed"}};
  c.participants = std::vector<std::string>{"hh", "gh", "gm1"};
  c.venue_id = std::optional<std::string>(small_);
  c.start = at("2025-09-28T09:00:00Z");
  c.end = at("2025-09-28T10:00:00Z");
  auto events = must(c);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, "concord.scheduling.meeting.rescheduled");
  EXPECT_EQ(events[1].type, "concord.scheduling.meeting.venue_changed");
  EXPECT_EQ(events[1].data["previous_venue_id"], hall_);
  EXPECT_EQ(events[2].type, "concord.scheduling.meeting.participants_changed");
  EXPECT_EQ(events[2].data["added"], nlohmann::json({"gm1"}));
  EXPECT_EQ(events[2].data["removed"], nlohmann::json({"hm1"}));
  EXPECT_EQ(events[3].type, "concord.scheduling.meeting.updated");
  EXPECT_EQ(events[3].data["changed"], nlohmann::json({"title"}));
  EXPECT_EQ(events[3].sequence, 5);
  EXPECT_EQ(state_.meeting(id)->version, 5);
  EXPECT_EQ(state_.meeting(id)->venue_id, small_);
  // The old slot is free again, and the old participant too.
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hm1"}));
}

TEST_F(Decide, cancelling_frees_the_slot_and_needs_a_reason) {
  auto id = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  EXPECT_EQ(refused(CancelMeeting{id, ""}).code, ErrorCode::validation_failed);
  auto events = must(CancelMeeting{id, "the guest's flight is delayed"});
  EXPECT_EQ(events[0].type, "concord.scheduling.meeting.cancelled");
  EXPECT_EQ(events[0].data["reason"], "the guest's flight is delayed");
  EXPECT_EQ(events[0].data["meeting"]["status"], "cancelled");
  auto again = refused(CancelMeeting{id, "again"});
  EXPECT_EQ(again.code, ErrorCode::conflict);
  // Named after the meeting: problem+json's own "status" is the HTTP code and would hide it.
  auto problem = nlohmann::json::parse(to_problem(again, "/v1/meetings/x/cancel").body);
  EXPECT_EQ(problem["meeting_status"], "cancelled");
  EXPECT_EQ(problem["status"], 409);
  ChangeMeeting c{id};
  c.notes = "x";
  EXPECT_EQ(refused(c).code, ErrorCode::conflict);
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
}

TEST_F(Decide, a_change_of_notes_alone_is_an_update_event) {
  auto id = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh"}));
  ChangeMeeting c{id};
  c.notes = "bring flags";
  auto events = must(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "concord.scheduling.meeting.updated");
  EXPECT_EQ(events[0].data["changed"], nlohmann::json({"notes"}));
  EXPECT_TRUE(must(c).empty());  // nothing changes the second time
}

TEST_F(Decide, visit_dates_cannot_shrink_away_from_a_scheduled_meeting) {
  schedule(meeting("2025-09-30T07:00:00Z", "2025-09-30T08:00:00Z", {"hh"}));
  UpdateVisit u{visit_};
  u.ends_on = *parse_date("2025-09-29");
  auto e = refused(u);
  EXPECT_THAT(kinds_of(e), ElementsAre("outside_visit_dates"));
}

TEST_F(Decide, longer_visit_dates_take_meetings_on_the_new_days) {
  auto late = meeting("2025-10-01T07:00:00Z", "2025-10-01T08:00:00Z", {"hh"});
  EXPECT_THAT(kinds_of(refused(late)), ElementsAre("outside_visit_dates"));
  UpdateVisit u{visit_};
  u.ends_on = *parse_date("2025-10-02");
  EXPECT_EQ(must(u)[0].data["changed"], nlohmann::json({"ends_on"}));
  schedule(late);
}

TEST_F(Decide, visit_status_moves_forward_and_closed_visits_take_no_meetings) {
  UpdateVisit u{visit_};
  u.status = "confirmed";
  EXPECT_EQ(must(u)[0].data["changed"], nlohmann::json({"status"}));
  u.status = "cancelled";
  must(u);
  u.status = "planned";
  EXPECT_EQ(refused(u).code, ErrorCode::conflict);
  EXPECT_EQ(refused(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh"})).code, ErrorCode::conflict);
}

TEST_F(Decide, evolve_ignores_an_event_seen_twice) {
  auto events = must(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh"}));
  auto revision = state_.revision;
  apply(events);
  EXPECT_EQ(state_.by_participant["hh"].size(), 1u);
  EXPECT_EQ(state_.meetings_of_visit[visit_].size(), 1u);
  EXPECT_GT(state_.revision, revision);
}

TEST_F(Decide, members_read_only_their_visit_and_their_own_programme) {
  Actor member{"m", false, false, "gm1", guest_};
  EXPECT_TRUE(may_read_visit(state_, member, visit_));
  EXPECT_FALSE(may_read_visit(state_, member, "another-visit"));
  EXPECT_TRUE(may_read_programme(state_, member, visit_, std::string("gm1")));
  EXPECT_EQ(may_read_programme(state_, member, visit_, std::string("hh")).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(may_read_programme(state_, officer_, "another-visit", std::string("hh")));
}

TEST(Precedence, head_then_rank_then_order_then_name) {
  State s;
  auto add = [&](concord::testing::delegations::MemberSpec m) {
    auto e = concord::testing::delegations::member_added(m);
    evolve(s, kDelegationsTopic, e.type, e.data, {});
  };
  auto d = concord::testing::delegations::delegation_registered("d", "v", "host", "head");
  evolve(s, kDelegationsTopic, d.type, d.data, {});
  add({"head", "d", "v", "Zed", "minister"});
  add({"a", "d", "v", "Bravo", "expert"});
  add({"b", "d", "v", "Alpha", "expert"});
  add({"c", "d", "v", "Charlie", "expert", false, 1});
  add({"e", "d", "v", "Echo", "ambassador"});
  std::vector<std::string> ids{"a", "b", "c", "e", "head", "unknown"};
  sort_by_precedence(s, ids);
  EXPECT_THAT(ids, ElementsAre("head", "e", "c", "b", "a", "unknown"));
}

}  // namespace
