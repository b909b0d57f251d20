// The daily e-mail digest in the service: set in the preferences (bad settings refused as
// problem+json naming the field), non-urgent e-mails held instead of sent, urgent ones sent at
// once, and at the member's digest time one digest queued and handed to the mailer, once, also
// across a restart. The mail server is unreachable here: an attempt shows what the mailer took.
#include <gtest/gtest.h>

#include "service_harness.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

std::map<std::string, std::string> smtp_env() {
  return {{"CONCORD_SMTP_URL", "smtp://127.0.0.1:9"},
          {"CONCORD_SMTP_FROM", "concord@commission.example.org"},
          {"CONCORD_SMTP_RETRY_SCHEDULE", "1m,1m"},
          {"CONCORD_SMTP_TIMEOUT", "2s"}};
}

nlohmann::json email_member(long long version, const char* accreditation) {
  auto m = contract::member("m-1", "d-m-1", "ru", "Europe/Minsk", version);
  m["channels"] = {"inbox", "email"};
  m["accreditation"] = {{"status", accreditation}, {"badge_number", nullptr}};
  return m;
}

void add_email_member(Harness& h) {
  auto public_id = h.append("concord.delegations.v1", "d-m-1", "concord.delegations.member.added",
                            {{"member", email_member(1, "none")}});
  h.append("concord.delegations.private.v1", "d-m-1", "concord.delegations.member_contact.set",
           {{"member_id", "m-1"},
            {"delegation_id", "d-m-1"},
            {"public_event_id", public_id},
            {"contact", {{"email", "m1@gov.example.org"}, {"phone", nullptr}}}});
}

nlohmann::json find(const nlohmann::json& items, const std::string& kind) {
  for (const auto& i : items)
    if (i["kind"] == kind) return i;
  return nullptr;
}

}  // namespace

TEST(DigestApi, preferences_accept_a_digest_time_and_refuse_a_bad_one_naming_the_field) {
  Harness h(smtp_env());
  h.add_member("m-1", "en", "Asia/Bishkek");
  for (nlohmann::json bad :
       {nlohmann::json{{"email_digest", {{"time", "25:00"}}}}, nlohmann::json{{"email_digest", {{"time", "6pm"}}}},
        nlohmann::json{{"email_digest", "18:00"}}, nlohmann::json{{"email_digest", nlohmann::json::object()}},
        nlohmann::json{{"email_digest", {{"time", "18:00"}, {"days", "weekdays"}}}}}) {
    auto r = h.call(http::Method::put, "/v1/preferences", "member:m-1", bad);
    EXPECT_EQ(r.status, 400) << bad << r.body;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
    EXPECT_NE(r.body.find("/email_digest"), std::string::npos) << r.body;
  }
  auto ok = h.call(http::Method::put, "/v1/preferences", "member:m-1", {{"email_digest", {{"time", "18:00"}}}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["email_digest"]["time"], "18:00");
  EXPECT_EQ(h.get("/v1/preferences", "member:m-1").json["email_digest"]["time"], "18:00");
  auto off = h.call(http::Method::put, "/v1/preferences", "member:m-1", {{"email_digest", nullptr}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(off.json["email_digest"].is_null());
}

TEST(DigestApi, held_emails_go_out_once_in_one_digest_at_the_members_time_and_urgent_ones_at_once) {
  Harness h(smtp_env());  // 2025-09-20 09:00 UTC: 12:00 in Minsk
  add_email_member(h);
  auto set = h.call(http::Method::put, "/v1/preferences", "member:m-1", {{"email_digest", {{"time", "18:00"}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  h.append("concord.delegations.v1", "d-m-1", "concord.delegations.accreditation.approved",
           {{"member", email_member(2, "approved")}, {"reason", nullptr}, {"badge_number", "BY-0007"}});
  auto emails = [&] { return h.get("/v1/emails", "member:m-1").json["items"]; };
  ASSERT_TRUE(h.settled([&] { return emails().size() == 1; })) << emails();
  auto held = emails()[0];
  EXPECT_EQ(held["status"], "held");
  h.settle();
  EXPECT_EQ(emails()[0]["attempts"], 0) << "a held e-mail is not sent on its own";

  // Urgent: sent at once even with the digest on.
  h.append("concord.delegations.v1", "d-m-1", "concord.delegations.accreditation.revoked",
           {{"member", email_member(3, "revoked")}, {"reason", "badge lost"}});
  ASSERT_TRUE(h.settled([&] {
    auto r = find(emails(), "accreditation.revoked");
    return !r.is_null() && r["attempts"] >= 1;
  })) << emails();
  EXPECT_TRUE(find(emails(), "digest").is_null());

  h.clock().advance(5h + 59min);  // 17:59 in Minsk
  h.settle();
  EXPECT_TRUE(find(emails(), "digest").is_null()) << emails();
  h.clock().advance(1min);  // 18:00
  ASSERT_TRUE(h.settled([&] {
    auto d = find(emails(), "digest");
    return !d.is_null() && d["attempts"] >= 1;
  })) << emails();
  auto digest = find(emails(), "digest");
  EXPECT_EQ(digest["id"], "digest-m-1-2025-09-20");
  EXPECT_EQ(digest["subject"], "Сводка за день: 1 изменение");
  EXPECT_EQ(find(emails(), "accreditation.approved")["status"], "in_digest");
  EXPECT_EQ(find(emails(), "accreditation.approved")["digest_id"], "digest-m-1-2025-09-20");
  EXPECT_EQ(find(emails(), "accreditation.approved")["attempts"], 0);

  // The digest's event lists the held e-mail and carries its text, times in the member's zone.
  int digests = 0;
  auto replayed = h.log().replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
    if (r.event.type == "concord.notifications.email.queued" && r.event.data["message"]["kind"] == "digest") {
      ++digests;
      const auto& m = r.event.data["message"];
      EXPECT_EQ(m["includes"], nlohmann::json::array({held["id"]}));
      auto text = m["text"].get<std::string>();
      EXPECT_NE(text.find("2025-09-20 12:00 (Europe/Minsk, UTC+03:00)"), std::string::npos) << m;
      EXPECT_NE(text.find("BY-0007"), std::string::npos) << m;
    }
    return {};
  });
  ASSERT_TRUE(replayed);
  EXPECT_EQ(digests, 1);

  // A restart, and later that evening: still one digest, the held e-mail never sent alone.
  h.close();
  h.open();
  h.clock().advance(2h);
  h.settle();
  int count = 0;
  for (const auto& i : emails()) count += i["kind"] == "digest";
  EXPECT_EQ(count, 1) << emails();
  EXPECT_EQ(find(emails(), "accreditation.approved")["status"], "in_digest");
  EXPECT_EQ(find(emails(), "accreditation.approved")["attempts"], 0);
}
