#include "route_fixture.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
namespace contract = concord::notifications::contract;

namespace {

class Routing : public RouteFixture {
 protected:
  void SetUp() override {
    feed("concord.scheduling.venue.created", {{"venue", contract::venue()}});
    add_member("m-minsk", "ru", "Europe/Minsk");
    add_member("m-bishkek", "en", "Asia/Bishkek");
  }
  nlohmann::json the_meeting(long long version = 1, const char* start = "2025-09-28T07:00:00Z",
                             const char* end = "2025-09-28T08:00:00Z", const std::string& status = "scheduled") {
    return contract::meeting("mt-1", contract::at(start), contract::at(end), {"m-minsk", "m-bishkek"}, version, status);
  }
};

}  // namespace

TEST_F(Routing, a_scheduled_meeting_notifies_each_participant_in_their_language_and_zone) {
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  ASSERT_EQ(out.size(), 2u);
  const auto* ru = for_member(out, "m-minsk");
  const auto* en = for_member(out, "m-bishkek");
  ASSERT_TRUE(ru && en);
  EXPECT_EQ(ru->language, "ru");
  EXPECT_EQ(ru->kind, "meeting.scheduled");
  EXPECT_EQ(ru->title, "Назначена встреча: Переговоры в расширенном составе");
  EXPECT_NE(ru->body.find("2025-09-28 10:00 (Europe/Minsk, UTC+03:00)"), std::string::npos) << ru->body;
  EXPECT_NE(ru->body.find("Дворец Независимости, Minsk"), std::string::npos) << ru->body;
  EXPECT_EQ(en->language, "en");
  EXPECT_EQ(en->title, "Meeting scheduled: Expanded talks");
  EXPECT_NE(en->body.find("2025-09-28 13:00 (Asia/Bishkek, UTC+06:00)"), std::string::npos) << en->body;
  EXPECT_EQ(en->cause_event_type, "concord.scheduling.meeting.scheduled");
  EXPECT_EQ(en->cause_event_id, ru->cause_event_id);
  EXPECT_EQ(en->subject, "meeting/mt-1");
  EXPECT_NE(en->id, ru->id);
}

TEST_F(Routing, a_rescheduling_says_from_when_to_when_in_the_members_zone) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  auto out = feed("concord.scheduling.meeting.rescheduled",
                  {{"meeting", the_meeting(2, "2025-09-28T11:30:00Z", "2025-09-28T12:30:00Z")},
                   {"previous_start", contract::at("2025-09-28T07:00:00Z")},
                   {"previous_end", contract::at("2025-09-28T08:00:00Z")}});
  ASSERT_EQ(out.size(), 2u);
  const auto* en = for_member(out, "m-bishkek");
  EXPECT_EQ(en->body,
            "Expanded talks has been moved from 2025-09-28 13:00 (Asia/Bishkek, UTC+06:00) to "
            "2025-09-28 17:30 (Asia/Bishkek, UTC+06:00).");
  const auto* ru = for_member(out, "m-minsk");
  EXPECT_NE(ru->body.find("с 2025-09-28 10:00 (Europe/Minsk, UTC+03:00) на 2025-09-28 14:30 (Europe/Minsk, UTC+03:00)"),
            std::string::npos)
      << ru->body;
}

TEST_F(Routing, a_venue_taken_away_says_so_instead_of_naming_an_empty_place) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  auto moved = the_meeting(2);
  const std::string hall = moved["venue_id"];
  moved["venue_id"] = nullptr;
  auto out = feed("concord.scheduling.meeting.venue_changed", {{"meeting", moved}, {"previous_venue_id", hall}});
  ASSERT_EQ(out.size(), 2u);
  const auto* en = for_member(out, "m-bishkek");
  EXPECT_EQ(en->kind, "meeting.venue_changed");
  EXPECT_EQ(en->body,
            "Expanded talks on 2025-09-28 13:00 (Asia/Bishkek, UTC+06:00) no longer has a venue; a new one "
            "will be announced.");
  EXPECT_NE(for_member(out, "m-minsk")->body.find("место пока не назначено"), std::string::npos);
}

