#include "route_fixture.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

class Reminders : public RouteFixture {
 protected:
  void SetUp() override {
    add_member("m-minsk", "ru", "Europe/Minsk");
    add_member("m-bishkek", "en", "Asia/Bishkek");
    schedule(1, "2025-09-28T07:00:00Z");
  }
  void schedule(long long version, const char* start, std::vector<std::string> who = {"m-minsk", "m-bishkek"},
                const std::string& status = "scheduled") {
    auto s = parse_rfc3339(start).value();
    views.meetings.erase("mt-1");  // keep the test about reminders, not versions
    evolve(views, event("concord.scheduling.meeting.scheduled",
                        {{"meeting", contract::meeting("mt-1", contract::at(start), format_rfc3339_utc(s + 1h), who,
                                                       version, status)}}));
  }
  std::vector<Reminder> due(Timestamp at) { return due_reminders(views, offsets, fired, at); }
  // Fires what is due, as the processor does: render, and remember the key.
  std::vector<Notification> fire(Timestamp at) {
    std::vector<Notification> out;
    RouteContext ctx{at, ids, catalogues(), preferences};
    for (const auto& r : due(at)) {
      out.push_back(render_reminder(r, views, ctx));
      fired.insert(r.key);
    }
    return out;
  }

  std::vector<std::chrono::minutes> offsets{24h, 1h};
  std::set<std::string> fired;
};

}  // namespace

TEST_F(Reminders, nothing_is_due_before_a_day_ahead) {
  EXPECT_TRUE(due(t("2025-09-27T06:59:59Z")).empty());
  EXPECT_EQ(pending_reminders(views, offsets, fired, t("2025-09-27T06:00:00Z")).size(), 4u);
}

TEST_F(Reminders, a_day_ahead_and_an_hour_ahead_each_participant_is_reminded_once) {
  auto first = fire(t("2025-09-27T07:00:00Z"));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].kind, "meeting.reminder");
  const auto& ru = first[0].member_id == "m-minsk" ? first[0] : first[1];
  EXPECT_EQ(ru.title, "Через 24 часа: Переговоры в расширенном составе");
  EXPECT_NE(ru.body.find("2025-09-28 10:00 (Europe/Minsk, UTC+03:00)"), std::string::npos);
  EXPECT_TRUE(fire(t("2025-09-27T08:00:00Z")).empty());
  auto second = fire(t("2025-09-28T06:00:00Z"));
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(second[0].title.find("1 "), std::string::npos) << second[0].title;
  EXPECT_TRUE(fire(t("2025-09-28T06:30:00Z")).empty());
  EXPECT_TRUE(pending_reminders(views, offsets, fired, t("2025-09-28T06:30:00Z")).empty());
}

TEST_F(Reminders, a_moved_meeting_moves_its_reminders) {
  ASSERT_EQ(fire(t("2025-09-27T07:00:00Z")).size(), 2u);
  schedule(2, "2025-09-29T07:00:00Z");
  // The old 1-hour reminder never comes; the new day-ahead one does.
  EXPECT_TRUE(due(t("2025-09-28T06:00:00Z")).empty());
  auto pending = pending_reminders(views, offsets, fired, t("2025-09-27T08:00:00Z"), "m-minsk");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].at, t("2025-09-28T07:00:00Z"));
  EXPECT_EQ(pending[1].at, t("2025-09-29T06:00:00Z"));
  EXPECT_EQ(fire(t("2025-09-28T07:00:00Z")).size(), 2u);
}

TEST_F(Reminders, a_cancelled_meeting_withdraws_its_reminders) {
  schedule(2, "2025-09-28T07:00:00Z", {"m-minsk", "m-bishkek"}, "cancelled");
  EXPECT_TRUE(pending_reminders(views, offsets, fired, t("2025-09-27T06:00:00Z")).empty());
  EXPECT_TRUE(due(t("2025-09-28T06:00:00Z")).empty());
}

TEST_F(Reminders, a_removed_or_withdrawn_member_is_not_reminded) {
  schedule(2, "2025-09-28T07:00:00Z", {"m-bishkek"});
  EXPECT_EQ(pending_reminders(views, offsets, fired, t("2025-09-27T06:00:00Z"), "m-minsk").size(), 0u);
  schedule(3, "2025-09-28T07:00:00Z", {"m-minsk", "m-bishkek"});
  evolve(views, event("concord.delegations.member.withdrawn",
                      {{"member", contract::member("m-bishkek", "d", "en", "Asia/Bishkek", 2, "withdrawn")}}));
  auto due_now = due(t("2025-09-27T07:00:00Z"));
  ASSERT_EQ(due_now.size(), 1u);
  EXPECT_EQ(due_now[0].member_id, "m-minsk");
}

TEST_F(Reminders, after_an_outage_only_the_nearest_reminder_is_sent) {
  auto out = fire(t("2025-09-28T06:30:00Z"));
  ASSERT_EQ(out.size(), 2u);
  for (const auto& n : out) EXPECT_NE(n.reminder.find("/60m/"), std::string::npos) << n.reminder;
  EXPECT_TRUE(fire(t("2025-09-28T06:40:00Z")).empty());
}

