// Notifications shown before they are recorded (provisional.hpp), and the ids that let the
// record take their place (notification_id).
#include <gtest/gtest.h>

#include "concord/core/id.hpp"
#include "notifications/domain/provisional.hpp"
#include "notifications/domain/route.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace std::chrono_literals;

namespace {

Timestamp t(const char* s) {
  return *parse_rfc3339(s);
}

const Timestamp kNow = t("2026-05-01T09:00:00Z");

Notification routed(const std::string& cause, const std::string& member, Timestamp at = kNow) {
  Notification n;
  n.id = notification_id(cause, member, "meeting.scheduled");
  n.member_id = member;
  n.kind = "meeting.scheduled";
  n.title = "T";
  n.created_at = at;
  n.deliver_after = at;
  n.cause_event_id = cause;
  return n;
}

std::vector<std::string> ids_of(const std::vector<const Notification*>& ns) {
  std::vector<std::string> out;
  for (const auto* n : ns) out.push_back(n->cause_event_id);
  return out;
}

}  // namespace

TEST(NotificationId, is_the_same_for_the_same_cause_member_and_kind_and_differs_otherwise) {
  auto id = notification_id("ev-1", "m1", "meeting.scheduled");
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '8') << "a UUIDv8: " << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC 9562 variant: " << id;
  EXPECT_EQ(id, notification_id("ev-1", "m1", "meeting.scheduled"));
  EXPECT_NE(id, notification_id("ev-2", "m1", "meeting.scheduled"));
  EXPECT_NE(id, notification_id("ev-1", "m2", "meeting.scheduled"));
  EXPECT_NE(id, notification_id("ev-1", "m1", "meeting.cancelled"));
  // The parts are kept apart: moving a character from one to the next is another name.
  EXPECT_NE(notification_id("ev-1m", "1", "k"), notification_id("ev-1", "m1", "k"));
}

TEST(ProvisionalInbox, shows_a_members_routed_notifications_newest_first_until_the_inbox_records_them) {
  ProvisionalInbox provisional(60s);
  Inbox inbox;
  provisional.add({routed("ev-1", "m1"), routed("ev-1", "m2")}, inbox, kNow);
  provisional.add({routed("ev-2", "m1")}, inbox, kNow);
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow)), (std::vector<std::string>{"ev-2", "ev-1"}));
  EXPECT_EQ(ids_of(provisional.pending("m2", inbox, kNow)), (std::vector<std::string>{"ev-1"}));
  EXPECT_TRUE(provisional.pending("m3", inbox, kNow).empty());

  // The owner's record of ev-1 for m1 is folded: the inbox shows it, the provisional one goes.
  add(inbox, routed("ev-1", "m1"));
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow)), (std::vector<std::string>{"ev-2"}));
  EXPECT_EQ(provisional.find(notification_id("ev-1", "m1", "meeting.scheduled"), inbox, kNow), nullptr);
  ASSERT_NE(provisional.find(notification_id("ev-2", "m1", "meeting.scheduled"), inbox, kNow), nullptr);

  // Routed again (the follower meets the event after the record): not added back.
  provisional.forget(notification_id("ev-1", "m1", "meeting.scheduled"));
  provisional.add({routed("ev-1", "m1")}, inbox, kNow);
  EXPECT_EQ(provisional.size(), 2u);  // ev-2 for m1, ev-1 for m2
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow)), (std::vector<std::string>{"ev-2"}));
}

TEST(ProvisionalInbox, one_never_recorded_is_dropped_after_max_age) {
  ProvisionalInbox provisional(60s);
  Inbox inbox;
  provisional.add({routed("ev-1", "m1")}, inbox, kNow);
  provisional.add({routed("ev-2", "m1", kNow + 30s)}, inbox, kNow + 30s);
  EXPECT_EQ(provisional.pending("m1", inbox, kNow + 60s).size(), 2u);
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow + 61s)), (std::vector<std::string>{"ev-2"}))
      << "shown no longer than max_age";
  // The next add sweeps it out of memory too.
  provisional.add({routed("ev-3", "m2", kNow + 61s)}, inbox, kNow + 61s);
  EXPECT_EQ(provisional.size(), 2u);
  EXPECT_EQ(provisional.pending("m1", inbox, kNow + 120s).size(), 0u);
}

TEST(ProvisionalInbox, quiet_hours_hold_it_back_as_they_hold_the_recorded_one) {
  ProvisionalInbox provisional(60s);
  Inbox inbox;
  auto held = routed("ev-1", "m1");
  held.deliver_after = kNow + 30s;
  provisional.add({held}, inbox, kNow);
  EXPECT_TRUE(provisional.pending("m1", inbox, kNow).empty());
  EXPECT_EQ(provisional.pending("m1", inbox, kNow + 30s).size(), 1u);
}

TEST(ProvisionalInbox, holds_at_most_its_bound_dropping_the_oldest_first) {
  ProvisionalInbox provisional(60s, 3);
  Inbox inbox;
  for (const char* cause : {"ev-1", "ev-2", "ev-3", "ev-4"}) provisional.add({routed(cause, "m1")}, inbox, kNow);
  EXPECT_EQ(provisional.size(), 3u);
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow)), (std::vector<std::string>{"ev-4", "ev-3", "ev-2"}));
  // A forgotten one leaves room: the next arrival drops nothing.
  provisional.forget(notification_id("ev-3", "m1", "meeting.scheduled"));
  provisional.add({routed("ev-5", "m1")}, inbox, kNow);
  provisional.add({routed("ev-6", "m1")}, inbox, kNow);
  EXPECT_EQ(ids_of(provisional.pending("m1", inbox, kNow)), (std::vector<std::string>{"ev-6", "ev-5", "ev-4"}));
}
