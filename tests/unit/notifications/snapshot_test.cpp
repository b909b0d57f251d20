// The notifications state through its snapshot codec and back, with every member of every struct
// set (every optional present, every index and set filled): decode(encode(state)) encodes to the
// same bytes and holds what was put in; damaged bytes are refused.
#include <gtest/gtest.h>

#include "concord/core/binary.hpp"
#include "notifications/domain/snapshot.hpp"

using namespace concord;
using namespace concord::notifications;

namespace {

Timestamp at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

void fill_views(Views& v) {
  Member m;
  m.id = "m-1";
  m.delegation_id = "d-1";
  m.visit_id = "visit-1";
  m.full_name = {{"en", "Aibek"}, {"ru", "Айбек"}};
  m.position = {{"en", "Minister"}};
  m.rank = "minister";
  m.precedence_order = 1;
  m.is_head = true;
  m.public_key = "MCowBQYDK2VwAyEA";
  m.languages = {"ky", "ru"};
  m.time_zone = "Asia/Bishkek";
  m.notification_language = "ru";
  m.channels = {"inbox", "email"};
  m.status = "withdrawn";
  m.accreditation = "approved";
  m.version = 4;
  v.members[m.id] = m;
  v.contacts.email["m-1"] = "aibek@mfa.kg";
  v.contacts.waiting["ev-9"] = {"m-2", "b@mfa.kg"};
  v.contacts.member_events = {"ev-1", "ev-2"};
  v.identities.link(auth::Identity{"https://id.example.org", "sub-1"}, "m-1");
  v.venues["venue-1"] = Venue{"venue-1", {{"en", "Palace"}}, "Minsk", "Europe/Minsk", 2};
  Meeting mt;
  mt.id = "mt-1";
  mt.visit_id = "visit-1";
  mt.title = {{"en", "Talks"}};
  mt.kind = "expanded";
  mt.start = at("2025-09-28T07:00:00Z");
  mt.end = at("2025-09-28T08:00:00Z");
  mt.venue_id = "venue-1";
  mt.time_zone = "Europe/Minsk";
  mt.participants = {"m-1", "m-2"};
  mt.status = "cancelled";
  mt.cancel_reason = "the heads dine privately";
  mt.version = 3;
  v.meetings[mt.id] = mt;
  Document d;
  d.id = "doc-1";
  d.title = {{"en", "Memorandum"}};
  d.kind = "memorandum";
  d.status = "signing_scheduled";
  d.signatories = {"m-1"};
  d.signing = Signing{"mt-1", at("2025-09-29T07:00:00Z"), at("2025-09-29T07:30:00Z")};
  d.version = 6;
  v.documents[d.id] = d;
}

void fill_inbox(Inbox& in) {
  Notification n;
  n.id = "n-1";
  n.member_id = "m-1";
  n.kind = "meeting.scheduled";
  n.title = "Talks";
  n.body = "At 10:00";
  n.language = "ru";
  n.created_at = at("2025-09-20T09:00:00Z");
  n.cause_event_id = "ev-1";
  n.cause_event_type = "concord.scheduling.meeting.scheduled";
  n.subject = "meeting/mt-1";
  n.urgent = true;
  n.deliver_after = at("2025-09-20T10:00:00Z");
  n.reminder = "mt-1/1h";
  n.read_at = at("2025-09-20T11:00:00Z");
  n.inbox_key = "0001";
  in.notifications[n.id] = n;
  in.by_member["m-1"]["0001"] = "n-1";
  in.unread_by_member["m-2"]["0002"] = "n-2";
  in.held_unread["m-1"] = {"n-1", "n-3"};
  in.fired_reminders = {"mt-1/1h"};
  Preferences p;
  p.language = "ky";
  p.time_zone = "Asia/Bishkek";
  p.channels = std::vector<std::string>{"inbox"};
  p.quiet_hours = QuietHours{22 * 60, 7 * 60};
  p.digest_minute = 8 * 60;
  p.version = 2;
  in.preferences["m-1"] = p;
  in.preferences["m-2"] = Preferences{};  // every optional absent
}

void fill_webhooks(Webhooks& s) {
  Webhook h;
  h.id = "wh-1";
  h.owner = "integrator-1";
  h.url = "https://hooks.example.org/in";
  h.event_types = {"concord.scheduling.*"};
  h.status = "failing";
  h.created_at = at("2025-09-20T09:00:00Z");
  h.version = 3;
  h.secret_generation = 2;
  h.previous_secret_until = at("2025-09-21T09:00:00Z");
  s.by_id[h.id] = h;
  Delivery d;
  d.id = "msg_01";
  d.webhook_id = "wh-1";
  d.event_id = "ev-1";
  d.event_type = "concord.scheduling.meeting.scheduled";
  d.payload = R"({"id":"ev-1"})";
  d.attempts = 3;
  d.status = "pending";
  d.last_status_code = 503;
  d.last_error = "Service Unavailable";
  d.next_attempt_at = at("2025-09-20T09:10:00Z");
  d.updated_at = at("2025-09-20T09:05:00Z");
  d.replayed_after = 1;
  d.replays = 1;
  s.deliveries[d.id] = d;
  s.by_webhook["wh-1"]["0001"] = "msg_01";
  s.pending = {"msg_01"};
}

void fill_emails(Emails& s) {
  Email e;
  e.id = "n-1";
  e.message_id = "<n-1@concord>";
  e.member_id = "m-1";
  e.kind = "meeting.scheduled";
  e.language = "ru";
  e.subject = "Talks";
  e.text = "At 10:00";
  e.urgent = true;
  e.queued_at = at("2025-09-20T09:00:00Z");
  e.not_before = at("2025-09-20T10:00:00Z");
  e.invitation =
      Invitation{"REQUEST", "mt-1@concord", 2, at("2025-09-28T07:00:00Z"), at("2025-09-28T08:00:00Z"), "Talks",
                 "Palace",  "Europe/Minsk"};
  e.digest = true;
  e.includes = {"n-2", "n-3"};
  e.digest_id = "dg-1";
  e.attempts = 2;
  e.status = "queued";
  e.last_code = 451;
  e.last_error = "try later";
  e.next_attempt_at = at("2025-09-20T09:30:00Z");
  e.updated_at = at("2025-09-20T09:20:00Z");
  s.by_id[e.id] = e;
  s.pending = {"n-1"};
  s.held["m-1"] = {"n-4"};
  s.by_member["m-1"]["0001"] = "n-1";
  s.failing["m-2"] = FailingAddress{"m-2", "sha256:ab", "mailbox unavailable", "n-5", at("2025-09-19T09:00:00Z")};
  s.address_versions["m-2"] = 1;
}

State rich_state() {
  State s;
  fill_views(s.views);
  fill_inbox(s.inbox);
  fill_webhooks(s.webhooks);
  fill_emails(s.emails);
  return s;
}

}  // namespace

