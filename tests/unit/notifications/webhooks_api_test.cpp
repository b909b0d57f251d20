#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>
#include <sstream>

#include "service_harness.hpp"
#include "tls_peer.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

std::string b64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  out.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                 reinterpret_cast<const unsigned char*>(bytes.data()),
                                                 static_cast<int>(bytes.size()))));
  return out;
}

std::string unb64(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  size_t pad = (text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0);
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// Standard Webhooks verification, written from the specification, independent of the service.
bool signature_valid(const std::string& secret, const std::string& id, const std::string& ts, const std::string& body,
                     const std::string& header) {
  std::string key = unb64(secret.substr(6));
  std::string message = id + "." + ts + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  return header == "v1," + b64(std::string(reinterpret_cast<char*>(mac), len));
}

// The integrator's endpoint: records every request and answers what it is told to.
class Receiver {
 public:
  Receiver() {
    http::Router r;
    r.post(
        "/hook",
        [this](http::Request& req) -> Result<http::Response> {
          std::lock_guard lock(mutex_);
          calls_.push_back({std::string(req.headers.get("webhook-id").value_or("")),
                            std::string(req.headers.get("webhook-timestamp").value_or("")),
                            std::string(req.headers.get("webhook-signature").value_or("")), req.body,
                            std::string(req.headers.get("Content-Type").value_or(""))});
          return http::Response::text(answer_.load(), "ok");
        },
        http::RouteOptions{.public_route = true, .idempotent = false});
    http::ServerOptions o;
    o.access_log = false;
    server_ = std::make_unique<http::Server>(o, std::move(r));
    EXPECT_TRUE(server_->start());
  }
  ~Receiver() { server_->stop(); }
  struct Call {
    std::string id, timestamp, signature, body, content_type;
  };
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  size_t count() { return calls().size(); }
  void answer(int status) { answer_ = status; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook"; }

 private:
  std::mutex mutex_;
  std::vector<Call> calls_;
  std::atomic<int> answer_{204};
  std::unique_ptr<http::Server> server_;
};

std::map<std::string, std::string> webhook_env(bool allow_private) {
  return {{"CONCORD_WEBHOOK_ALLOW_PRIVATE", allow_private ? "true" : "false"},
          {"CONCORD_WEBHOOK_RETRY_SCHEDULE", "1s,2s,3s"},
          {"CONCORD_WEBHOOK_TIMEOUT", "2s"},
          {"CONCORD_WEBHOOK_KEY", "test-webhook-key-0123456789abcdef0123456789"}};
}

class WebhooksApi : public ::testing::Test {
 protected:
  Harness::Reply create(const std::string& token, std::vector<std::string> types = {"concord.scheduling.*"}) {
    return h.call(http::Method::post, "/v1/webhooks", token, {{"url", receiver.url()}, {"event_types", types}});
  }
  std::string schedule(const std::string& id) {
    return h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
                    {{"meeting", contract::meeting(id, contract::at("2025-09-28T07:00:00Z"),
                                                   contract::at("2025-09-28T08:00:00Z"), {"m-1"}, 1)}});
  }
  nlohmann::json deliveries(const std::string& webhook, const std::string& token = "integrator") {
    return h.get("/v1/webhooks/" + webhook + "/deliveries", token).json["items"];
  }
  // Moves the test clock on until `condition` holds, as time passing would.
  bool advance_until(const std::function<bool()>& condition) {
    for (int turn = 0; turn < 2000; ++turn) {
      if (h.settled(condition)) return true;
      h.clock().advance(500ms);
    }
    return false;
  }

  Receiver receiver;
  Harness h{webhook_env(true)};
};

}  // namespace

