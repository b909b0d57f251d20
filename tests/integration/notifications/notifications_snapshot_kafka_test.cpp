// Notifications' start-up from a snapshot on the real Kafka broker: the history of the file-log
// snapshot tests (tests/unit/notifications/snapshot_restart_test.cpp), written through the
// service, is copied onto Kafka topics of this test's own and folded there by a Store with the
// service's evolve and state codec. A restart after a snapshot and more history replays only
// what follows the snapshot and ends in the state a full replay of Kafka gives; a snapshot that
// fails its checksum or is of another version is passed over for a full replay.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

#include "../../unit/notifications/snapshot_history.hpp"
#include "concord/events/kafka_log.hpp"
#include "concord/service/store.hpp"
#include "notifications/domain/snapshot.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;

namespace {

using NotificationsStore = service::Store<State>;

std::string random_tag() {
  std::random_device rd;
  std::string tag;
  for (int i = 0; i < 10; ++i) tag += "0123456789abcdef"[rd() % 16];
  return tag;
}

class NotificationsKafkaSnapshots : public ::testing::Test {
 protected:
  void SetUp() override {
    auto brokers = concord::testing::kafka_brokers();
    if (!brokers)
      FAIL() << "KAFKA_BROKERS is not set: this test needs the real Kafka broker. Start one with "
                "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";
    // Topics of this test only, on a broker other tests share: prefixed, and the prefix taken
    // off again before evolve() sees the topic.
    prefix_ = "notifications-snapshots." + random_tag() + ".";
    auto opened = events::open_kafka_log({.brokers = *brokers, .transactional_id = prefix_ + "writer"});
    ASSERT_TRUE(opened) << opened.error().detail;
    kafka_ = std::move(*opened);
    std::vector<events::TopicSpec> specs;
    for (const auto& topic : kFoldedTopics) {
      topics_.push_back(prefix_ + topic);
      specs.push_back({topics_.back()});
    }
    ASSERT_TRUE(kafka_->ensure_topics(specs));
    auto snapshots = events::open_file_snapshots((snapshots_dir_.path()).string());
    ASSERT_TRUE(snapshots) << snapshots.error().detail;
    snapshots_ = *snapshots;
  }

  // What the service wrote on its file log since the last call, onto the Kafka topics, in order.
  void copy_to_kafka() {
    for (const auto& topic : kFoldedTopics) {
      std::vector<events::Append> appends;
      auto& copied = copied_[topic];
      auto read = history_.log().replay(topic, [&](const events::Record& r) -> Status {
        if (r.offset < copied) return {};
        appends.push_back({prefix_ + topic, r.key, {r.event}});
        copied = r.offset + 1;
        return {};
      });
      ASSERT_TRUE(read) << read.error().detail;
      if (appends.empty()) continue;
      auto written = kafka_->append_all(appends);
      ASSERT_TRUE(written) << written.error().detail;
      events_ += static_cast<long long>(appends.size());
    }
  }

  std::unique_ptr<NotificationsStore> make_store(bool snapshots, int version = kStateVersion) {
    auto store = std::make_unique<NotificationsStore>(
        kafka_, [prefix = prefix_](State& s, const std::string& topic, const events::Event& e) {
          evolve(s, std::string_view(topic).substr(prefix.size()), Incoming{e.id, e.type, e.time, e.data});
        });
    if (snapshots) store->use_snapshots("notifications", {version, encode_state, decode_state}, {snapshots_});
    return store;
  }

  static std::string encoded(const NotificationsStore& store) {
    return store.read([](const State& s) { return encode_state(s); });
  }

  // The state as a full replay of the Kafka topics has it, with snapshots off.
  std::string full_replay() {
    auto store = make_store(false);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    EXPECT_EQ(store->recovery().replayed_events, events_);
    return encoded(*store);
  }

  // Replays with snapshots on (of `version`), writes one now and returns how many events it holds.
  long long take_snapshot(int version = kStateVersion) {
    auto store = make_store(true, version);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    auto written = store->snapshot_now();
    EXPECT_TRUE(written) << written.error().detail;
    return written ? written->events : -1;
  }

  std::pair<NotificationsStore::Recovery, std::string> restart() {
    auto store = make_store(true);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    return {store->recovery(), encoded(*store)};
  }

  std::filesystem::path snapshot_file() const { return snapshots_dir_.path() / "notifications.snapshot"; }

  Harness history_{snapshot_history_env()};
  events::testing::TempDir snapshots_dir_{"concord-notifications-snapshots-"};
  std::string prefix_;
  std::shared_ptr<events::EventLog> kafka_;
  std::shared_ptr<events::SnapshotStore> snapshots_;
  std::vector<std::string> topics_;
  std::map<std::string, long long> copied_;  // file-log topic → the next offset to copy
  long long events_ = 0;                     // copied onto Kafka
};

}  // namespace

TEST_F(NotificationsKafkaSnapshots, a_restart_after_a_snapshot_replays_only_what_follows_and_ends_as_a_full_replay) {
  write_history(history_, "a");
  copy_to_kafka();
  long long at_snapshot = events_;
  EXPECT_EQ(take_snapshot(), at_snapshot);
  write_history(history_, "b");
  copy_to_kafka();
  ASSERT_GT(events_, at_snapshot);

  auto [recovery, state] = restart();
  EXPECT_TRUE(recovery.from_snapshot) << recovery.why_not;
  EXPECT_EQ(recovery.snapshot_events, at_snapshot);
  EXPECT_EQ(recovery.replayed_events, events_ - at_snapshot);
  EXPECT_EQ(state, full_replay());
  expect_both_histories(state);
}

TEST_F(NotificationsKafkaSnapshots, a_snapshot_that_fails_its_checksum_is_ignored) {
  write_history(history_, "a");
  copy_to_kafka();
  take_snapshot();
  write_history(history_, "b");
  copy_to_kafka();
  std::string bytes;
  {
    std::ifstream in(snapshot_file(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() / 2] ^= 0x01;  // one bit inside the state
  std::ofstream(snapshot_file(), std::ios::binary | std::ios::trunc) << bytes;

  auto [recovery, state] = restart();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("checksum"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, events_);
  EXPECT_EQ(state, full_replay());
}

TEST_F(NotificationsKafkaSnapshots, a_snapshot_of_another_version_is_ignored) {
  write_history(history_, "a");
  copy_to_kafka();
  take_snapshot(kStateVersion + 1);
  write_history(history_, "b");
  copy_to_kafka();

  auto [recovery, state] = restart();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("version"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, events_);
  EXPECT_EQ(state, full_replay());
}
