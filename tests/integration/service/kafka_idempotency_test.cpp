// Idempotency-Key across a writer's death on the real broker: a standby takes the writer's role
// (init_transactions fences the writer that died holding a claim) and catches up; a retry is
// answered from the log when the dead writer committed the request, and run at once when it
// did not — and then the dead writer cannot write it any more.
#include <gtest/gtest.h>

#include <future>

#include "concord/events/snapshot_store.hpp"
#include "fake_cache.hpp"
#include "kafka_test_support.hpp"
#include "temp_dir.hpp"
#include "writer_harness.hpp"

using namespace concord;
using namespace concord::events::kafka_test;
using concord::events::testing::TempDir;
using concord::service::testing::Writer;

namespace {

std::shared_ptr<events::EventLog> open(const std::string& transactional_id, bool writer) {
  auto o = options(transactional_id);
  o.writer_on_open = writer;
  auto log = events::open_kafka_log(o);
  EXPECT_TRUE(log) << (log ? "" : log.error().detail);
  return log ? std::shared_ptr<events::EventLog>(std::move(*log)) : nullptr;
}

struct Pair {
  explicit Pair(const std::string& test) : topic(unique("things-" + test)), id(unique("things-writer-" + test)) {}
  std::string topic;
  std::string id;
  concord::testing::MapCache cache;  // what Redis is to the replicas: shared
  std::shared_ptr<events::EventLog> first_log = open(id, true);
  std::shared_ptr<events::EventLog> standby_log = open(id, false);
  std::unique_ptr<Writer> first, standby;

  bool start() {
    if (!first_log || !standby_log || !first_log->ensure_topics({{topic, 3}})) return false;
    first = std::make_unique<Writer>(first_log, cache, topic);
    standby = std::make_unique<Writer>(standby_log, cache, topic);
    return first->replay() && standby->replay();
  }
  // What the standby's promotion does.
  Status promote() {
    if (auto s = standby_log->acquire_writer(); !s) return s;
    return standby->catch_up();
  }
};

TEST(KafkaIdempotency, a_retry_after_the_writer_died_between_commit_and_response_is_answered_from_the_log) {
  if (brokers().empty()) return;
  Pair p("after-commit");
  ASSERT_TRUE(p.start());
  p.first->dies_at(Writer::DiesAt::after_commit);
  auto lost =
      std::async(std::launch::async, [&] { return p.first->post("k-1", R"({"n":1})", std::chrono::seconds(60)); });
  p.first->wait_until_held();
  ASSERT_TRUE(p.promote());

  auto retry = p.standby->post("k-1", R"({"n":1})");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_TRUE(retry->headers.get("Concord-Position").has_value());  // Kafka reports where
  auto ids = p.standby->ids();
  ASSERT_EQ(ids.size(), 1u);
  auto doc = nlohmann::json::parse(retry->body);
  EXPECT_EQ(doc["events"][0]["subject"], "thing/" + ids[0]);
  EXPECT_EQ(p.standby->handled(), 0);
  p.first->release();
  lost.wait();
}

TEST(KafkaIdempotency, a_retry_after_the_writer_died_before_its_commit_runs_once_on_the_next_writer) {
  if (brokers().empty()) return;
  Pair p("before-commit");
  ASSERT_TRUE(p.start());
  p.first->dies_at(Writer::DiesAt::before_commit);
  auto lost =
      std::async(std::launch::async, [&] { return p.first->post("k-2", R"({"n":1})", std::chrono::seconds(60)); });
  p.first->wait_until_held();
  ASSERT_TRUE(p.promote());

  auto retry = p.standby->post("k-2", R"({"n":1})");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 201) << retry->body;
  EXPECT_EQ(p.standby->handled(), 1);
  EXPECT_EQ(p.standby->ids().size(), 1u);
  // The fenced writer can write nothing, under this key or any other.
  p.first->dies_at(Writer::DiesAt::never);
  auto zombie = p.first->post("k-9", R"({"n":9})");
  ASSERT_TRUE(zombie);
  EXPECT_EQ(zombie->status, 503);
  p.first->release();
  lost.wait();
  ASSERT_TRUE(p.standby->catch_up());
  EXPECT_EQ(p.standby->ids().size(), 1u);
}

TEST(KafkaIdempotency, a_key_from_long_before_a_snapshot_is_answered_from_the_log_by_a_writer_started_from_it) {
  if (brokers().empty()) return;
  Pair p("snapshot");
  TempDir dir{"concord-kafka-idem-snapshots-"};
  auto snapshots = events::open_file_snapshots((dir.path() / "snapshots").string());
  ASSERT_TRUE(snapshots);
  ASSERT_TRUE(p.first_log && p.standby_log && p.first_log->ensure_topics({{p.topic, 3}}));
  p.first = std::make_unique<Writer>(p.first_log, p.cache, p.topic, *snapshots);
  ASSERT_TRUE(p.first->replay());
  auto created = p.first->post("k-5", "{}");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  // More behind it in its partition (the same key) than a start used to read back for keys.
  auto id = created->headers.get("Location").value_or("").substr(std::string("/v1/things/").size());
  for (int batch = 0; batch < 5; ++batch)
    ASSERT_TRUE(p.first_log->append(p.topic, id, service::testing::unkeyed_things(1000)));
  auto written = p.first->snapshot_now();
  ASSERT_TRUE(written) << written.error().detail;
  EXPECT_EQ(written->events, 5001);
  ASSERT_TRUE(p.cache.del("idem:things:anonymous:k-5"));

  ASSERT_TRUE(p.standby_log->acquire_writer());  // the first writer is fenced
  p.standby = std::make_unique<Writer>(p.standby_log, p.cache, p.topic, *snapshots);
  ASSERT_TRUE(p.standby->replay());
  EXPECT_TRUE(p.standby->recovery().from_snapshot) << p.standby->recovery().why_not;
  EXPECT_EQ(p.standby->recovery().replayed_events, 0);
  auto retry = p.standby->post("k-5", "{}");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->headers.get("Location"), created->headers.get("Location"));
  EXPECT_TRUE(retry->headers.get("Concord-Position").has_value());
  EXPECT_EQ(p.standby->handled(), 0);
  EXPECT_EQ(p.standby->ids().size(), 5001u);
}

}  // namespace
