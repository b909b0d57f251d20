// Live delivery across processes: a member's stream is open on one notifications process while
// another one (the current writer) creates the notification; it reaches the member through
// Redis pub/sub, once. A write sent to a standby is forwarded to the writer, read back on the
// standby at the position it answered with, and its retry after the writer's death is answered
// from the log by the standby elected next. Two real processes, the real broker and the real
// redis-server.
#include <gtest/gtest.h>

#include <thread>

#include "../../unit/http/raw_client.hpp"
#include "../../unit/notifications/contract_events.hpp"
#include "concord/cache/redis_cache.hpp"
#include "concord/core/id.hpp"
#include "concord/events/kafka_log.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

std::optional<std::string> redis_url() {
  const char* url = std::getenv("REDIS_URL");
  return url && *url ? std::optional<std::string>(url) : std::nullopt;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Two notifications processes' environments, on the test run's broker and Redis.
class NotificationsAcrossProcesses : public ::testing::Test {
 protected:
  void SetUp() override {
    auto brokers = kafka_brokers();
    auto redis = redis_url();
    ASSERT_TRUE(brokers && redis) << "this test needs KAFKA_BROKERS and REDIS_URL (tests/run.sh starts both; or "
                                     "deploy/local/stack.sh start and export what it prints)";
    brokers_ = *brokers;
    redis_ = *redis;
    env_a = process_env(dir_a.path(), true);
    env_b = process_env(dir_b.path(), true);
    env_a["REDIS_URL"] = env_b["REDIS_URL"] = redis_;
  }

  std::string brokers_, redis_;
  TempDir dir_a, dir_b;
  std::map<std::string, std::string> env_a, env_b;
};

}  // namespace

