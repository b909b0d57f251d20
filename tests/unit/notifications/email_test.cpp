// The e-mail channel's pure parts: who gets an e-mail, the invitation's UID/SEQUENCE/METHOD,
// the MIME message, the delivery state, and how SMTP outcomes are judged.
#include "notifications/domain/email.hpp"
#include "route_fixture.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
namespace contract = concord::notifications::contract;

namespace {

class EmailChannel : public RouteFixture {
 protected:
  void SetUp() override {
    feed("concord.scheduling.venue.created", {{"venue", contract::venue()}});
    for (auto [id, lang, zone] :
         {std::tuple{"m-minsk", "ru", "Europe/Minsk"}, std::tuple{"m-bishkek", "en", "Asia/Bishkek"}}) {
      auto m = contract::member(id, std::string("d-") + id, lang, zone);
      m["channels"] = {"inbox", "email"};
      feed("concord.delegations.member.added", {{"member", m}});
    }
    add_member("m-inbox-only", "en", "Europe/Berlin");
  }
  nlohmann::json the_meeting(long long version, const char* start, const char* end,
                             const std::string& status = "scheduled") {
    return contract::meeting("mt-1", contract::at(start), contract::at(end), {"m-minsk", "m-bishkek", "m-inbox-only"},
                             version, status);
  }
  std::vector<Email> emails_of(const std::vector<Notification>& ns) {
    std::vector<Email> out;
    for (const auto& n : ns)
      if (auto e = email_for(n, views, preferences, catalogues(), "mail.example.org")) out.push_back(*e);
    return out;
  }
  static const Email* of(const std::vector<Email>& es, const std::string& member) {
    for (const auto& e : es)
      if (e.member_id == member) return &e;
    return nullptr;
  }
};

}  // namespace

