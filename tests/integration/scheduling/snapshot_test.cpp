// Start-up from a snapshot, on the file log and on the real Kafka broker, with the scheduling
// service's own evolve() and state codec behind a Store: a store restarted after a snapshot and
// more events ends in the same state as a full replay, having replayed only the events after
// the snapshot; a snapshot that fails its checksum, is of another version, is cut short, or is
// a temporary file never renamed is not used (a full replay, the same state); and the store
// writes snapshots by itself once enough events have been committed.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "concord/events/file_log.hpp"
#include "concord/events/kafka_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "concord/service/store.hpp"
#include "scheduling/domain/evolve.hpp"
#include "scheduling/domain/snapshot.hpp"
#include "scheduling_history.hpp"
#include "service_process.hpp"
#include "temp_dir.hpp"

using namespace concord;
namespace fs = std::filesystem;

namespace {

enum class LogKind { file, kafka };
using SchedulingStore = service::Store<scheduling::State>;

std::string kind_name(const ::testing::TestParamInfo<LogKind>& info) {
  return info.param == LogKind::file ? "file_log" : "kafka";
}

std::string random_tag() {
  std::random_device rd;
  std::string tag;
  for (int i = 0; i < 10; ++i) tag += "0123456789abcdef"[rd() % 16];
  return tag;
}

class SchedulingSnapshots : public ::testing::TestWithParam<LogKind> {
 protected:
  void SetUp() override {
    if (GetParam() == LogKind::kafka) {
      auto brokers = concord::testing::kafka_brokers();
      if (!brokers)
        FAIL() << "KAFKA_BROKERS is not set: this test needs the real Kafka broker. Start one with "
                  "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";
      // Topics of this test only, on a broker other tests share: prefixed, and the prefix taken
      // off again before evolve() sees the topic.
      prefix_ = "snapshots." + random_tag() + ".";
      auto opened = events::open_kafka_log({.brokers = *brokers, .transactional_id = prefix_ + "writer"});
      ASSERT_TRUE(opened) << opened.error().detail;
      log_ = std::move(*opened);
    } else {
      auto opened = events::open_file_log({.directory = dir_.path() / "log"});
      ASSERT_TRUE(opened) << opened.error().detail;
      log_ = std::move(*opened);
    }
    history_ = std::make_unique<concord::testing::SchedulingHistory>(prefix_);
    for (auto real : {scheduling::kDelegationsTopic, scheduling::kTopic, scheduling::kPrivateTopic})
      topics_.push_back(history_->topic(real));
    std::vector<events::TopicSpec> specs;
    for (const auto& t : topics_) specs.push_back({t});
    ASSERT_TRUE(log_->ensure_topics(specs));
    auto snapshots = events::open_file_snapshots((dir_.path() / "snapshots").string());
    ASSERT_TRUE(snapshots) << snapshots.error().detail;
    snapshots_ = *snapshots;
  }

  // `visits` more visits of history (40 events each, 41 every tenth), appended in batches.
  void write_visits(int visits) {
    auto appends = history_->visits(next_visit_, visits);
    next_visit_ += visits;
    for (size_t i = 0; i < appends.size(); i += 200) {
      std::vector<events::Append> batch(appends.begin() + static_cast<long>(i),
                                        appends.begin() + static_cast<long>(std::min(appends.size(), i + 200)));
      auto s = log_->append_all(batch);
      ASSERT_TRUE(s) << s.error().detail;
    }
    written_ += history_->events_in(appends);
  }

  std::unique_ptr<SchedulingStore> make_store(bool snapshots, service::SnapshotPolicy policy = {},
                                              int version = scheduling::kStateVersion) {
    auto store = std::make_unique<SchedulingStore>(
        log_, [prefix = prefix_](scheduling::State& s, const std::string& topic, const events::Event& e) {
          scheduling::evolve(s, std::string_view(topic).substr(prefix.size()), e.type, e.data, e.time);
        });
    if (snapshots) {
      if (!policy.store) policy.store = snapshots_;
      store->use_snapshots("scheduling", {version, scheduling::encode_state, scheduling::decode_state}, policy);
    }
    return store;
  }

  static std::string encoded(const SchedulingStore& store) {
    return store.read([](const scheduling::State& s) { return scheduling::encode_state(s); });
  }

  // The state as a full replay of the log has it, with snapshots off.
  std::string full_replay() {
    auto store = make_store(false);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    EXPECT_FALSE(store->recovery().from_snapshot);
    EXPECT_EQ(store->recovery().replayed_events, written_);
    return encoded(*store);
  }

  // Replays with snapshots on, writes one now and returns what it wrote.
  events::Snapshot take_snapshot() {
    auto store = make_store(true);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    auto written = store->snapshot_now();
    EXPECT_TRUE(written) << written.error().detail;
    return written ? *written : events::Snapshot{};
  }

  // What the start of a store with snapshots on did, and the state it ended with.
  std::pair<SchedulingStore::Recovery, std::string> restart() {
    auto store = make_store(true);
    auto s = store->replay(topics_);
    EXPECT_TRUE(s) << s.error().detail;
    return {store->recovery(), encoded(*store)};
  }

  fs::path snapshot_file() const { return dir_.path() / "snapshots" / "scheduling.snapshot"; }

