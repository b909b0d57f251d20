// Idempotency-Key across a writer's death on the real broker: a standby takes the writer's role
// (init_transactions fences the writer that died holding a claim) and catches up; a retry is
// answered from the log when the dead writer committed the request, and run at once when it
// did not — and then the dead writer cannot write it any more.
#include <gtest/gtest.h>

#include <future>

#include "fake_cache.hpp"
#include "kafka_test_support.hpp"
#include "writer_harness.hpp"

using namespace concord;
using namespace concord::events::kafka_test;
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

}  // namespace
