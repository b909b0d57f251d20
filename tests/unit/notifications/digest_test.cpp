// The daily e-mail digest's pure parts: which e-mails are held for it, when a member's digest is
// due (their zone, across a DST change), its stable id, what it says, and the state folded from
// its event (held e-mails included once, never on their own).
#include "notifications/domain/digest.hpp"
#include "notifications/domain/email.hpp"
#include "route_fixture.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;

namespace {

class Digest : public ::testing::Test {
 protected:
  void SetUp() override {
    Preferences p;
    p.channels = std::vector<std::string>{"inbox", "email"};
    p.time_zone = "Europe/Berlin";
    p.digest_minute = 18 * 60;
    preferences["m-1"] = p;
    p.digest_minute.reset();
    preferences["m-plain"] = p;
  }
  Notification notification(const std::string& id, const std::string& member, const char* at, bool urgent = false) {
    Notification n;
    n.id = id;
    n.member_id = member;
    n.kind = "accreditation.approved";
    n.title = "Accreditation approved " + id;
    n.body = "Your accreditation has been approved (" + id + ").";
    n.language = "en";
    n.created_at = t(at);
    n.deliver_after = n.created_at;
    n.subject = "member/" + member;
    n.urgent = urgent;
    return n;
  }
  Email email(const std::string& id, const std::string& member, const char* at, bool urgent = false) {
    return *email_for(notification(id, member, at, urgent), views, preferences, catalogues(), "mail.example.org");
  }
  void fold(const Email& e) {
    evolve(emails, Incoming{"ev-" + e.id, kEmailQueued, e.queued_at, {{"message", to_json(e)}}});
  }
  Email make_digest(const DigestDue& d, const char* at, const std::string& language = "en") {
    return digest_email(d, emails, language, "Europe/Berlin", catalogues(), "mail.example.org", t(at));
  }
  std::optional<DigestDue> due(const char* at, std::optional<int> minute = 18 * 60) {
    return digest_due(emails, "m-1", minute, "Europe/Berlin", t(at));
  }

  Views views;
  std::map<std::string, Preferences> preferences;
  Emails emails;
};

}  // namespace

TEST_F(Digest, non_urgent_emails_of_a_member_with_a_digest_are_held_urgent_ones_and_others_go_at_once) {
  Email held = email("n-1", "m-1", "2026-03-28T09:00:00Z");
  Email urgent = email("n-2", "m-1", "2026-03-28T09:00:00Z", true);
  Email plain = email("n-3", "m-plain", "2026-03-28T09:00:00Z");
  EXPECT_TRUE(held.digest);
  EXPECT_FALSE(urgent.digest);
  EXPECT_FALSE(plain.digest);
  for (const auto& e : {held, urgent, plain}) fold(e);
  // Held: not for the mailer; the others are.
  EXPECT_EQ(emails.pending, (std::set<std::string>{"n-2", "n-3"}));
  EXPECT_EQ(emails.held["m-1"], (std::set<std::string>{"n-1"}));
  EXPECT_EQ(emails.by_id.at("n-1").status, "held");
  // The decision travels in the event, so a replay holds it too.
  EXPECT_TRUE(email_of(to_json(held))->digest);
}

TEST_F(Digest, nothing_held_means_no_digest) {
  fold(email("n-2", "m-1", "2026-03-28T09:00:00Z", true));
  EXPECT_FALSE(due("2026-03-28T20:00:00Z"));
  EXPECT_FALSE(digest_due(emails, "m-nobody", 18 * 60, "Europe/Berlin", t("2026-03-28T20:00:00Z")));
}

TEST_F(Digest, is_due_at_the_members_local_time_on_both_sides_of_a_dst_change) {
  // Berlin: 18:00 is 17:00 UTC on Saturday 28 March 2026 (CET) and 16:00 UTC on Sunday (CEST).
  fold(email("n-1", "m-1", "2026-03-28T09:00:00Z"));
  EXPECT_FALSE(due("2026-03-28T16:59:59Z"));
  auto saturday = due("2026-03-28T17:00:00Z");
  ASSERT_TRUE(saturday);
  EXPECT_EQ(saturday->id, "digest-m-1-2026-03-28");
  fold(make_digest(*saturday, "2026-03-28T17:00:00Z"));
  fold(email("n-4", "m-1", "2026-03-29T08:00:00Z"));
  EXPECT_FALSE(due("2026-03-29T15:59:59Z"));
  auto sunday = due("2026-03-29T16:00:00Z");
  ASSERT_TRUE(sunday);
  EXPECT_EQ(sunday->id, "digest-m-1-2026-03-29");
  EXPECT_EQ(sunday->held, std::vector<std::string>{"n-4"});
}

