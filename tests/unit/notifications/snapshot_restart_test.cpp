// Start-up from a snapshot, with the service's own store, evolve and state codec: a history that
// fills every part of the state (members with e-mail addresses, meetings and documents, inboxes
// with a read mark, preferences, a webhook with a failing delivery, e-mails waiting for a retry);
// a restart after a snapshot and more history replays only what follows the snapshot and ends
// in the state a full replay gives; a snapshot that fails its checksum or is of another version
// is passed over for a full replay, never half-used.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "concord/core/binary.hpp"
#include "concord/service/store.hpp"
#include "notifications/domain/snapshot.hpp"
#include "snapshot_history.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;

namespace {

long long events_in(events::EventLog& log) {
  long long n = 0;
  for (const auto& topic : kFoldedTopics) {
    auto s = log.replay(topic, [&](const events::Record&) -> Status {
      ++n;
      return {};
    });
    EXPECT_TRUE(s) << s.error().detail;
  }
  return n;
}

std::shared_ptr<events::EventLog> borrowed(events::EventLog& log) {
  return std::shared_ptr<events::EventLog>(&log, [](events::EventLog*) {});
}

service::Store<State> store_on(events::EventLog& log) {
  return service::Store<State>(borrowed(log), [](State& s, const std::string& topic, const events::Event& e) {
    evolve(s, topic, Incoming{e.id, e.type, e.time, e.data});
  });
}

// The state as a full replay of the log has it, snapshots off.
std::string full_replay(events::EventLog& log) {
  auto store = store_on(log);
  auto s = store.replay(kFoldedTopics);
  EXPECT_TRUE(s) << s.error().detail;
  EXPECT_FALSE(store.recovery().from_snapshot);
  return store.read([](const State& state) { return encode_state(state); });
}

std::string state_of(Harness& h) {
  return h.notifications().store().read([](const State& state) { return encode_state(state); });
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class NotificationsSnapshots : public ::testing::Test {
 protected:
  void SetUp() override {
    h.close();
    h.use_snapshots();
    h.open();
    write_history(h, "a");
    auto written = h.notifications().store().snapshot_now();
    ASSERT_TRUE(written) << written.error().detail;
    at_snapshot = written->events;
    EXPECT_EQ(at_snapshot, events_in(h.log()));
    write_history(h, "b");
    total = events_in(h.log());
    ASSERT_GT(total, at_snapshot);
    h.close();
  }

  Harness h{snapshot_history_env()};
  long long at_snapshot = 0;
  long long total = 0;
};

}  // namespace

TEST_F(NotificationsSnapshots, a_restart_after_a_snapshot_replays_only_what_follows_and_ends_as_a_full_replay) {
  h.open();
  auto recovery = h.notifications().store().recovery();
  EXPECT_TRUE(recovery.from_snapshot) << recovery.why_not;
  EXPECT_EQ(recovery.snapshot_events, at_snapshot);
  EXPECT_EQ(recovery.replayed_events, total - at_snapshot);
  auto state = state_of(h);
  EXPECT_EQ(state, full_replay(h.log()));
  expect_both_histories(state);
  EXPECT_EQ(h.inbox("m-a-inbox").size(), 2u);
  EXPECT_EQ(h.inbox("m-a-inbox", "&unread=true").size(), 1u);
}

TEST_F(NotificationsSnapshots, a_snapshot_that_fails_its_checksum_is_ignored) {
  auto bytes = read_file(h.snapshot_file());
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() / 2] ^= 0x01;  // one bit inside the state
  std::ofstream(h.snapshot_file(), std::ios::binary | std::ios::trunc) << bytes;
  h.open();
  auto recovery = h.notifications().store().recovery();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("checksum"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, total);
  EXPECT_EQ(state_of(h), full_replay(h.log()));
}

TEST_F(NotificationsSnapshots, a_snapshot_of_another_version_is_ignored) {
  h.open_log();
  {
    auto other = store_on(h.log());
    auto snapshots = events::open_file_snapshots(h.snapshot_file().parent_path().string());
    ASSERT_TRUE(snapshots) << snapshots.error().detail;
    other.use_snapshots("notifications", {kStateVersion + 1, encode_state, decode_state}, {*snapshots});
    ASSERT_TRUE(other.replay(kFoldedTopics));
    ASSERT_TRUE(other.snapshot_now());
  }
  h.open();
  auto recovery = h.notifications().store().recovery();
  EXPECT_FALSE(recovery.from_snapshot);
  EXPECT_NE(recovery.why_not.find("version"), std::string::npos) << recovery.why_not;
  EXPECT_EQ(recovery.replayed_events, total);
  EXPECT_EQ(state_of(h), full_replay(h.log()));
}

TEST_F(NotificationsSnapshots, the_state_decodes_to_the_same_bytes_and_damaged_bytes_are_refused) {
  h.open_log();
  auto bytes = full_replay(h.log());
  EXPECT_EQ(encode_state(decode_state(bytes)), bytes);
  EXPECT_THROW(decode_state(bytes.substr(0, bytes.size() - 3)), binary::Malformed);
  EXPECT_THROW(decode_state(bytes + "\x01"), binary::Malformed);
  EXPECT_THROW(decode_state(""), binary::Malformed);
}