TEST_F(WebhooksApi, a_matching_event_is_delivered_once_signed_with_the_secret_shown_at_creation) {
  auto created = create("integrator");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"], secret = created.json["secret"];
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(created.headers.get("Location").value_or(""), "/v1/webhooks/" + id);
  auto read = h.get("/v1/webhooks/" + id, "integrator");
  ASSERT_EQ(read.status, 200);
  EXPECT_FALSE(read.json.contains("secret"));  // shown once
  EXPECT_EQ(read.json["status"], "active");

  auto cause = schedule("mt-1");
  h.append("concord.delegations.v1", "d-1", "concord.delegations.member.added",
           {{"member", contract::member("m-1", "d-1", "en", "Asia/Bishkek")}});  // not subscribed
  ASSERT_TRUE(h.settled([&] { return receiver.count() >= 1; }));
  ASSERT_TRUE(h.settled([&] { return !deliveries(id).empty() && deliveries(id)[0]["status"] == "succeeded"; }));
  h.settle();
  auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(signature_valid(secret, calls[0].id, calls[0].timestamp, calls[0].body, calls[0].signature));
  EXPECT_EQ(calls[0].id.rfind("msg_", 0), 0u);
  EXPECT_EQ(calls[0].content_type.rfind("application/cloudevents+json", 0), 0u);
  auto body = nlohmann::json::parse(calls[0].body);
  EXPECT_EQ(body["id"], cause);
  EXPECT_EQ(body["type"], "concord.scheduling.meeting.scheduled");
  EXPECT_EQ(body["specversion"], "1.0");
  auto d = deliveries(id);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]["attempts"], 1);
  EXPECT_EQ(d[0]["event_id"], cause);
  EXPECT_EQ(d[0]["id"], calls[0].id);
}

TEST_F(WebhooksApi, a_failing_receiver_gets_retries_with_the_same_id_and_then_a_dead_letter) {
  receiver.answer(500);
  auto created = create("integrator");
  ASSERT_EQ(created.status, 201);
  std::string id = created.json["id"], secret = created.json["secret"];
  auto cause = schedule("mt-1");
  // 1 attempt + 3 retries (the schedule has three waits), then the dead letter.
  ASSERT_TRUE(advance_until([&] {
    auto d = deliveries(id);
    return !d.empty() && d[0]["status"] == "dead_lettered";
  })) << deliveries(id);
  auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& c : calls) {
    EXPECT_EQ(c.id, calls[0].id);
    EXPECT_EQ(c.body, calls[0].body);
    EXPECT_TRUE(signature_valid(secret, c.id, c.timestamp, c.body, c.signature));
  }
  auto d = deliveries(id)[0];
  EXPECT_EQ(d["attempts"], 4);
  EXPECT_EQ(d["last_status_code"], 500);
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["status"], "failing");
  int letters = 0;
  ASSERT_TRUE(h.log().replay("concord.webhooks.dlq.v1", [&](const events::Record& r) -> Status {
    ++letters;
    EXPECT_EQ(r.key, id);
    EXPECT_EQ(r.event.data["delivery_id"], calls[0].id);
    EXPECT_EQ(r.event.data["event"]["id"], cause);
    EXPECT_EQ(r.event.data["attempts"], 4);
    return {};
  }));
  EXPECT_EQ(letters, 1);
  // No more attempts after the dead letter.
  h.clock().advance(1h);
  h.settle();
  EXPECT_EQ(receiver.count(), 4u);
}

TEST_F(WebhooksApi, deliveries_dying_together_mark_their_webhook_failing_once) {
  receiver.answer(500);
  auto created = create("integrator");
  ASSERT_EQ(created.status, 201);
  std::string id = created.json["id"];
  // Three deliveries on one schedule: their last attempts fall due at the same moment.
  for (const auto* meeting : {"mt-1", "mt-2", "mt-3"}) schedule(meeting);
  ASSERT_TRUE(advance_until([&] {
    auto d = deliveries(id);
    return d.size() == 3 && d[0]["status"] == "dead_lettered" && d[1]["status"] == "dead_lettered" &&
           d[2]["status"] == "dead_lettered";
  })) << deliveries(id);
  std::vector<long long> sequences;
  int failing = 0;
  ASSERT_TRUE(h.log().replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
    if (r.event.subject != "webhook/" + id) return {};
    sequences.push_back(r.event.sequence);
    failing += r.event.type == "concord.notifications.webhook.failing";
    return {};
  }));
  EXPECT_EQ(failing, 1);
  EXPECT_EQ(sequences, (std::vector<long long>{1, 2})) << "registered, then failing: the sequence rises per subject";
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["version"], 2);
}