TEST_F(NotificationsAcrossProcesses, a_live_notification_reaches_a_stream_open_on_another_process_through_redis) {
  // Both processes route the consumed topics' partitions they are assigned: the notification
  // is created by one of them and published on Redis, and both inboxes hold it (each replica
  // follows the notifications topic).
  ServiceProcess streams("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_a);
  ASSERT_TRUE(streams.start()) << streams.last_error();
  ServiceProcess writer("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_b);
  writer.may_be_standby();
  ASSERT_TRUE(writer.start()) << writer.last_error();

  std::string member = new_uuid_v7();
  std::string token = token_for("user-" + member, {auth::Role::delegation_member}, member, new_uuid_v7());
  RawClient stream(streams.port());
  ASSERT_TRUE(stream.send("GET /v1/inbox/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
  std::string text = stream.read(5s, "\r\n\r\n");
  ASSERT_EQ(status_of(text), 200) << text;

  auto opened = events::open_kafka_log({.brokers = brokers_, .transactional_id = "replicas-test-" + new_uuid_v7()});
  ASSERT_TRUE(opened) << opened.error().detail;
  auto& log = **opened;
  ASSERT_TRUE(log.ensure_topics({{"concord.scheduling.v1"}, {"concord.delegations.v1"}, {"concord.documents.v1"}}));
  events::Event e;
  e.id = new_uuid_v7();
  e.source = "/concord/scheduling";
  e.type = "concord.scheduling.meeting.scheduled";
  e.subject = "meeting/" + e.id;
  e.time = SystemClock().now();
  e.sequence = 1;
  std::string meeting_id = new_uuid_v7();
  e.data = {{"meeting", contract::meeting(meeting_id, "2031-05-01T09:00:00Z", "2031-05-01T10:00:00Z", {member})}};
  ASSERT_TRUE(log.append("concord.scheduling.v1", "visit-" + meeting_id, {e}));

  // The writer has it in its inbox; the other process's stream gets it live.
  nlohmann::json items;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    items = writer.call(http::Method::get, "/v1/inbox", token).json["items"];
    if (items.is_array() && !items.empty()) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(items.is_array() && items.size() == 1) << items.dump();
  std::string id = items[0]["id"];
  EXPECT_EQ(items[0]["cause_event_id"], e.id);
  deadline = std::chrono::steady_clock::now() + 10s;
  while (text.find(id) == std::string::npos && std::chrono::steady_clock::now() < deadline)
    text += stream.read(100ms, id);
  ASSERT_NE(text.find("id: " + id), std::string::npos) << "the stream on the other process got:\n" << text;
  // Nothing more comes for it (a duplicate would follow at once).
  text += stream.read(1s);
  EXPECT_EQ(occurrences(text, "id: " + id), 1u) << text;
  // The stream's own process serves it from its inbox too, once.
  deadline = std::chrono::steady_clock::now() + 10s;
  nlohmann::json own;
  while (std::chrono::steady_clock::now() < deadline) {
    own = streams.call(http::Method::get, "/v1/inbox", token).json["items"];
    if (own.is_array() && !own.empty()) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(own.is_array() && own.size() == 1) << own.dump();
  EXPECT_EQ(own[0]["id"], id);
}

TEST_F(NotificationsAcrossProcesses, a_stream_ticket_opens_one_stream_whichever_replica_it_reaches) {
  ServiceProcess a("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_a);
  ASSERT_TRUE(a.start()) << a.last_error();
  ServiceProcess b("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_b);
  b.may_be_standby();
  ASSERT_TRUE(b.start()) << b.last_error();

  std::string member = new_uuid_v7();
  std::string token = token_for("user-" + member, {auth::Role::delegation_member}, member, new_uuid_v7());
  auto issued = a.call(http::Method::post, "/v1/inbox/stream-tickets", token);
  ASSERT_EQ(issued.status, 201) << issued.body;
  std::string path = issued.json["stream"];
  auto open = [&](ServiceProcess& p) {
    auto client = std::make_unique<RawClient>(p.port());
    EXPECT_TRUE(client->send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    return std::make_pair(std::move(client), status_of(client->read(5s, "\r\n\r\n")));
  };
  // Issued on A, used on B: it opens the stream there, once; back on A (or on B again) it is spent.
  auto [first, first_status] = open(b);
  EXPECT_EQ(first_status, 200);
  EXPECT_EQ(open(a).second, 401);
  EXPECT_EQ(open(b).second, 401);
  // Two replicas racing for one fresh ticket: exactly one wins.
  auto race = b.call(http::Method::post, "/v1/inbox/stream-tickets", token);
  ASSERT_EQ(race.status, 201) << race.body;
  path = race.json["stream"];
  std::pair<std::unique_ptr<RawClient>, int> on_a, on_b;
  std::thread ta([&] { on_a = open(a); });
  std::thread tb([&] { on_b = open(b); });
  ta.join();
  tb.join();
  EXPECT_EQ((on_a.second == 200) + (on_b.second == 200), 1) << on_a.second << " " << on_b.second;
  EXPECT_EQ((on_a.second == 401) + (on_b.second == 401), 1) << on_a.second << " " << on_b.second;
}

TEST_F(NotificationsAcrossProcesses,
       a_standby_reads_a_forwarded_write_at_its_position_and_answers_its_retry_from_the_log) {
  for (auto* env : {&env_a, &env_b}) {
    (*env)["CONCORD_ELECTION_SESSION_TIMEOUT"] = "2s";
    (*env)["CONCORD_WEBHOOK_ALLOW_PRIVATE"] = "true";
    (*env)["CONCORD_WEBHOOK_KEY"] = std::string(40, 'k');
  }
  ServiceProcess writer("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_a);
  ASSERT_TRUE(writer.start()) << writer.last_error();
  ServiceProcess standby("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env_b);
  standby.may_be_standby();
  ASSERT_TRUE(standby.start()) << standby.last_error();
  ASSERT_EQ(standby.call(http::Method::get, "/readyz", "").json["checks"]["role"], "standby");

  // Sent to the standby, written by the writer; the answer says where.
  std::string subject = "integrator-" + new_uuid_v7();
  std::string token = token_for(subject, {auth::Role::integrator});
  std::string key = "create-hook-" + new_uuid_v7();
  nlohmann::json hook = {{"url", "http://127.0.0.1:9/hook"}, {"event_types", {"concord.scheduling.*"}}};
  http::Headers keyed;
  keyed.set("Idempotency-Key", key);
  auto created = standby.call(http::Method::post, "/v1/webhooks", token, hook, keyed);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"];
  std::string position(created.headers.get("Concord-Position").value_or(""));
  EXPECT_NE(position.find("concord.notifications.v1:"), std::string::npos)
      << "a write's answer carries where it was written: " << position;

  // Read on the standby at that position: it waits for its follower, then holds the webhook.
  http::Headers at;
  at.set("Concord-Min-Position", position);
  auto read = standby.call(http::Method::get, "/v1/webhooks/" + id, token, nullptr, at);
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json["id"], id);

  // The writer dies; as if it had died before recording its answer, the key's record is gone.
  writer.kill9();
  auto cache = cache::make_redis_cache({.url = redis_});
  ASSERT_TRUE(cache) << cache.error().detail;
  ASSERT_TRUE((*cache)->del("idem:notifications:" + subject + ":" + key));
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline &&
         standby.call(http::Method::get, "/readyz", "").json["checks"]["role"] != "writer")
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(standby.call(http::Method::get, "/readyz", "").json["checks"]["role"], "writer") << standby.log_tail();

  // The retry is answered from the log the standby followed: the webhook is not created twice.
  auto retried = standby.call(http::Method::post, "/v1/webhooks", token, hook, keyed);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(retried.json["status"], "committed") << retried.body;
  ASSERT_EQ(retried.json["events"].size(), 1u) << retried.body;
  EXPECT_EQ(retried.json["events"][0]["subject"], "webhook/" + id);
  EXPECT_EQ(retried.headers.get("Location").value_or(""), "/v1/webhooks/" + id);
  auto listed = standby.call(http::Method::get, "/v1/webhooks", token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["items"].size(), 1u) << listed.body;
}
