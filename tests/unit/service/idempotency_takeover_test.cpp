// Idempotency-Key across a writer's death, on the file log: a retry that reaches the next writer
// while the dead one's claim is still in the cache is answered at once — from the log when the
// dead writer committed the request (never run twice), by running it when it did not (never a
// 409 until the claim expires). A writer that starts from a snapshot remembers the requests
// before it from the snapshot itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "concord/events/file_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "fake_cache.hpp"
#include "temp_dir.hpp"
#include "writer_harness.hpp"

using namespace concord;
using concord::events::testing::TempDir;
using concord::service::testing::Writer;

namespace {

constexpr const char* kTopic = "concord.things.v1";

class TakeoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = events::open_file_log({.directory = dir_.path()});
    ASSERT_TRUE(opened) << opened.error().detail;
    log_ = std::shared_ptr<events::EventLog>(std::move(*opened));
    ASSERT_TRUE(log_->ensure_topics({{kTopic}}));
  }

  std::unique_ptr<Writer> writer(std::shared_ptr<events::SnapshotStore> snapshots = nullptr) {
    auto w = std::make_unique<Writer>(log_, cache_, kTopic, std::move(snapshots));
    EXPECT_TRUE(w->replay());
    return w;
  }

  std::shared_ptr<events::SnapshotStore> snapshots() {
    auto opened = events::open_file_snapshots((dir_.path() / "snapshots").string());
    EXPECT_TRUE(opened);
    return opened ? *opened : nullptr;
  }

  // `n` events of other requests, none under a key, in appends of 1,000.
  void append_unkeyed(int n) {
    for (int done = 0; done < n; done += 1000)
      ASSERT_TRUE(log_->append(kTopic, "bulk", service::testing::unkeyed_things(std::min(1000, n - done))));
  }

  TempDir dir_{"concord-takeover-"};
  std::shared_ptr<events::EventLog> log_;
  concord::testing::MapCache cache_;
};

nlohmann::json body_of(const http::ClientResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

TEST_F(TakeoverTest, a_retry_after_the_writer_died_between_commit_and_response_is_answered_from_the_log) {
  auto first = writer();
  first->dies_at(Writer::DiesAt::after_commit);
  auto lost = std::async(std::launch::async, [&] { return first->post("k-1", R"({"n":1})"); });
  first->wait_until_held();  // committed; its claim is in flight, its answer never comes

  auto next = writer();  // the next writer (the same log, a term of its own)
  auto retry = next->post("k-1", R"({"n":1})");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->headers.get("Idempotent-Replayed").value_or(""), "true");
  auto ids = next->ids();
  ASSERT_EQ(ids.size(), 1u);  // written once
  auto doc = body_of(*retry);
  EXPECT_EQ(doc["status"], "committed");
  ASSERT_EQ(doc["events"].size(), 1u);
  EXPECT_EQ(doc["events"][0]["subject"], "thing/" + ids[0]);
  EXPECT_EQ(doc["events"][0]["type"], "concord.things.thing.created");
  EXPECT_EQ(next->handled(), 0);
  // Not the lost 201, but where what it created lives, and where a read waits for it.
  EXPECT_EQ(retry->headers.get("Location").value_or(""), "/v1/things/" + ids[0]);
  EXPECT_EQ(doc["location"], "/v1/things/" + ids[0]);
  EXPECT_TRUE(retry->headers.get("Concord-Position").value_or("").starts_with(std::string(kTopic) + ":"));

  // The answer is remembered like any other; another request under the key is still 422.
  auto again = next->post("k-1", R"({"n":1})");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(body_of(*again)["events"][0]["subject"], "thing/" + ids[0]);
  auto other = next->post("k-1", R"({"n":2})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 422);
  EXPECT_EQ(next->handled(), 0);

  first->release();
  lost.wait();
  EXPECT_EQ(next->ids().size(), 1u);
}

TEST_F(TakeoverTest, a_retry_after_the_writer_died_before_its_commit_runs_at_once_and_once) {
  auto first = writer();
  first->dies_at(Writer::DiesAt::before_commit);
  auto lost = std::async(std::launch::async, [&] { return first->post("k-2", R"({"n":1})"); });
  first->wait_until_held();

  auto next = writer();
  auto retry = next->post("k-2", R"({"n":1})");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 201) << retry->body;  // not 409 for two minutes
  EXPECT_EQ(next->handled(), 1);
  auto again = next->post("k-2", R"({"n":1})");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201);
  EXPECT_EQ(again->headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(body_of(*again), body_of(*retry));
  EXPECT_EQ(next->handled(), 1);

  first->release();
  lost.wait();
  EXPECT_EQ(next->ids().size(), 1u);
}