TEST_F(WebhooksApi, a_receiver_that_comes_back_gets_the_delivery_and_no_more) {
  receiver.answer(500);
  auto created = create("integrator");
  std::string id = created.json["id"];
  schedule("mt-1");
  ASSERT_TRUE(h.settled([&] { return receiver.count() == 1; }));
  receiver.answer(200);
  ASSERT_TRUE(advance_until([&] {
    auto d = deliveries(id);
    return !d.empty() && d[0]["status"] == "succeeded";
  }));
  h.clock().advance(1h);
  h.settle();
  EXPECT_EQ(receiver.count(), 2u);
  EXPECT_EQ(deliveries(id)[0]["attempts"], 2);
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["status"], "active");
}

TEST_F(WebhooksApi, only_integrators_and_admins_manage_them_and_an_integrator_sees_only_their_own) {
  EXPECT_EQ(create("member:m-1").status, 403);
  EXPECT_EQ(create("officer").status, 403);
  auto mine = create("integrator:erp-a");
  auto theirs = create("integrator:erp-b");
  ASSERT_EQ(mine.status, 201);
  ASSERT_EQ(theirs.status, 201);
  std::string their_id = theirs.json["id"];
  auto list = h.get("/v1/webhooks", "integrator:erp-a");
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["id"], mine.json["id"]);
  EXPECT_EQ(h.get("/v1/webhooks/" + their_id, "integrator:erp-a").status, 404);
  EXPECT_EQ(h.get("/v1/webhooks/" + their_id + "/deliveries", "integrator:erp-a").status, 404);
  EXPECT_EQ(h.call(http::Method::del, "/v1/webhooks/" + their_id, "integrator:erp-a").status, 404);
  EXPECT_EQ(h.get("/v1/webhooks", "admin").json["items"].size(), 2u);
  EXPECT_EQ(h.get("/v1/webhooks", "member:m-1").status, 403);
  EXPECT_EQ(h.call(http::Method::del, "/v1/webhooks/" + their_id, "integrator:erp-b").status, 204);
  EXPECT_EQ(h.get("/v1/webhooks/" + their_id, "integrator:erp-b").status, 404);
  EXPECT_EQ(h.get("/v1/webhooks", "admin").json["items"].size(), 1u);
}