TEST_F(Routing, a_cancellation_gives_the_reason_and_is_urgent) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  auto out = feed("concord.scheduling.meeting.cancelled",
                  {{"meeting", the_meeting(2, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", "cancelled")},
                   {"reason", "the minister is unwell"}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(for_member(out, "m-bishkek")->body.find("Reason: the minister is unwell."), std::string::npos);
  EXPECT_TRUE(out[0].urgent);
  EXPECT_TRUE(out[1].urgent);
  auto no_reason =
      feed("concord.scheduling.meeting.cancelled",
           {{"meeting", the_meeting(3, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", "cancelled")}, {"reason", ""}});
  EXPECT_NE(for_member(no_reason, "m-minsk")->body.find("Причина: причина не указана."), std::string::npos);
}

TEST_F(Routing, a_withdrawn_member_is_not_notified) {
  feed("concord.delegations.member.withdrawn",
       {{"member", contract::member("m-minsk", "d-m-minsk", "ru", "Europe/Minsk", 2, "withdrawn")}, {"reason", "x"}});
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].member_id, "m-bishkek");
}

// Replicas fold the roster and the programme from two topics in no common order: a member taken
// off a meeting and then withdrawn is told of the removal even when the withdrawal was folded
// first, and not of what happened after it.
TEST_F(Routing, a_withdrawal_folded_first_still_lets_the_member_hear_of_what_came_before_it) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  auto removal = event("concord.scheduling.meeting.participants_changed",
                       {{"meeting", contract::meeting("mt-1", contract::at("2025-09-28T07:00:00Z"),
                                                      contract::at("2025-09-28T08:00:00Z"), {"m-bishkek"}, 2)},
                        {"removed", {"m-minsk"}}});
  now += std::chrono::seconds(5);
  feed("concord.delegations.member.withdrawn",
       {{"member", contract::member("m-minsk", "d-m-minsk", "ru", "Europe/Minsk", 2, "withdrawn")}, {"reason", "x"}});
  auto told = feed(removal);  // made before the withdrawal, folded after it
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].member_id, "m-minsk");
  EXPECT_EQ(told[0].kind, "meeting.participant_removed");
  EXPECT_EQ(views.members.at("m-minsk").withdrawn_at, now);
  // A later snapshot of the withdrawn member keeps the time of the withdrawal.
  now += std::chrono::seconds(5);
  feed("concord.delegations.member.updated",
       {{"member", contract::member("m-minsk", "d-m-minsk", "ru", "Europe/Minsk", 3, "withdrawn")}});
  EXPECT_EQ(views.members.at("m-minsk").withdrawn_at, now - std::chrono::seconds(5));
  auto after = feed("concord.scheduling.meeting.scheduled",
                    {{"meeting", contract::meeting("mt-2", contract::at("2025-09-29T07:00:00Z"),
                                                   contract::at("2025-09-29T08:00:00Z"), {"m-minsk", "m-bishkek"})}});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].member_id, "m-bishkek");
}