TEST(NotificationsSnapshot, a_decoded_state_encodes_to_the_same_bytes_and_holds_every_part) {
  auto bytes = encode_state(rich_state());
  State decoded = decode_state(bytes);
  EXPECT_EQ(encode_state(decoded), bytes);
  const auto& member = decoded.views.members.at("m-1");
  EXPECT_EQ(member.channels, (std::vector<std::string>{"inbox", "email"}));
  EXPECT_EQ(member.accreditation, "approved");
  EXPECT_EQ(member.full_name.at("ru"), "Айбек");
  EXPECT_EQ(member.precedence_order, 1);
  EXPECT_EQ(decoded.views.identities.member_of(auth::Identity{"https://id.example.org", "sub-1"}), "m-1");
  EXPECT_EQ(decoded.views.contacts.waiting.at("ev-9").second, "b@mfa.kg");
  EXPECT_EQ(decoded.views.meetings.at("mt-1").participants.size(), 2u);
  EXPECT_EQ(decoded.views.meetings.at("mt-1").cancel_reason, "the heads dine privately");
  EXPECT_EQ(decoded.views.documents.at("doc-1").signing->meeting_id, "mt-1");
  EXPECT_EQ(decoded.inbox.notifications.at("n-1").read_at, at("2025-09-20T11:00:00Z"));
  EXPECT_EQ(decoded.inbox.preferences.at("m-1").quiet_hours->end_minute, 7 * 60);
  EXPECT_EQ(decoded.inbox.preferences.at("m-1").digest_minute, 8 * 60);
  EXPECT_FALSE(decoded.inbox.preferences.at("m-2").channels);
  EXPECT_EQ(decoded.inbox.held_unread.at("m-1").size(), 2u);
  EXPECT_EQ(decoded.webhooks.by_id.at("wh-1").previous_secret_until, at("2025-09-21T09:00:00Z"));
  // The indexes keyed by ids alone are rebuilt, not carried.
  EXPECT_EQ(decoded.webhooks.live_by_owner.at("integrator-1"), std::set<std::string>{"wh-1"});
  EXPECT_EQ(decoded.webhooks.live, std::set<std::string>{"wh-1"});
  EXPECT_EQ(decoded.views.meetings_of_member.at("m-2"), std::set<std::string>{"mt-1"});
  EXPECT_EQ(decoded.webhooks.deliveries.at("msg_01").last_status_code, 503);
  EXPECT_EQ(decoded.emails.by_id.at("n-1").invitation->sequence, 2);
  EXPECT_EQ(decoded.emails.failing.at("m-2").reason, "mailbox unavailable");
  EXPECT_EQ(decoded.emails.address_versions.at("m-2"), 1);
}

TEST(NotificationsSnapshot, damaged_snapshot_bytes_are_refused_never_half_decoded) {
  auto bytes = encode_state(rich_state());
  EXPECT_THROW(decode_state(bytes.substr(0, bytes.size() - 1)), binary::Malformed);
  EXPECT_THROW(decode_state(bytes + "?"), binary::Malformed);
  EXPECT_THROW(decode_state(""), binary::Malformed);
}