TEST_F(Digest, a_time_skipped_by_the_clocks_going_forward_is_due_when_the_gap_ends) {
  // 02:30 does not exist in Berlin on 29 March 2026: the digest is due at 03:00 CEST (01:00 UTC).
  fold(email("n-1", "m-1", "2026-03-28T20:00:00Z"));
  EXPECT_FALSE(due("2026-03-29T00:59:59Z", 2 * 60 + 30));
  auto d = due("2026-03-29T01:00:00Z", 2 * 60 + 30);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, "digest-m-1-2026-03-29");
}

TEST_F(Digest, held_emails_make_one_digest_with_a_stable_id_that_includes_each_once) {
  fold(email("n-1", "m-1", "2026-03-28T09:00:00Z"));
  fold(email("n-2", "m-1", "2026-03-28T08:00:00Z"));
  auto d = due("2026-03-28T17:30:00Z");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->held, (std::vector<std::string>{"n-2", "n-1"}));  // oldest first
  EXPECT_EQ(due("2026-03-28T23:00:00Z")->id, d->id);             // a second run the same day: the same digest
  Email digest = make_digest(*d, "2026-03-28T17:30:00Z");
  EXPECT_EQ(digest.kind, "digest");
  EXPECT_EQ(digest.message_id, "digest-m-1-2026-03-28@mail.example.org");
  EXPECT_FALSE(digest.digest);
  EXPECT_FALSE(digest.invitation);
  EXPECT_EQ(digest.subject, "Your daily summary: 2 changes");
  auto first = digest.text.find(
      "1. Accreditation approved n-2\n2026-03-28 09:00 (Europe/Berlin, UTC+01:00)\nYour accreditation");
  auto second = digest.text.find("2. Accreditation approved n-1");
  EXPECT_NE(first, std::string::npos) << digest.text;
  EXPECT_NE(second, std::string::npos) << digest.text;
  EXPECT_LT(first, second);
  // Each held e-mail's own footer is left out; the digest has one of its own.
  EXPECT_EQ(digest.text.find(catalogues().text("en", "email_footer")), std::string::npos) << digest.text;
  EXPECT_NE(digest.text.find(catalogues().text("en", "email_digest_footer")), std::string::npos);

  fold(digest);
  EXPECT_TRUE(emails.held["m-1"].empty());
  EXPECT_EQ(emails.by_id.at("n-1").status, "in_digest");
  EXPECT_EQ(emails.by_id.at("n-1").digest_id, digest.id);
  EXPECT_TRUE(emails.pending.contains(digest.id));
  EXPECT_FALSE(emails.pending.contains("n-1"));
  EXPECT_FALSE(due("2026-03-28T23:00:00Z"));  // queued: not again that day
  // Replayed (the same events again, or from the start), the state is the same.
  fold(digest);
  Emails replayed;
  std::swap(replayed, emails);
  for (const auto& e : {replayed.by_id.at("n-1"), replayed.by_id.at("n-2"), digest}) {
    Email copy = *email_of(to_json(e));
    fold(copy);
  }
  EXPECT_TRUE(emails.held["m-1"].empty());
  EXPECT_EQ(emails.pending, (std::set<std::string>{digest.id}));
  EXPECT_EQ(emails.by_id.at("n-2").status, "in_digest");
  EXPECT_FALSE(due("2026-03-28T23:00:00Z"));
}

TEST_F(Digest, what_is_held_after_the_digest_time_waits_for_the_next_day) {
  fold(email("n-1", "m-1", "2026-03-28T17:30:00Z"));  // 18:30 in Berlin
  EXPECT_FALSE(due("2026-03-28T22:00:00Z"));
  EXPECT_FALSE(due("2026-03-29T15:59:00Z"));
  ASSERT_TRUE(due("2026-03-29T16:00:00Z"));
}

TEST_F(Digest, turned_off_whatever_is_still_held_goes_at_once) {
  fold(email("n-1", "m-1", "2026-03-28T09:00:00Z"));
  auto d = due("2026-03-28T10:00:00Z", std::nullopt);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id, "digest-m-1-n-1");
}

TEST_F(Digest, the_subject_counts_the_changes_in_the_members_language) {
  for (const char* id : {"n-1", "n-2", "n-3", "n-4", "n-5"}) fold(email(id, "m-1", "2026-03-28T09:00:00Z"));
  auto d = *due("2026-03-28T17:00:00Z");
  auto subject = [&](const char* lang) { return make_digest(d, "2026-03-28T17:00:00Z", lang).subject; };
  EXPECT_EQ(subject("ru"), "Сводка за день: 5 изменений");
  EXPECT_EQ(subject("be"), "Зводка за дзень: 5 змен");
  EXPECT_EQ(subject("ky"), "Күндүк кыскача маалымат: 5 өзгөрүү");
  d.held.resize(3);
  EXPECT_EQ(subject("ru"), "Сводка за день: 3 изменения");
  d.held.resize(1);
  EXPECT_EQ(subject("be"), "Зводка за дзень: 1 змена");
}