TEST_F(Routing, a_participant_change_tells_the_added_and_the_removed_only) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  add_member("m-third", "ru", "Europe/Moscow");
  auto meeting = contract::meeting("mt-1", contract::at("2025-09-28T07:00:00Z"), contract::at("2025-09-28T08:00:00Z"),
                                   {"m-bishkek", "m-third"}, 2);
  auto out = feed("concord.scheduling.meeting.participants_changed",
                  {{"meeting", meeting}, {"added", {"m-third"}}, {"removed", {"m-minsk"}}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(for_member(out, "m-third")->kind, "meeting.participant_added");
  EXPECT_NE(for_member(out, "m-third")->body.find("Europe/Moscow"), std::string::npos);
  EXPECT_EQ(for_member(out, "m-minsk")->kind, "meeting.participant_removed");
  EXPECT_EQ(for_member(out, "m-bishkek"), nullptr);
}

TEST_F(Routing, a_participant_listed_twice_is_told_once) {
  auto m = the_meeting();
  m["participants"] = {"m-minsk", "m-minsk"};
  EXPECT_EQ(feed("concord.scheduling.meeting.scheduled", {{"meeting", m}}).size(), 1u);
}

TEST_F(Routing, accreditation_decisions_go_to_the_member_themself) {
  auto member = contract::member("m-bishkek", "d-m-bishkek", "en", "Asia/Bishkek", 2);
  member["accreditation"] = {{"status", "approved"}, {"badge_number", "KG-0042"}};
  auto out = feed("concord.delegations.accreditation.approved",
                  {{"member", member}, {"reason", nullptr}, {"badge_number", "KG-0042"}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].member_id, "m-bishkek");
  EXPECT_EQ(out[0].kind, "accreditation.approved");
  EXPECT_EQ(out[0].body, "Your accreditation has been approved. Badge number: KG-0042.");
  EXPECT_EQ(out[0].subject, "member/m-bishkek");
  member["version"] = 3;
  auto rejected = feed("concord.delegations.accreditation.rejected", {{"member", member}, {"reason", "late request"}});
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].body.find("late request"), std::string::npos);
  member["version"] = 4;
  EXPECT_TRUE(feed("concord.delegations.accreditation.requested", {{"member", member}, {"reason", nullptr}}).empty());
}

TEST_F(Routing, document_agreed_signing_scheduled_and_signed_reach_the_signatories) {
  auto doc = contract::document("doc-1", {"m-minsk", "m-bishkek"});
  auto agreed = feed("concord.documents.document.agreed", {{"document", doc}, {"previous_hash", "a"}, {"hash", "b"}});
  ASSERT_EQ(agreed.size(), 2u);
  EXPECT_EQ(for_member(agreed, "m-minsk")->title, "Документ согласован: Меморандум о торговле");
  doc["version"] = 2;
  auto scheduled = feed("concord.documents.signing.scheduled", {{"document", doc},
                                                                {"meeting_id", "mt-1"},
                                                                {"start", contract::at("2025-09-29T12:00:00Z")},
                                                                {"end", contract::at("2025-09-29T12:30:00Z")}});
  ASSERT_EQ(scheduled.size(), 2u);
  EXPECT_NE(for_member(scheduled, "m-bishkek")->body.find("2025-09-29 18:00 (Asia/Bishkek, UTC+06:00)"),
            std::string::npos);
  doc["version"] = 3;
  auto signed_ = feed("concord.documents.document.signed", {{"document", doc}});
  ASSERT_EQ(signed_.size(), 2u);
  EXPECT_EQ(signed_[0].kind, "document.signed");
  doc["version"] = 4;
  EXPECT_TRUE(feed("concord.documents.version.added", {{"document", doc}, {"language", "en"}}).empty());
}

TEST_F(Routing, preferences_override_the_members_language_and_zone) {
  preferences["m-minsk"].language = "en";
  preferences["m-minsk"].time_zone = "Asia/Tokyo";
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  const auto* n = for_member(out, "m-minsk");
  EXPECT_EQ(n->language, "en");
  EXPECT_NE(n->body.find("2025-09-28 16:00 (Asia/Tokyo, UTC+09:00)"), std::string::npos) << n->body;
}

TEST_F(Routing, a_kyrgyz_reader_reads_kyrgyz_with_an_officers_title_in_the_next_language_they_read) {
  auto member = contract::member("m-ky", "d-m-ky", "ky", "Asia/Bishkek");
  member["languages"] = {"ky", "ru"};
  feed("concord.delegations.member.added", {{"member", member}});
  auto m = the_meeting();
  m["participants"] = {"m-ky"};
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", m}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].language, "ky");
  // The meeting has no Kyrgyz title: the Russian one, which the member reads, not the English.
  EXPECT_EQ(out[0].title, "Жолугушуу белгиленди: Переговоры в расширенном составе");
  EXPECT_NE(out[0].body.find("(Asia/Bishkek, UTC+06:00) убагына белгиленди"), std::string::npos) << out[0].body;
}