// Lists come from indexes of the webhooks not deleted (all for an admin, by owner for an
// integrator): pages of one follow each owner's webhooks in creation order, as picking them out
// of every webhook did, and a change or a deletion shows on the next request.
TEST_F(WebhooksApi, lists_page_through_each_owners_webhooks_and_show_each_change_at_once) {
  std::vector<std::string> a_ids, all_ids;
  for (int i = 0; i < 3; ++i) {
    auto a = create("integrator:erp-a");
    auto b = create("integrator:erp-b");
    ASSERT_EQ(a.status, 201);
    ASSERT_EQ(b.status, 201);
    a_ids.push_back(a.json["id"]);
    all_ids.push_back(a.json["id"]);
    all_ids.push_back(b.json["id"]);
  }
  auto walk = [&](const std::string& token) {
    std::vector<nlohmann::json> items;
    std::string cursor;
    do {
      auto page = h.get("/v1/webhooks?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
      EXPECT_EQ(page.status, 200) << page.body;
      for (const auto& item : page.json["items"]) items.push_back(item);
      cursor = page.json["next_cursor"].is_string() ? page.json["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty() && items.size() < 20);
    return items;
  };
  auto ids = [](const std::vector<nlohmann::json>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item["id"]);
    return out;
  };
  EXPECT_EQ(ids(walk("integrator:erp-a")), a_ids);
  EXPECT_EQ(ids(walk("admin")), all_ids);
  EXPECT_TRUE(walk("integrator:erp-c").empty());

  auto moved = h.call(http::Method::patch, "/v1/webhooks/" + a_ids[1], "integrator:erp-a",
                      {{"event_types", {"concord.documents.*"}}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(walk("integrator:erp-a")[1]["event_types"][0], "concord.documents.*");
  ASSERT_EQ(h.call(http::Method::del, "/v1/webhooks/" + a_ids[0], "integrator:erp-a").status, 204);
  a_ids.erase(a_ids.begin());
  all_ids.erase(all_ids.begin());
  EXPECT_EQ(ids(walk("integrator:erp-a")), a_ids);
  EXPECT_EQ(ids(walk("admin")), all_ids);
}

TEST_F(WebhooksApi, bad_subscriptions_are_refused_with_pointers) {
  auto r = h.call(http::Method::post, "/v1/webhooks", "integrator",
                  {{"url", "ftp://example.org/x"}, {"event_types", {"scheduling", "concord.scheduling.*"}}, {"x", 1}});
  ASSERT_EQ(r.status, 400);
  std::set<std::string> pointers;
  for (const auto& e : r.json["errors"]) pointers.insert(e["pointer"]);
  EXPECT_TRUE(pointers.contains("/url"));
  EXPECT_TRUE(pointers.contains("/event_types/0"));
  EXPECT_TRUE(pointers.contains("/x"));
  EXPECT_EQ(h.call(http::Method::post, "/v1/webhooks", "integrator",
                   {{"url", receiver.url()}, {"event_types", nlohmann::json::array()}})
                .status,
            400);
  for (const char* url : {"https://user:pw@example.org/hook", "https://example.org/hook#part", "https:///hook",
                          "https://example.org:0/hook"}) {
    auto r2 = h.call(http::Method::post, "/v1/webhooks", "integrator",
                     {{"url", url}, {"event_types", {"concord.scheduling.*"}}});
    EXPECT_EQ(r2.status, 400) << url;
  }
}

// A receiver holding `secret` accepts the call: one of the header's space-separated
// signatures is its own (Standard Webhooks sends several while a secret is being rotated).
bool signed_by(const std::string& secret, const Receiver::Call& c) {
  std::stringstream all(c.signature);
  for (std::string one; all >> one;)
    if (signature_valid(secret, c.id, c.timestamp, c.body, one)) return true;
  return false;
}

TEST_F(WebhooksApi, an_integrator_moves_a_webhook_to_a_new_url_and_new_types) {
  Receiver moved;
  auto created = create("integrator");
  ASSERT_EQ(created.status, 201);
  std::string id = created.json["id"];
  auto patch = [&](const nlohmann::json& body, const std::string& token = "integrator", http::Headers hd = {}) {
    return h.call(http::Method::patch, "/v1/webhooks/" + id, token, body, std::move(hd));
  };
  http::Headers stale;
  stale.set("If-Match", "\"7\"");
  EXPECT_EQ(patch({{"url", moved.url()}}, "integrator", stale).status, 412);
  EXPECT_EQ(patch({{"url", moved.url()}}, "integrator:someone-else").status, 404);
  EXPECT_EQ(patch({{"url", moved.url()}}, "member:m-1").status, 403);
  auto bad = patch({{"url", "ftp://example.org/x"}, {"event_types", {"nonsense"}}, {"status", "failing"}, {"x", 1}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> pointers;
  for (const auto& e : bad.json["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/url", "/event_types/0", "/status", "/x"})) << bad.body;
  EXPECT_EQ(patch({{"url", receiver.url()}}).status, 400);                  // changes nothing
  EXPECT_EQ(patch({{"status", "active"}}).status, 409);                     // not failing: nothing to re-enable
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["version"], 1);  // nothing written

  http::Headers fresh;
  fresh.set("If-Match", "\"1\"");
  auto changed =
      patch({{"url", moved.url()}, {"event_types", {"concord.delegations.member.added"}}}, "integrator", fresh);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json["url"], moved.url());
  EXPECT_EQ(changed.json["version"], 2);
  EXPECT_FALSE(changed.json.contains("secret"));
  schedule("mt-1");  // no longer subscribed
  h.append("concord.delegations.v1", "d-1", "concord.delegations.member.added",
           {{"member", contract::member("m-1", "d-1", "en", "Asia/Bishkek")}});
  ASSERT_TRUE(h.settled([&] { return moved.count() >= 1; }));
  h.settle();
  EXPECT_EQ(moved.count(), 1u);
  EXPECT_EQ(receiver.count(), 0u);
  EXPECT_NE(moved.calls()[0].body.find("concord.delegations.member.added"), std::string::npos);
}

TEST_F(WebhooksApi, a_rotated_secret_signs_beside_the_old_one_for_its_grace_then_alone) {
  auto created = create("integrator");
  std::string id = created.json["id"], old_secret = created.json["secret"];
  auto rotate = [&](const nlohmann::json& body) {
    return h.call(http::Method::post, "/v1/webhooks/" + id + "/rotate-secret", "integrator", body);
  };
  EXPECT_EQ(rotate({{"grace_seconds", -1}}).status, 400);
  EXPECT_EQ(rotate({{"grace_seconds", 31 * 24 * 3600}}).status, 400);
  EXPECT_EQ(h.call(http::Method::post, "/v1/webhooks/" + id + "/rotate-secret", "integrator:someone-else",
                   nlohmann::json::object())
                .status,
            404);
  auto rotated = rotate({{"grace_seconds", 3600}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string new_secret = rotated.json["secret"];
  EXPECT_NE(new_secret, old_secret);
  EXPECT_EQ(rotated.json["secret_generation"], 1);
  EXPECT_FALSE(h.get("/v1/webhooks/" + id, "integrator").json.contains("secret"));

  schedule("mt-1");
  ASSERT_TRUE(h.settled([&] { return receiver.count() == 1; }));
  auto during = receiver.calls()[0];
  EXPECT_TRUE(signed_by(old_secret, during)) << during.signature;
  EXPECT_TRUE(signed_by(new_secret, during)) << during.signature;

  h.clock().advance(2h);  // the grace is over
  schedule("mt-2");
  ASSERT_TRUE(h.settled([&] { return receiver.count() == 2; }));
  auto after = receiver.calls()[1];
  EXPECT_TRUE(signed_by(new_secret, after));
  EXPECT_FALSE(signed_by(old_secret, after)) << "the old secret no longer signs";
  // No secret is written anywhere: the events carry the generation only.
  ASSERT_TRUE(h.log().replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
    auto text = r.event.data.dump();
    EXPECT_EQ(text.find(old_secret.substr(6)), std::string::npos);
    EXPECT_EQ(text.find(new_secret.substr(6)), std::string::npos);
    return {};
  }));
}

TEST_F(WebhooksApi, a_failing_webhook_is_re_enabled_and_its_dead_letters_replayed_each_with_a_whole_schedule) {
  receiver.answer(500);
  auto created = create("integrator");
  std::string id = created.json["id"];
  schedule("mt-1");
  ASSERT_TRUE(advance_until([&] {
    auto d = deliveries(id);
    return !d.empty() && d[0]["status"] == "dead_lettered";
  }));
  std::string delivery = deliveries(id)[0]["id"];
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["status"], "failing");
  auto path = "/v1/webhooks/" + id;
  EXPECT_EQ(
      h.call(http::Method::post, path + "/deliveries/msg_nope/replay", "integrator", nlohmann::json::object()).status,
      404);
  EXPECT_EQ(
      h.call(http::Method::post, path + "/replay-dead-letters", "integrator:someone-else", nlohmann::json::object())
          .status,
      404);

  // Replayed while the receiver still fails: the whole schedule again, then a second dead letter.
  auto again =
      h.call(http::Method::post, path + "/deliveries/" + delivery + "/replay", "integrator", nlohmann::json::object());
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.json["status"], "pending");
  EXPECT_EQ(
      h.call(http::Method::post, path + "/deliveries/" + delivery + "/replay", "integrator", nlohmann::json::object())
          .status,
      409);  // pending: not a dead letter
  ASSERT_TRUE(advance_until([&] { return deliveries(id)[0]["status"] == "dead_lettered"; }));
  EXPECT_EQ(deliveries(id)[0]["attempts"], 8);
  EXPECT_EQ(receiver.count(), 8u);

  auto reenabled = h.call(http::Method::patch, path, "integrator", {{"status", "active"}});
  ASSERT_EQ(reenabled.status, 200) << reenabled.body;
  EXPECT_EQ(reenabled.json["status"], "active");
  receiver.answer(204);
  auto all = h.call(http::Method::post, path + "/replay-dead-letters", "integrator", nlohmann::json::object());
  ASSERT_EQ(all.status, 202) << all.body;
  EXPECT_EQ(all.json["replayed"], nlohmann::json::array({delivery}));
  EXPECT_EQ(all.json["remaining"], 0);
  ASSERT_TRUE(advance_until([&] { return deliveries(id)[0]["status"] == "succeeded"; }));
  auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 9u);
  EXPECT_EQ(calls.back().id, calls.front().id);  // the same webhook-id: receivers deduplicate on it
  EXPECT_EQ(calls.back().body, calls.front().body);
  EXPECT_EQ(
      h.call(http::Method::post, path + "/deliveries/" + delivery + "/replay", "integrator", nlohmann::json::object())
          .status,
      409);  // delivered: nothing to replay
  std::vector<long long> sequences;
  int letters = 0;
  ASSERT_TRUE(h.log().replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
    if (r.event.subject == "webhook_delivery/" + delivery) sequences.push_back(r.event.sequence);
    return {};
  }));
  ASSERT_TRUE(h.log().replay("concord.webhooks.dlq.v1", [&](const events::Record&) -> Status {
    ++letters;
    return {};
  }));
  EXPECT_EQ(letters, 2);
  ASSERT_EQ(sequences.size(), 11u);  // 9 attempts and 2 replays
  for (size_t i = 1; i < sequences.size(); ++i) EXPECT_LT(sequences[i - 1], sequences[i]) << i;
  EXPECT_EQ(h.get("/v1/webhooks/" + id, "integrator").json["status"], "active");
}