  std::string read_file(const fs::path& path) const {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write_file(const fs::path& path, const std::string& bytes) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  events::testing::TempDir dir_{"concord-snapshots-"};
  std::string prefix_;
  std::shared_ptr<events::EventLog> log_;
  std::shared_ptr<events::SnapshotStore> snapshots_;
  std::unique_ptr<concord::testing::SchedulingHistory> history_;
  std::vector<std::string> topics_;
  int next_visit_ = 0;
  long long written_ = 0;
};

TEST_P(SchedulingSnapshots, a_restart_after_a_snapshot_replays_only_what_follows_and_ends_as_a_full_replay) {
  write_visits(60);
  auto snapshot = take_snapshot();
  EXPECT_EQ(snapshot.events, written_);
  long long at_snapshot = written_;
  write_visits(15);

  auto [recovery, state] = restart();
  EXPECT_TRUE(recovery.from_snapshot) << recovery.why_not;
  EXPECT_EQ(recovery.snapshot_events, at_snapshot);
  EXPECT_EQ(recovery.replayed_events, written_ - at_snapshot);
  EXPECT_EQ(state, full_replay());
  // And the state is not trivially equal: it holds every visit's meetings.
  auto decoded = scheduling::decode_state(state);
  EXPECT_EQ(decoded.visits.size(), 75u);
  EXPECT_EQ(decoded.meetings.size(), 75u * 12);
}

TEST_P(SchedulingSnapshots, a_snapshot_that_fails_its_checksum_is_ignored) {
  write_visits(20);
  take_snapshot();
  write_visits(5);
  auto bytes = read_file(snapshot_file());
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() / 2] ^= 0x01;  // one bit inside the state
  write_file(snapshot_file(), bytes);

  auto [recovery, state] = restart();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("checksum"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, written_);
  EXPECT_EQ(state, full_replay());
}

TEST_P(SchedulingSnapshots, a_snapshot_of_another_version_is_ignored) {
  write_visits(20);
  {
    auto older = make_store(true, {}, scheduling::kStateVersion + 1);
    ASSERT_TRUE(older->replay(topics_));
    ASSERT_TRUE(older->snapshot_now());
  }
  write_visits(5);
  auto [recovery, state] = restart();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("version"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, written_);
  EXPECT_EQ(state, full_replay());
}

TEST_P(SchedulingSnapshots, a_half_written_snapshot_is_never_used) {
  write_visits(20);
  take_snapshot();
  long long at_first = written_;
  write_visits(10);
  // A later snapshot whose write never finished: the temporary file beside the real one...
  auto later =
      events::encode_snapshot_file(events::Snapshot{"scheduling", scheduling::kStateVersion, {}, 1, "not a state"});
  write_file(fs::path(snapshot_file()) += ".tmp", later);
  auto [recovery, state] = restart();
  EXPECT_TRUE(recovery.from_snapshot) << recovery.why_not;
  EXPECT_EQ(recovery.snapshot_events, at_first) << "the first snapshot, not the temporary file";
  EXPECT_EQ(state, full_replay());

  // ...and a snapshot file cut short (a copy that stopped half-way).
  auto bytes = read_file(snapshot_file());
  write_file(snapshot_file(), bytes.substr(0, bytes.size() / 2));
  auto [cut, cut_state] = restart();
  EXPECT_FALSE(cut.from_snapshot);
  EXPECT_NE(cut.why_not.find("cut short"), std::string::npos) << cut.why_not;
  EXPECT_EQ(cut.replayed_events, written_);
  EXPECT_EQ(cut_state, full_replay());
}

TEST_P(SchedulingSnapshots, the_store_writes_snapshots_by_itself_as_events_are_committed) {
  write_visits(5);
  service::SnapshotPolicy policy{snapshots_, 100, std::chrono::hours(1)};
  auto store = make_store(true, policy);
  ASSERT_TRUE(store->replay(topics_));
  EXPECT_FALSE(store->recovery().from_snapshot);
  // 150 events through the store's own write path (as a service's requests make them).
  auto more = history_->visits(next_visit_, 4);
  next_visit_ += 4;
  size_t i = 0;
  for (; i < more.size() && i < 150; ++i) {
    auto written = store->write([&](const scheduling::State&) -> Result<std::vector<events::Append>> {
      return std::vector<events::Append>{more[i]};
    });
    ASSERT_TRUE(written) << written.error().detail;
  }
  written_ += 150;
  // The snapshot thread was woken at 100 events and writes once it has read them: wait for a
  // snapshot to appear (no time is asserted; the wait is bounded only so a failure ends).
  std::variant<events::Snapshot, events::NoSnapshot> latest = events::NoSnapshot{};
  for (int tries = 0; tries < 600; ++tries) {
    auto got = snapshots_->latest("scheduling", scheduling::kStateVersion);
    ASSERT_TRUE(got) << got.error().detail;
    latest = *got;
    if (std::holds_alternative<events::Snapshot>(latest)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(std::holds_alternative<events::Snapshot>(latest)) << std::get<events::NoSnapshot>(latest).reason;
  auto& snapshot = std::get<events::Snapshot>(latest);
  EXPECT_GE(snapshot.events, 5 * 40 + 100);
  store.reset();

  auto [recovery, state] = restart();
  EXPECT_TRUE(recovery.from_snapshot) << recovery.why_not;
  EXPECT_EQ(recovery.snapshot_events + recovery.replayed_events, written_);
  EXPECT_EQ(state, full_replay());
}

INSTANTIATE_TEST_SUITE_P(logs, SchedulingSnapshots, ::testing::Values(LogKind::file, LogKind::kafka), kind_name);

}  // namespace
