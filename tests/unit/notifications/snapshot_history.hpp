#pragma once
// A history that fills every part of the notifications state (members with e-mail addresses,
// meetings and documents, inboxes with a read mark, preferences, a webhook with a failing
// delivery, e-mails waiting for a retry), written through the service in a Harness: what the
// snapshot tests start from, on the file log (snapshot_restart_test.cpp) and, copied, on Kafka
// (tests/integration/notifications).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "notifications/domain/snapshot.hpp"
#include "service_harness.hpp"

namespace concord::notifications::testing {

// Every topic the service folds, in the order it replays them.
inline const std::vector<std::string> kFoldedTopics = {"concord.delegations.v1", "concord.scheduling.v1",
                                                       "concord.documents.v1", "concord.delegations.private.v1",
                                                       "concord.notifications.v1"};

inline std::map<std::string, std::string> snapshot_history_env() {
  // Nothing listens on port 9: e-mails and webhook deliveries fail and wait for their retry.
  return {{"CONCORD_SMTP_URL", "smtp://127.0.0.1:9"}, {"CONCORD_SMTP_FROM", "concord@commission.example.org"},
          {"CONCORD_SMTP_RETRY_SCHEDULE", "1h"},      {"CONCORD_SMTP_TIMEOUT", "2s"},
          {"CONCORD_WEBHOOK_ALLOW_PRIVATE", "true"},  {"CONCORD_WEBHOOK_KEY", std::string(40, 'k')}};
}

// Members (one with an e-mail address), a webhook, a meeting and a document concerning them, a
// read mark and preferences: every part of the state gets something. `tag` keeps each call's
// ids apart.
inline void write_history(Harness& h, const std::string& tag) {
  std::string mailed = "m-" + tag + "-mail", plain = "m-" + tag + "-inbox";
  auto m = contract::member(mailed, "d-" + mailed, "ru", "Europe/Minsk");
  m["channels"] = {"inbox", "email"};
  auto public_id =
      h.append("concord.delegations.v1", "d-" + mailed, "concord.delegations.member.added", {{"member", m}});
  h.append("concord.delegations.private.v1", "d-" + mailed, "concord.delegations.member_contact.set",
           {{"member_id", mailed},
            {"delegation_id", "d-" + mailed},
            {"public_event_id", public_id},
            {"contact", {{"email", mailed + "@gov.example.org"}, {"phone", nullptr}}}});
  h.add_member(plain, "en", "Asia/Bishkek");
  auto hook = h.call(http::Method::post, "/v1/webhooks", "integrator",
                     {{"url", "http://127.0.0.1:9/hook"}, {"event_types", {"concord.scheduling.*"}}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  h.append("concord.scheduling.v1", "visit-" + tag, "concord.scheduling.meeting.scheduled",
           {{"meeting", contract::meeting("mt-" + tag, contract::at("2025-09-28T07:00:00Z"),
                                          contract::at("2025-09-28T08:00:00Z"), {mailed, plain})}});
  h.append("concord.documents.v1", "doc-" + tag, "concord.documents.document.agreed",
           {{"document", contract::document("doc-" + tag, {plain})}});
  h.settle();
  auto inbox = h.inbox(plain);
  ASSERT_FALSE(inbox.empty());
  std::string first = inbox[0]["id"];
  ASSERT_EQ(h.call(http::Method::post, "/v1/inbox/" + first + "/read", "member:" + plain).status, 200);
  ASSERT_EQ(h.call(http::Method::put, "/v1/preferences", "member:" + plain, {{"language", "ru"}}).status, 200);
  h.settle();
}

// The state after write_history() "a" and "b", as encode_state() gave it: not trivially equal
// to another, since every part of it holds the history.
inline void expect_both_histories(const std::string& encoded) {
  auto decoded = decode_state(encoded);
  EXPECT_EQ(decoded.views.members.size(), 4u);
  EXPECT_EQ(decoded.views.contacts.email.size(), 2u);
  EXPECT_EQ(decoded.inbox.preferences.size(), 2u);
  EXPECT_EQ(decoded.webhooks.by_id.size(), 2u);
  EXPECT_FALSE(decoded.webhooks.pending.empty());
  EXPECT_FALSE(decoded.emails.pending.empty());
}

}  // namespace concord::notifications::testing