TEST_F(Reminders, a_meeting_that_has_begun_is_not_reminded) {
  EXPECT_TRUE(due(t("2025-09-28T07:00:00Z")).empty());
  EXPECT_TRUE(due(t("2025-09-28T09:00:00Z")).empty());
}

TEST_F(Reminders, offsets_are_configured_as_durations) {
  using std::chrono::minutes;
  EXPECT_EQ(parse_offsets("24h,1h"), (std::vector<minutes>{minutes(1440), minutes(60)}));
  EXPECT_EQ(parse_offsets("90m, 2d"), (std::vector<minutes>{minutes(90), minutes(2880)}));
  EXPECT_FALSE(parse_offsets(""));
  EXPECT_FALSE(parse_offsets("1x"));
  EXPECT_FALSE(parse_offsets("h"));
  EXPECT_FALSE(parse_offsets("0h"));
  EXPECT_FALSE(parse_offsets("-1h"));
  EXPECT_FALSE(parse_offsets("1h,,2h"));
}

// A member's reminders come from the meetings they are listed in (Views::meetings_of_member),
// the same as picking them out of every meeting's, and follow a changed list of participants.
TEST_F(Reminders, a_members_reminders_come_from_their_own_meetings_and_follow_a_changed_list) {
  auto second = [&](long long version, std::vector<std::string> who) {
    evolve(views, event("concord.scheduling.meeting.scheduled",
                        {{"meeting", contract::meeting("mt-2", contract::at("2025-09-28T12:00:00Z"),
                                                       contract::at("2025-09-28T13:00:00Z"), who, version)}}));
  };
  second(1, {"m-bishkek"});
  auto before_both = t("2025-09-27T06:00:00Z");
  auto picked_from_all = [&](const std::string& member) {
    std::vector<std::string> keys;
    for (const auto& r : pending_reminders(views, offsets, fired, before_both))
      if (r.member_id == member) keys.push_back(r.key);
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  auto of_member = [&](const std::string& member) {
    std::vector<std::string> keys;
    for (const auto& r : pending_reminders(views, offsets, fired, before_both, member)) keys.push_back(r.key);
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  EXPECT_EQ(views.meetings_of_member.at("m-minsk"), std::set<std::string>{"mt-1"});
  EXPECT_EQ(views.meetings_of_member.at("m-bishkek"), (std::set<std::string>{"mt-1", "mt-2"}));
  for (const std::string member : {"m-minsk", "m-bishkek"}) EXPECT_EQ(of_member(member), picked_from_all(member));
  EXPECT_EQ(of_member("m-minsk").size(), 2u);

  second(2, {"m-minsk"});
  EXPECT_EQ(views.meetings_of_member.at("m-bishkek"), std::set<std::string>{"mt-1"});
  EXPECT_EQ(of_member("m-minsk").size(), 4u);
  EXPECT_EQ(of_member("m-bishkek").size(), 2u);
  for (const std::string member : {"m-minsk", "m-bishkek"}) EXPECT_EQ(of_member(member), picked_from_all(member));
}

// Due reminders are looked up by start time (Views::scheduled_by_start), which follows every
// change of a meeting through evolve and is rebuilt with the rest after a snapshot.
TEST_F(Reminders, due_ones_are_found_by_start_through_moves_cancellations_and_a_reindex) {
  auto move = [&](const char* id, long long version, const char* start, const std::string& status = "scheduled") {
    auto s = parse_rfc3339(start).value();
    evolve(views, event("concord.scheduling.meeting.rescheduled",
                        {{"meeting", contract::meeting(id, contract::at(start), format_rfc3339_utc(s + 1h), {"m-minsk"},
                                                       version, status)}}));
  };
  move("mt-2", 1, "2025-10-05T07:00:00Z");
  move("mt-3", 1, "2025-10-06T07:00:00Z");
  auto meetings_due = [&](const char* at) {
    std::set<std::string> out;
    for (const auto& r : due(t(at))) out.insert(r.meeting_id);
    return out;
  };
  EXPECT_EQ(meetings_due("2025-10-04T07:00:00Z"), (std::set<std::string>{"mt-2"}));
  move("mt-2", 2, "2025-10-07T07:00:00Z");  // moved later: not due on the 4th any more
  EXPECT_TRUE(meetings_due("2025-10-04T07:00:00Z").empty());
  EXPECT_EQ(meetings_due("2025-10-05T07:00:00Z"), (std::set<std::string>{"mt-3"}));
  move("mt-3", 2, "2025-10-06T07:00:00Z", "cancelled");
  EXPECT_TRUE(meetings_due("2025-10-05T07:00:00Z").empty());
  EXPECT_EQ(views.scheduled_by_start.size(), 2u) << "mt-1 and mt-2; the cancelled one left";
  Views rebuilt;
  rebuilt.members = views.members;
  rebuilt.meetings = views.meetings;
  reindex(rebuilt);
  EXPECT_EQ(rebuilt.scheduled_by_start, views.scheduled_by_start);
  EXPECT_EQ(due_reminders(rebuilt, offsets, fired, t("2025-10-06T07:00:00Z")).size(), 1u);  // mt-2, m-minsk
}
