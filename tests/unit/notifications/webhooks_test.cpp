#include <gtest/gtest.h>

#include "notifications/domain/webhooks.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace std::chrono_literals;

namespace {
Timestamp t(const char* s) {
  return *parse_rfc3339(s);
}
}  // namespace

TEST(WebhookRules, exact_types_and_prefixes_match_and_nothing_else) {
  EXPECT_TRUE(type_matches("concord.scheduling.*", "concord.scheduling.meeting.rescheduled"));
  EXPECT_TRUE(type_matches("concord.scheduling.meeting.*", "concord.scheduling.meeting.rescheduled"));
  EXPECT_TRUE(type_matches("concord.documents.document.signed", "concord.documents.document.signed"));
  EXPECT_FALSE(type_matches("concord.documents.document.signed", "concord.documents.document.signed.extra"));
  EXPECT_FALSE(type_matches("concord.scheduling.*", "concord.schedulingx.meeting.scheduled"));
  EXPECT_FALSE(type_matches("concord.scheduling.*", "concord.delegations.member.added"));
  Webhook w;
  w.event_types = {"concord.scheduling.*"};
  EXPECT_TRUE(wants(w, "concord.scheduling.venue.created"));
  w.status = "deleted";
  EXPECT_FALSE(wants(w, "concord.scheduling.venue.created"));
}

TEST(WebhookRules, event_type_filters_are_checked_with_pointers) {
  EXPECT_TRUE(check_event_types({"concord.scheduling.*", "concord.documents.document.signed"}).empty());
  auto errors = check_event_types({"concord.scheduling.*", "*", "concord.scheduling", "concord..x.*", "Concord.A.b.c"});
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].pointer, "/event_types/1");
  EXPECT_EQ(errors[3].pointer, "/event_types/4");
  EXPECT_EQ(check_event_types({})[0].pointer, "/event_types");
}

TEST(WebhookRules, retries_follow_the_schedule_and_then_stop) {
  std::vector<std::chrono::milliseconds> schedule{5s, 30s, 2min};
  auto now = t("2025-09-20T09:00:00Z");
  EXPECT_EQ(next_attempt(1, schedule, now), now + 5s);
  EXPECT_EQ(next_attempt(2, schedule, now), now + 30s);
  EXPECT_EQ(next_attempt(3, schedule, now), now + 2min);
  EXPECT_FALSE(next_attempt(4, schedule, now));  // four attempts made: dead letter
  EXPECT_FALSE(next_attempt(1, {}, now));
}

TEST(WebhookRules, only_integrators_and_admins_manage_and_integrators_see_their_own) {
  Webhooks state;
  Webhook w;
  w.id = "w1";
  w.owner = "erp-a";
  state.by_id["w1"] = w;
  EXPECT_TRUE(visible_webhook(state, {.subject = "erp-a", .integrator = true}, "w1"));
  EXPECT_EQ(visible_webhook(state, {.subject = "erp-b", .integrator = true}, "w1").error().code, ErrorCode::not_found);
  EXPECT_TRUE(visible_webhook(state, {.subject = "root", .officer = true, .admin = true}, "w1"));
  EXPECT_EQ(visible_webhook(state, {.subject = "officer", .officer = true}, "w1").error().code, ErrorCode::forbidden);
  state.by_id["w1"].status = "deleted";
  EXPECT_EQ(visible_webhook(state, {.subject = "erp-a", .integrator = true}, "w1").error().code, ErrorCode::not_found);
}

TEST(WebhookRules, the_lists_indexes_hold_the_webhooks_not_deleted_by_owner_and_follow_each_event) {
  Webhooks state;
  auto fold = [&](const char* type, const std::string& id, const std::string& owner, const std::string& status,
                  long long version) {
    Webhook w;
    w.id = id;
    w.owner = owner;
    w.url = "https://hooks.example.org/" + id;
    w.event_types = {"concord.scheduling.*"};
    w.status = status;
    w.version = version;
    evolve(state, Incoming{"e-" + id + std::to_string(version), type, {}, {{"webhook", to_json(w)}}});
  };
  fold(kWebhookCreated, "w1", "erp-a", "active", 1);
  fold(kWebhookCreated, "w2", "erp-b", "active", 1);
  fold(kWebhookCreated, "w3", "erp-a", "active", 1);
  EXPECT_EQ(state.live, (std::set<std::string>{"w1", "w2", "w3"}));
  EXPECT_EQ(state.live_by_owner.at("erp-a"), (std::set<std::string>{"w1", "w3"}));
  fold(kWebhookFailing, "w3", "erp-a", "failing", 2);  // failing is still listed
  fold(kWebhookDeleted, "w1", "erp-a", "deleted", 2);
  fold(kWebhookDeleted, "w2", "erp-b", "deleted", 2);
  EXPECT_EQ(state.live, (std::set<std::string>{"w3"}));
  EXPECT_EQ(state.live_by_owner.at("erp-a"), (std::set<std::string>{"w3"}));
  EXPECT_FALSE(state.live_by_owner.contains("erp-b"));
  Webhooks rebuilt;
  rebuilt.by_id = state.by_id;
  reindex(rebuilt);
  EXPECT_EQ(rebuilt.live, state.live);
  EXPECT_EQ(rebuilt.live_by_owner, state.live_by_owner);
}

TEST(WebhookRules, deliveries_fold_by_attempt_and_keep_the_first_payload) {
  Webhooks state;
  Delivery d;
  d.id = "msg_1";
  d.webhook_id = "w1";
  d.payload = "{\"id\":\"e\"}";
  d.attempts = 1;
  d.next_attempt_at = t("2025-09-20T09:00:05Z");
  evolve(state, Incoming{"a", kDeliveryAttempted, {}, {{"delivery", to_json(d, true)}}});
  EXPECT_TRUE(state.pending.contains("msg_1"));
  d.attempts = 2;
  d.status = "succeeded";
  d.next_attempt_at.reset();
  evolve(state, Incoming{"b", kDeliveryAttempted, {}, {{"delivery", to_json(d, false)}}});
  evolve(state,
         Incoming{"a", kDeliveryAttempted, {}, {{"delivery", to_json(Delivery{d.id, "w1", "", "", "", 1}, false)}}});
  EXPECT_FALSE(state.pending.contains("msg_1"));
  EXPECT_EQ(state.deliveries.at("msg_1").status, "succeeded");
  EXPECT_EQ(state.deliveries.at("msg_1").attempts, 2);
  EXPECT_EQ(state.deliveries.at("msg_1").payload, "{\"id\":\"e\"}");
  EXPECT_EQ(state.by_webhook["w1"].size(), 1u);
}