TEST(WebhookTargets, loopback_private_and_link_local_targets_are_refused_unless_allowed) {
  Harness strict(webhook_env(false));
  for (const char* url :
       {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.1.1/",
        "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://0.0.0.0/"}) {
    auto r = strict.call(http::Method::post, "/v1/webhooks", "integrator",
                         {{"url", url}, {"event_types", {"concord.scheduling.*"}}});
    EXPECT_EQ(r.status, 400) << url;
    if (r.status == 400) {
      EXPECT_EQ(r.json["errors"][0]["pointer"], "/url") << url;
    }
  }
}

namespace {

// Webhooks to https:// receivers: the chain and host name verified, with the CA given in
// CONCORD_WEBHOOK_CA_FILE; what fails verification is a failed delivery with the reason.
class HttpsWebhooks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new concord::testing::TestPki(); }
  static void TearDownTestSuite() { delete pki_; }
  static std::map<std::string, std::string> env(bool with_ca) {
    auto e = webhook_env(true);
    if (with_ca) e["CONCORD_WEBHOOK_CA_FILE"] = pki_->ca();
    return e;
  }
  static std::string subscribe(Harness& h, const std::string& url) {
    auto r = h.call(http::Method::post, "/v1/webhooks", "integrator",
                    {{"url", url}, {"event_types", {"concord.scheduling.*"}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", "") + "\n" + r.json.value("secret", "");
  }
  static void schedule(Harness& h) {
    h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
             {{"meeting", contract::meeting("mt-1", contract::at("2025-09-28T07:00:00Z"),
                                            contract::at("2025-09-28T08:00:00Z"), {"m-1"}, 1)}});
  }
  static nlohmann::json delivery(Harness& h, const std::string& webhook) {
    auto items = h.get("/v1/webhooks/" + webhook + "/deliveries", "integrator").json["items"];
    return items.empty() ? nlohmann::json::object() : items[0];
  }
  static concord::testing::TestPki* pki_;
};
concord::testing::TestPki* HttpsWebhooks::pki_ = nullptr;

}  // namespace

