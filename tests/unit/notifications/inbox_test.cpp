#include <gtest/gtest.h>

#include "notifications/domain/inbox.hpp"

using namespace concord;
using namespace concord::notifications;

namespace {

Timestamp t(const char* s) {
  return *parse_rfc3339(s);
}

Notification note(const std::string& id, const std::string& member) {
  Notification n;
  n.id = id;
  n.member_id = member;
  n.kind = "meeting.scheduled";
  n.title = "T";
  n.body = "B";
  n.language = "en";
  n.created_at = t("2025-09-20T09:00:00Z");
  n.deliver_after = n.created_at;
  n.cause_event_id = "ev-1";
  n.cause_event_type = "concord.scheduling.meeting.scheduled";
  return n;
}

Incoming created(const Notification& n) {
  return Incoming{"e-" + n.id, kCreated, n.created_at, {{"notification", to_json(n)}}};
}

}  // namespace

TEST(Inbox, created_notifications_fold_into_their_members_inbox_once) {
  Inbox inbox;
  evolve(inbox, created(note("n1", "m1")));
  evolve(inbox, created(note("n2", "m1")));
  evolve(inbox, created(note("n1", "m1")));  // the same event again
  evolve(inbox, created(note("n3", "m2")));
  std::vector<std::string> newest_first;
  for (const auto& [key, id] : inbox.by_member["m1"]) newest_first.push_back(id);
  EXPECT_EQ(newest_first, (std::vector<std::string>{"n2", "n1"}));
  EXPECT_EQ(inbox.by_member["m2"].size(), 1u);
  EXPECT_EQ(unread_count(inbox, "m1", Timestamp::max()), 2);
  auto back = inbox.notifications.at("n1");
  EXPECT_EQ(back.cause_event_id, "ev-1");
  EXPECT_FALSE(back.read_at);
}

TEST(Inbox, a_read_notification_leaves_the_unread_index_and_held_ones_count_once_delivered) {
  Inbox inbox;
  Notification held = note("n1", "m1");
  held.deliver_after = held.created_at + std::chrono::hours(8);  // quiet hours
  evolve(inbox, created(held));
  evolve(inbox, created(note("n2", "m1")));
  EXPECT_EQ(unread_count(inbox, "m1", held.created_at), 1) << "the held one is not delivered yet";
  EXPECT_EQ(unread_count(inbox, "m1", held.deliver_after), 2);
  evolve(inbox, Incoming{"e-r",
                         kRead,
                         held.created_at,
                         {{"notification_id", "n1"}, {"member_id", "m1"}, {"read_at", "2026-06-01T10:00:00Z"}}});
  EXPECT_EQ(unread_count(inbox, "m1", held.deliver_after), 1);
  ASSERT_EQ(inbox.unread_by_member["m1"].size(), 1u);
  EXPECT_EQ(inbox.unread_by_member["m1"].begin()->second, "n2");
}

TEST(Inbox, a_fired_reminder_is_remembered) {
  Inbox inbox;
  auto n = note("n1", "m1");
  n.reminder = "mt/m1/60m/2025-09-28T07:00:00Z";
  evolve(inbox, created(n));
  EXPECT_TRUE(inbox.fired_reminders.contains(n.reminder));
}

TEST(Inbox, only_the_owner_marks_a_notification_read_and_twice_is_harmless) {
  Inbox inbox;
  evolve(inbox, created(note("n1", "m1")));
  Actor owner{.member_id = "m1"}, other{.member_id = "m2"}, officer{.officer = true};
  EXPECT_EQ(decide_mark_read(inbox, other, "n1", t("2025-09-20T10:00:00Z")).error().code, ErrorCode::not_found);
  EXPECT_EQ(decide_mark_read(inbox, owner, "nope", t("2025-09-20T10:00:00Z")).error().code, ErrorCode::not_found);
  EXPECT_EQ(decide_mark_read(inbox, officer, "n1", t("2025-09-20T10:00:00Z")).error().code, ErrorCode::forbidden);
  auto mark = decide_mark_read(inbox, owner, "n1", t("2025-09-20T10:00:00Z"));
  ASSERT_TRUE(mark && *mark);
  evolve(inbox, Incoming{"e-r", kRead, t("2025-09-20T10:00:00Z"), to_json(**mark)});
  EXPECT_EQ(inbox.notifications.at("n1").read_at, t("2025-09-20T10:00:00Z"));
  auto again = decide_mark_read(inbox, owner, "n1", t("2025-09-20T11:00:00Z"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST(Inbox, a_member_sees_only_their_own_inbox_and_officers_any) {
  Actor member{.member_id = "m1"}, officer{.officer = true}, integrator{.integrator = true};
  EXPECT_EQ(*inbox_owner(member, std::nullopt), "m1");
  EXPECT_EQ(*inbox_owner(member, std::string("m1")), "m1");
  EXPECT_EQ(inbox_owner(member, std::string("m2")).error().code, ErrorCode::forbidden);
  EXPECT_EQ(*inbox_owner(officer, std::string("m2")), "m2");
  EXPECT_EQ(inbox_owner(officer, std::nullopt).error().code, ErrorCode::validation_failed);
  EXPECT_EQ(inbox_owner(integrator, std::string("m2")).error().code, ErrorCode::forbidden);
}

TEST(Inbox, preferences_are_folded_per_member) {
  Inbox inbox;
  Preferences p;
  p.language = "ru";
  p.quiet_hours = QuietHours{22 * 60, 7 * 60};
  p.version = 1;
  evolve(inbox, Incoming{"e", kPreferencesSet, {}, {{"member_id", "m1"}, {"preferences", to_json(p)}}});
  ASSERT_TRUE(inbox.preferences.contains("m1"));
  EXPECT_EQ(inbox.preferences["m1"].language, "ru");
  EXPECT_FALSE(inbox.preferences["m1"].time_zone);
  EXPECT_EQ(inbox.preferences["m1"].quiet_hours->start_minute, 22 * 60);
  EXPECT_EQ(to_json(inbox.preferences["m1"])["quiet_hours"]["end"], "07:00");
}

TEST(Inbox, quiet_hours_over_midnight_end_the_next_morning_in_the_members_zone) {
  QuietHours q{22 * 60, 7 * 60};
  EXPECT_EQ(quiet_until(q, t("2025-09-20T20:30:00Z"), "Europe/Minsk"), t("2025-09-21T04:00:00Z"));  // 23:30
  EXPECT_EQ(quiet_until(q, t("2025-09-21T02:00:00Z"), "Europe/Minsk"), t("2025-09-21T04:00:00Z"));  // 05:00
  EXPECT_FALSE(quiet_until(q, t("2025-09-21T05:00:00Z"), "Europe/Minsk"));                          // 08:00
  QuietHours day{12 * 60, 13 * 60};
  EXPECT_EQ(quiet_until(day, t("2025-09-21T09:30:00Z"), "Europe/Minsk"), t("2025-09-21T10:00:00Z"));
  EXPECT_FALSE(quiet_until(day, t("2025-09-21T10:00:00Z"), "Europe/Minsk"));
}