TEST_F(TakeoverTest, a_claim_still_running_on_this_writer_is_409) {
  auto w = writer();
  w->dies_at(Writer::DiesAt::after_commit);
  auto held = std::async(std::launch::async, [&] { return w->post("k-3", "{}"); });
  w->wait_until_held();
  auto dup = w->post("k-3", "{}");
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  EXPECT_EQ(w->handled(), 1);
  w->release();
  held.wait();
}

TEST_F(TakeoverTest, a_key_whose_record_was_lost_is_answered_from_the_log_not_run_again) {
  auto w = writer();
  auto created = w->post("k-4", "{}");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  // The record expired, or the cache was flushed (it is never the truth).
  ASSERT_TRUE(cache_.del("idem:things:anonymous:k-4"));
  auto retry = w->post("k-4", "{}");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  EXPECT_EQ(retry->headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(w->handled(), 1);
  EXPECT_EQ(w->ids().size(), 1u);

  // So does a writer that starts later: it rebuilds what it remembers from the log.
  auto restarted = writer();
  ASSERT_TRUE(cache_.del("idem:things:anonymous:k-4"));
  auto later = restarted->post("k-4", "{}");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(restarted->handled(), 0);
}

}  // namespace

namespace {

TEST_F(TakeoverTest, a_key_from_long_before_a_snapshot_is_answered_from_the_log_after_a_start_from_it) {
  auto store = snapshots();
  auto first = writer(store);
  auto created = first->post("k-5", "{}");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201);
  // More behind it than a start used to read back before a snapshot's positions for keys (4,096).
  append_unkeyed(5000);
  auto written = first->snapshot_now();
  ASSERT_TRUE(written) << written.error().detail;
  EXPECT_EQ(written->events, 5001);
  ASSERT_TRUE(cache_.del("idem:things:anonymous:k-5"));  // the ledger's record expired

  auto restarted = writer(store);
  EXPECT_TRUE(restarted->recovery().from_snapshot) << restarted->recovery().why_not;
  EXPECT_EQ(restarted->recovery().replayed_events, 0);
  auto retry = restarted->post("k-5", "{}");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(retry->headers.get("Location"), created->headers.get("Location"));
  EXPECT_EQ(restarted->handled(), 0);
  EXPECT_EQ(restarted->ids().size(), 5001u);
}

TEST_F(TakeoverTest, a_snapshot_without_the_remembered_requests_is_passed_over_for_a_full_replay) {
  auto store = snapshots();
  auto first = writer(store);
  ASSERT_TRUE(first->post("k-6", "{}"));
  auto written = first->snapshot_now();
  ASSERT_TRUE(written);
  // The same snapshot as the code before the envelope wrote it: the state's bytes alone.
  events::Snapshot old = *written;
  old.envelope = 0;
  old.state = service::testing::things_codec().encode(service::testing::Things{{"not-in-the-log"}});
  ASSERT_TRUE(store->write(old));
  ASSERT_TRUE(cache_.del("idem:things:anonymous:k-6"));

  auto restarted = writer(store);
  EXPECT_FALSE(restarted->recovery().from_snapshot);
  EXPECT_NE(restarted->recovery().why_not.find("envelope"), std::string::npos) << restarted->recovery().why_not;
  EXPECT_EQ(restarted->ids(), first->ids());
  auto retry = restarted->post("k-6", "{}");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(restarted->handled(), 0);
}

}  // namespace