TEST_F(EmailChannel, only_members_who_chose_email_get_one_in_their_language_with_their_zone_named) {
  auto es = emails_of(feed("concord.scheduling.meeting.scheduled",
                           {{"meeting", the_meeting(1, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z")}}));
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(of(es, "m-inbox-only"), nullptr);
  const Email* ru = of(es, "m-minsk");
  const Email* en = of(es, "m-bishkek");
  ASSERT_TRUE(ru && en);
  EXPECT_EQ(ru->language, "ru");
  EXPECT_EQ(ru->subject, "Назначена встреча: Переговоры в расширенном составе");
  EXPECT_NE(ru->text.find("2025-09-28 10:00 (Europe/Minsk, UTC+03:00)"), std::string::npos) << ru->text;
  EXPECT_NE(en->text.find("2025-09-28 13:00 (Asia/Bishkek, UTC+06:00)"), std::string::npos) << en->text;
  EXPECT_EQ(en->message_id, en->id + "@mail.example.org");
}

TEST_F(EmailChannel, a_meeting_invitation_has_the_programme_uid_and_sequence_and_a_move_raises_the_sequence) {
  auto first = emails_of(feed("concord.scheduling.meeting.scheduled",
                              {{"meeting", the_meeting(1, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z")}}));
  auto moved = emails_of(feed("concord.scheduling.meeting.rescheduled",
                              {{"meeting", the_meeting(2, "2025-09-28T07:30:00Z", "2025-09-28T08:30:00Z")},
                               {"previous_start", contract::at("2025-09-28T07:00:00Z")}}));
  auto cancelled =
      emails_of(feed("concord.scheduling.meeting.cancelled",
                     {{"meeting", the_meeting(3, "2025-09-28T07:30:00Z", "2025-09-28T08:30:00Z", "cancelled")},
                      {"reason", "weather"}}));
  const Email* a = of(first, "m-bishkek");
  const Email* b = of(moved, "m-bishkek");
  const Email* c = of(cancelled, "m-bishkek");
  ASSERT_TRUE(a && b && c && a->invitation && b->invitation && c->invitation);
  EXPECT_EQ(a->invitation->uid, "mt-1@concord");
  EXPECT_EQ(b->invitation->uid, "mt-1@concord");
  EXPECT_EQ(c->invitation->uid, "mt-1@concord");
  EXPECT_EQ(a->invitation->method, "REQUEST");
  EXPECT_EQ(b->invitation->method, "REQUEST");
  EXPECT_EQ(c->invitation->method, "CANCEL");
  EXPECT_EQ(a->invitation->sequence, 0);
  EXPECT_EQ(b->invitation->sequence, 1);
  EXPECT_EQ(c->invitation->sequence, 2);
  EXPECT_EQ(b->invitation->start, t("2025-09-28T07:30:00Z"));
  EXPECT_NE(a->message_id, b->message_id);
  auto ics = invitation_ics(*c->invitation, c->queued_at, "concord@mail.example.org", "aide@example.kg");
  EXPECT_NE(ics.find("METHOD:CANCEL\r\n"), std::string::npos) << ics;
  EXPECT_NE(ics.find("STATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SEQUENCE:2\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:mt-1@concord\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART:20250928T073000Z\r\n"), std::string::npos);
  std::string unfolded;
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += ics[i];
  }
  EXPECT_NE(unfolded.find("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:aide@example.kg"),
            std::string::npos)
      << ics;
}

TEST_F(EmailChannel, reminders_carry_no_invitation_and_preferences_can_turn_email_off) {
  feed("concord.scheduling.meeting.scheduled",
       {{"meeting", the_meeting(1, "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z")}});
  Notification n;
  n.id = "n-1";
  n.member_id = "m-minsk";
  n.kind = "meeting.reminder";
  n.subject = "meeting/mt-1";
  n.language = "ru";
  n.title = "Напоминание";
  auto e = email_for(n, views, preferences, catalogues(), "x.org");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->invitation);
  preferences["m-minsk"].channels = std::vector<std::string>{"inbox"};
  EXPECT_FALSE(email_for(n, views, preferences, catalogues(), "x.org"));
}

TEST_F(EmailChannel, quiet_hours_hold_the_email_as_they_hold_the_notification) {
  Notification n;
  n.id = "n-2";
  n.member_id = "m-bishkek";
  n.kind = "document.agreed";
  n.language = "en";
  n.created_at = t("2025-09-20T20:00:00Z");
  n.deliver_after = t("2025-09-21T01:00:00Z");
  auto e = email_for(n, views, preferences, catalogues(), "x.org");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->not_before, t("2025-09-21T01:00:00Z"));
}

TEST(EmailMime, the_message_is_multipart_alternative_with_an_itip_part_and_the_same_bytes_every_time) {
  Email e;
  e.id = "0190a1b2-0000-7000-8000-000000000001";
  e.message_id = e.id + "@mail.example.org";
  e.member_id = "m-1";
  e.language = "ru";
  e.subject = "Назначена встреча: Переговоры в расширенном составе и подписание соглашения";
  e.text = "Первая строка <b>\nвторая\n\nтретья";
  e.queued_at = *parse_rfc3339("2025-09-28T07:00:00Z");
  e.invitation = Invitation{"REQUEST", "mt-1@concord", 3, e.queued_at, e.queued_at + std::chrono::hours(1), "Talks",
                            "Minsk",   "Europe/Minsk"};
  auto m = compose_mime(e, "concord@mail.example.org", "aide@example.kg");
  EXPECT_EQ(m, compose_mime(e, "concord@mail.example.org", "aide@example.kg"));
  EXPECT_NE(m.find("Message-ID: <0190a1b2-0000-7000-8000-000000000001@mail.example.org>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Date: Sun, 28 Sep 2025 07:00:00 +0000\r\n"), std::string::npos) << m.substr(0, 400);
  EXPECT_NE(m.find("Content-Type: multipart/alternative;"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/html; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/calendar; charset=UTF-8; method=REQUEST\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  // No line of the message exceeds 78 characters (RFC 5322's recommendation).
  size_t start = 0;
  while (start < m.size()) {
    size_t end = m.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78u) << m.substr(start, end - start);
    start = end + 2;
  }
}

TEST(EmailMime, header_words_never_split_a_character_and_ascii_stays_as_it_is) {
  EXPECT_EQ(encode_header_words("Meeting moved"), "Meeting moved");
  EXPECT_EQ(encode_header_words("a\r\nBcc: x@y"), "a  Bcc: x@y");  // no header injection
  // 38 bytes and a two-byte letter: the letter goes whole into the second word.
  auto w = encode_header_words(std::string(38, 'a') + "ж");
  EXPECT_EQ(w.substr(w.find("\r\n ") + 3), "=?UTF-8?B?0LY=?=") << w;
  EXPECT_EQ(base64_lines("ab"), "YWI=\r\n");
}

TEST(EmailDelivery, outcomes_are_judged_permanent_only_for_a_5xx_that_is_not_an_authentication_failure) {
  EXPECT_TRUE(classify_send(true, 250, false, "").sent);
  EXPECT_TRUE(classify_send(false, 550, false, "refused").permanent);
  EXPECT_FALSE(classify_send(false, 535, true, "auth").permanent);
  EXPECT_FALSE(classify_send(false, 451, false, "try later").permanent);
  EXPECT_FALSE(classify_send(false, 0, false, "connection refused").permanent);
}

TEST(EmailDelivery, the_state_follows_queued_failed_sent_and_dead_lettered_and_a_delivery_clears_a_failing_address) {
  Emails s;
  Email e;
  e.id = "n-1";
  e.message_id = "n-1@x.org";
  e.member_id = "m-1";
  e.queued_at = *parse_rfc3339("2025-09-28T07:00:00Z");
  auto at = e.queued_at;
  evolve(s, Incoming{"1", kEmailQueued, at, {{"message", to_json(e)}}});
  evolve(s, Incoming{"1", kEmailQueued, at, {{"message", to_json(e)}}});  // seen twice: once
  ASSERT_EQ(s.by_member["m-1"].size(), 1u);
  EXPECT_TRUE(s.pending.contains("n-1"));
  evolve(s,
         Incoming{"2",
                  kEmailAttemptFailed,
                  at,
                  {{"id", "n-1"}, {"attempts", 1}, {"last_code", 451}, {"next_attempt_at", "2025-09-28T07:00:30Z"}}});
  EXPECT_EQ(s.by_id["n-1"].attempts, 1);
  EXPECT_EQ(s.by_id["n-1"].next_attempt_at, *parse_rfc3339("2025-09-28T07:00:30Z"));
  evolve(s,
         Incoming{"3", kEmailAddressFailing, at, {{"member_id", "m-1"}, {"address_digest", "abc"}, {"reason", "550"}}});
  EXPECT_TRUE(s.failing.contains("m-1"));
  evolve(s, Incoming{"4", kEmailSent, at, {{"id", "n-1"}, {"attempts", 2}, {"address_digest", "abc"}}});
  EXPECT_EQ(s.by_id["n-1"].status, "sent");
  EXPECT_FALSE(s.pending.contains("n-1"));
  EXPECT_FALSE(s.failing.contains("m-1"));
}

TEST(EmailContacts, an_address_counts_only_once_its_public_event_is_in_the_log_whichever_topic_comes_first) {
  Views v;
  auto at = *parse_rfc3339("2025-09-28T07:00:00Z");
  nlohmann::json contact = {
      {"member_id", "m-1"}, {"public_event_id", "pub-1"}, {"contact", {{"email", "a@x.kg"}, {"phone", nullptr}}}};
  evolve(v, Incoming{"priv-1", kContactSet, at, contact});
  EXPECT_FALSE(v.contacts.email.contains("m-1"));
  evolve(v, Incoming{"pub-1",
                     "concord.delegations.member.updated",
                     at,
                     {{"member", contract::member("m-1", "d-1", "ky", "Asia/Bishkek", 2)}}});
  EXPECT_EQ(v.contacts.email["m-1"], "a@x.kg");
  // The other order: public first.
  evolve(v, Incoming{"pub-2",
                     "concord.delegations.member.updated",
                     at,
                     {{"member", contract::member("m-1", "d-1", "ky", "Asia/Bishkek", 3)}}});
  contact["public_event_id"] = "pub-2";
  contact["contact"]["email"] = "b@x.kg";
  evolve(v, Incoming{"priv-2", kContactSet, at, contact});
  EXPECT_EQ(v.contacts.email["m-1"], "b@x.kg");
  // An orphan (its public event never written) changes nothing.
  contact["public_event_id"] = "never";
  contact["contact"]["email"] = "c@x.kg";
  evolve(v, Incoming{"priv-3", kContactSet, at, contact});
  EXPECT_EQ(v.contacts.email["m-1"], "b@x.kg");
}