TEST_F(HttpsWebhooks, a_receiver_whose_certificate_verifies_gets_the_signed_delivery) {
  ASSERT_TRUE(pki_->ok());
  concord::testing::TlsReceiver receiver(*pki_, "good");
  Harness h{env(true)};
  auto created = subscribe(h, receiver.url("localhost", "/hooks/concord"));
  std::string id = created.substr(0, created.find('\n')), secret = created.substr(created.find('\n') + 1);
  schedule(h);
  ASSERT_TRUE(h.settled([&] { return delivery(h, id).value("status", "") == "succeeded"; })) << delivery(h, id);
  auto seen = receiver.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["path"], "/hooks/concord");
  EXPECT_EQ(seen[0]["sni"], "localhost");
  const auto& headers = seen[0]["headers"];
  EXPECT_TRUE(signature_valid(secret, headers["webhook-id"], headers["webhook-timestamp"], seen[0]["body"],
                              headers["webhook-signature"]));
  EXPECT_EQ(delivery(h, id)["last_status_code"], 200);
}

TEST_F(HttpsWebhooks, an_untrusted_or_misnamed_certificate_is_a_failed_delivery_with_the_reason_then_a_dead_letter) {
  ASSERT_TRUE(pki_->ok());
  concord::testing::TlsReceiver trusted_ca_wrong_name(*pki_, "other");
  concord::testing::TlsReceiver good(*pki_, "good");
  Harness h{env(true)};
  auto misnamed = subscribe(h, trusted_ca_wrong_name.url("localhost"));
  misnamed = misnamed.substr(0, misnamed.find('\n'));
  Harness untrusting{env(false)};
  auto untrusted = subscribe(untrusting, good.url("localhost"));
  untrusted = untrusted.substr(0, untrusted.find('\n'));
  schedule(h);
  schedule(untrusting);
  auto dead = [&](Harness& harness, const std::string& id) {
    for (int turn = 0; turn < 2000; ++turn) {
      if (harness.settled([&] { return delivery(harness, id).value("status", "") == "dead_lettered"; })) return true;
      harness.clock().advance(500ms);
    }
    return false;
  };
  ASSERT_TRUE(dead(h, misnamed)) << delivery(h, misnamed);
  ASSERT_TRUE(dead(untrusting, untrusted)) << delivery(untrusting, untrusted);
  auto d1 = delivery(h, misnamed);
  EXPECT_EQ(d1["attempts"], 4);
  EXPECT_TRUE(d1["last_status_code"].is_null()) << "no HTTP answer: TLS failed first";
  EXPECT_NE(d1["last_error"].get<std::string>().find("mismatch"), std::string::npos) << d1;
  auto d2 = delivery(untrusting, untrusted);
  EXPECT_NE(d2["last_error"].get<std::string>().find("unable to get local issuer certificate"), std::string::npos)
      << d2;
  EXPECT_TRUE(trusted_ca_wrong_name.requests().empty()) << "nothing is sent before the peer is verified";
  EXPECT_TRUE(good.requests().empty());
}