TEST_F(Routing, a_language_without_a_catalogue_falls_back_to_english) {
  add_member("m-uz", "uz", "Asia/Tashkent");
  auto m = the_meeting();
  m["participants"] = {"m-uz"};
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", m}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].language, "en");
  EXPECT_EQ(out[0].title, "Meeting scheduled: Expanded talks");
}

TEST_F(Routing, an_unknown_member_gets_english_in_the_meetings_zone) {
  auto m = the_meeting();
  m["participants"] = {"m-unknown"};
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", m}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].language, "en");
  EXPECT_NE(out[0].body.find("(Europe/Minsk, UTC+03:00)"), std::string::npos);
}

TEST_F(Routing, quiet_hours_hold_back_what_is_not_urgent) {
  // 23:00 in Minsk: inside 22:00–07:00.
  now = t("2025-09-20T20:00:00Z");
  preferences["m-minsk"].quiet_hours = QuietHours{22 * 60, 7 * 60};
  auto out = feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  const auto* n = for_member(out, "m-minsk");
  EXPECT_FALSE(n->urgent);
  EXPECT_EQ(n->deliver_after, t("2025-09-21T04:00:00Z"));  // 07:00 in Minsk
  EXPECT_EQ(for_member(out, "m-bishkek")->deliver_after, now);
  auto cancelled = feed(
      "concord.scheduling.meeting.cancelled",
      {{"meeting", the_meeting(2, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", "cancelled")}, {"reason", "storm"}});
  EXPECT_EQ(for_member(cancelled, "m-minsk")->deliver_after, now);
}

TEST_F(Routing, a_change_within_the_next_day_is_urgent) {
  now = t("2025-09-27T20:00:00Z");  // 11 hours before the meeting
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  preferences["m-minsk"].quiet_hours = QuietHours{22 * 60, 7 * 60};
  auto out = feed("concord.scheduling.meeting.rescheduled",
                  {{"meeting", the_meeting(2, "2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z")},
                   {"previous_start", contract::at("2025-09-28T07:00:00Z")},
                   {"previous_end", contract::at("2025-09-28T08:00:00Z")}});
  EXPECT_TRUE(for_member(out, "m-minsk")->urgent);
  EXPECT_EQ(for_member(out, "m-minsk")->deliver_after, now);
  // A week ahead is not urgent.
  now = t("2025-09-20T20:00:00Z");
  auto far = feed("concord.scheduling.meeting.rescheduled",
                  {{"meeting", the_meeting(3, "2025-09-29T09:00:00Z", "2025-09-29T10:00:00Z")},
                   {"previous_start", contract::at("2025-09-28T09:00:00Z")}});
  EXPECT_FALSE(for_member(far, "m-minsk")->urgent);
}

TEST_F(Routing, updates_unknown_types_and_malformed_data_notify_nobody) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting()}});
  EXPECT_TRUE(
      feed("concord.scheduling.meeting.updated", {{"meeting", the_meeting(2)}, {"changed", {"title"}}}).empty());
  EXPECT_TRUE(feed("concord.scheduling.visit.planned", {{"visit", {{"id", "v"}}}}).empty());
  EXPECT_TRUE(feed("concord.scheduling.meeting.scheduled", {{"meeting", "not an object"}}).empty());
  EXPECT_TRUE(feed("concord.scheduling.meeting.scheduled", {{"meeting", {{"id", 42}}}}).empty());
  EXPECT_TRUE(feed("concord.documents.document.agreed", {{"document", {{"signatories", 7}}}}).empty());
  EXPECT_TRUE(feed("concord.delegations.accreditation.approved", nlohmann::json::array()).empty());
}

TEST_F(Routing, views_ignore_snapshots_they_already_have_or_older_ones) {
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting(1)}});
  feed("concord.scheduling.meeting.rescheduled",
       {{"meeting", the_meeting(2, "2025-09-28T11:00:00Z", "2025-09-28T12:00:00Z")}});
  feed("concord.scheduling.meeting.scheduled", {{"meeting", the_meeting(1)}});  // applied again
  EXPECT_EQ(views.meetings.at("mt-1").start, t("2025-09-28T11:00:00Z"));
  EXPECT_EQ(views.meetings.at("mt-1").version, 2);
}
