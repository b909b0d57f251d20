// The e-mail channel in the service, over HTTP: who may read deliveries and failing addresses,
// bad input as 4xx problem+json, the channel off without CONCORD_SMTP_URL, and a mail server
// that cannot be reached: retried on the schedule, then dead-lettered and the address marked
// failing (the Mailpit tier, tests/e2e/email_channel.sh, shows delivery itself).
#include <gtest/gtest.h>

#include "service_harness.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

// A loopback port nothing listens on: every connection is refused.
unsigned short closed_port() {
  return 9;
}

std::map<std::string, std::string> smtp_env() {
  return {{"CONCORD_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(closed_port())},
          {"CONCORD_SMTP_FROM", "concord@commission.example.org"},
          {"CONCORD_SMTP_RETRY_SCHEDULE", "1m,1m"},
          {"CONCORD_SMTP_TIMEOUT", "2s"}};
}

void add_email_member(Harness& h, const std::string& id, const std::string& address) {
  auto m = contract::member(id, "d-" + id, "ru", "Europe/Minsk");
  m["channels"] = {"inbox", "email"};
  auto public_id = h.append("concord.delegations.v1", "d-" + id, "concord.delegations.member.added", {{"member", m}});
  h.append("concord.delegations.private.v1", "d-" + id, "concord.delegations.member_contact.set",
           {{"member_id", id},
            {"delegation_id", "d-" + id},
            {"public_event_id", public_id},
            {"contact", {{"email", address}, {"phone", nullptr}}}});
}

void schedule(Harness& h, const std::string& meeting, std::vector<std::string> who) {
  h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
           {{"meeting", contract::meeting(meeting, contract::at("2025-09-28T07:00:00Z"),
                                          contract::at("2025-09-28T08:00:00Z"), std::move(who))}});
}

}  // namespace

TEST(EmailApi, without_an_smtp_url_the_channel_is_off_and_nothing_is_queued) {
  Harness h;
  add_email_member(h, "m-1", "m1@gov.example.org");
  schedule(h, "mt-1", {"m-1"});
  ASSERT_TRUE(h.settled([&] { return h.inbox("m-1").size() == 1; }));
  auto r = h.get("/v1/emails", "member:m-1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["enabled"].get<bool>());
  EXPECT_TRUE(r.json["items"].empty());
}

TEST(EmailApi, members_see_their_own_emails_officers_anyones_and_only_officers_the_failing_addresses) {
  Harness h(smtp_env());
  EXPECT_EQ(h.get("/v1/emails", "member:m-1").status, 200);
  EXPECT_EQ(h.get("/v1/emails?member_id=m-2", "member:m-1").status, 403);
  auto empty = h.get("/v1/emails?member_id=", "officer");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.headers.get("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(h.get("/v1/emails", "officer").status, 400);  // whose?
  EXPECT_EQ(h.get("/v1/emails?member_id=m-1&limit=0", "officer").status, 400);
  EXPECT_EQ(h.get("/v1/emails?member_id=m-1&cursor=zz", "officer").status, 400);
  EXPECT_EQ(h.get("/v1/email-addresses/failing", "member:m-1").status, 403);
  EXPECT_EQ(h.get("/v1/email-addresses/failing", "integrator").status, 403);
  EXPECT_EQ(h.get("/v1/email-addresses/failing", "officer").status, 200);
  EXPECT_EQ(h.get("/v1/email-addresses/failing", "").status, 401);
}

TEST(EmailApi, preferences_accept_email_as_a_channel_and_name_the_channels_when_refusing_one) {
  Harness h(smtp_env());
  h.add_member("m-1", "en", "Asia/Bishkek");
  auto ok = h.call(http::Method::put, "/v1/preferences", "member:m-1", {{"channels", {"inbox", "email"}}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto bad = h.call(http::Method::put, "/v1/preferences", "member:m-1", {{"channels", {"fax"}}});
  ASSERT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("inbox, stream and email"), std::string::npos) << bad.body;
}

TEST(EmailApi, a_bad_smtp_configuration_stops_the_service_naming_the_variable) {
  for (auto [name, value] :
       {std::pair{"CONCORD_SMTP_URL", "http://mail.example.org"}, std::pair{"CONCORD_SMTP_FROM", "nobody"}}) {
    auto env = smtp_env();
    env[name] = value;
    try {
      Harness h(env);
      ADD_FAILURE() << name << "=" << value << " was accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(EmailApi, an_unreachable_server_is_retried_on_the_schedule_then_dead_lettered_and_the_address_marked_failing) {
  Harness h(smtp_env());
  add_email_member(h, "m-1", "m1@gov.example.org");
  h.add_member("m-inbox", "en", "Asia/Bishkek");
  schedule(h, "mt-1", {"m-1", "m-inbox"});
  auto emails = [&] { return h.get("/v1/emails?member_id=m-1", "officer").json["items"]; };
  ASSERT_TRUE(h.settled([&] {
    auto e = emails();
    return e.size() == 1 && e[0]["attempts"] == 1;
  })) << emails();
  auto first = emails()[0];
  EXPECT_EQ(first["status"], "queued");
  EXPECT_EQ(first["invitation"], "REQUEST");
  EXPECT_FALSE(first["last_error"].is_null());
  EXPECT_EQ(first["next_attempt_at"], "2025-09-20T09:01:00Z");
  EXPECT_TRUE(h.get("/v1/emails?member_id=m-inbox", "officer").json["items"].empty());
  // Not before its time: the clock stands still, so no second attempt.
  h.settle();
  EXPECT_EQ(emails()[0]["attempts"], 1);
  h.clock().advance(1min);
  ASSERT_TRUE(h.settled([&] { return emails()[0]["attempts"] == 2; }));
  h.clock().advance(1min);
  ASSERT_TRUE(h.settled([&] { return emails()[0]["status"] == "dead_lettered"; })) << emails();
  EXPECT_EQ(emails()[0]["attempts"], 3);
  auto failing = h.get("/v1/email-addresses/failing", "officer");
  ASSERT_EQ(failing.json["items"].size(), 1u) << failing.body;
  EXPECT_EQ(failing.json["items"][0]["member_id"], "m-1");
  EXPECT_EQ(failing.json["items"][0]["address"], "m1@gov.example.org");
  // The dead letter is on the dead-letter topic, without the address.
  bool lettered = false;
  auto replayed = h.log().replay("concord.webhooks.dlq.v1", [&](const events::Record& r) -> Status {
    if (r.event.type == "concord.notifications.email.dead_lettered") {
      lettered = r.event.data["id"] == first["id"];
      EXPECT_EQ(r.event.data.dump().find("m1@gov.example.org"), std::string::npos);
    }
    return {};
  });
  ASSERT_TRUE(replayed);
  EXPECT_TRUE(lettered);
  // After a restart the state is the same: nothing is sent again.
  h.close();
  h.open();
  EXPECT_EQ(h.get("/v1/emails?member_id=m-1", "officer").json["items"][0]["status"], "dead_lettered");
  EXPECT_EQ(h.get("/v1/email-addresses/failing", "officer").json["items"].size(), 1u);
}
