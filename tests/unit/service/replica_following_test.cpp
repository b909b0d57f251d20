// A service that follows its own topics itself (Tracked::follows_itself: notifications, whose
// consumer groups append to its topic on every replica): a standby's Concord-Min-Position waits
// for what the service's follower reports, and a replica elected writer takes writes only once
// that follower has reached the end of the log. On the file log, with an election the test
// decides.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "concord/events/file_log.hpp"
#include "concord/service/replica.hpp"
#include "concord/service/store.hpp"
#include "temp_dir.hpp"

using namespace concord;
using namespace std::chrono_literals;
using concord::events::testing::TempDir;

namespace {

constexpr const char* kOwnTopic = "followed.v1";
constexpr const char* kLeaderTopic = "followed.leader.v1";

// Elected when the test says so.
class DecidedElection final : public events::WriterElection {
 public:
  explicit DecidedElection(std::shared_ptr<std::atomic<bool>> elected) : elected_(std::move(elected)) {}
  void poll(std::chrono::milliseconds wait) override { std::this_thread::sleep_for(std::min(wait, 10ms)); }
  bool elected() const override { return *elected_; }
  Status rejoin() override { return {}; }
  void leave() override { *elected_ = false; }

 private:
  std::shared_ptr<std::atomic<bool>> elected_;
};

struct Count {
  int n = 0;
};

events::Event followed_event(int n) {
  events::Event e;
  e.id = "followed-" + std::to_string(n);
  e.source = "/concord/test";
  e.type = "concord.test.thing.done";
  e.time = Timestamp{std::chrono::milliseconds(1700000000000)};
  return e;
}

class SelfFollowing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = events::open_file_log({.directory = dir_.path()});
    ASSERT_TRUE(opened) << opened.error().detail;
    log_ = std::shared_ptr<events::EventLog>(std::move(*opened));
    ASSERT_TRUE(log_->ensure_topics({{kOwnTopic}, {kLeaderTopic}}));
    store_ = std::make_unique<service::Store<Count>>(log_,
                                                     [](Count& c, const std::string&, const events::Event&) { ++c.n; });
    ASSERT_TRUE(store_->replay({kOwnTopic}));
    // Three events another replica appended after this one's replay: offsets 0, 1, 2.
    for (int n = 0; n < 3; ++n) ASSERT_TRUE(log_->append(kOwnTopic, "k", {followed_event(n)}));
    replica_ = std::make_unique<service::Replica>(service::Replica::Options{.service = "followed",
                                                                            .own_topics = {kOwnTopic},
                                                                            .leader_topic = kLeaderTopic,
                                                                            .instance = "replica-1",
                                                                            .advertised_url = "http://127.0.0.1:1",
                                                                            .min_position_wait = 50ms},
                                                  log_, std::make_unique<DecidedElection>(elected_));
    replica_->track(*store_, service::Replica::OwnTopics::followed_by_service);
    replica_->start();
  }
  void TearDown() override { replica_->stop(); }

  // What the service's follower does with each record it meets, from where it stands.
  void follow_up_to(long long offset) {
    auto s = log_->replay(kOwnTopic, [&](const events::Record& r) -> Status {
      if (r.offset < followed_next_ || r.offset > offset) return {};
      store_->apply(r);
      replica_->followed(r);
      followed_next_ = r.offset + 1;
      return {};
    });
    ASSERT_TRUE(s) << s.error().detail;
  }

  static http::Request read_at(const std::string& position) {
    http::Request get;
    get.method = http::Method::get;
    get.path = get.target = "/v1/things";
    get.headers.set("Concord-Min-Position", position);
    return get;
  }

  TempDir dir_{"concord-self-following-"};
  std::shared_ptr<events::EventLog> log_;
  std::unique_ptr<service::Store<Count>> store_;
  std::shared_ptr<std::atomic<bool>> elected_ = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<service::Replica> replica_;
  long long followed_next_ = 0;
};

}  // namespace

TEST_F(SelfFollowing, a_standby_read_waits_for_the_services_follower_to_pass_its_position) {
  ASSERT_EQ(replica_->role(), "standby");
  // Nothing reported yet: the standby cannot say it holds offset 2, and says so.
  auto unanswered = read_at(std::string(kOwnTopic) + ":0:3");
  auto refused = replica_->intercept(unanswered);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->headers.get("Retry-After"), "1");

  // A read that waits is let through once the follower has passed the position, not before.
  auto waiting = std::async(std::launch::async, [&] {
    auto request = read_at(std::string(kOwnTopic) + ":0:3");
    return replica_->intercept(request);
  });
  follow_up_to(1);
  EXPECT_EQ(store_->read([](const Count& c) { return c.n; }), 2);
  follow_up_to(2);
  auto answered = waiting.get();
  EXPECT_FALSE(answered.has_value()) << answered->status;
  EXPECT_EQ(store_->read([](const Count& c) { return c.n; }), 3);

  // Another service's position is not this replica's to wait for.
  auto elsewhere = read_at("other.v1:0:99");
  EXPECT_FALSE(replica_->intercept(elsewhere).has_value());
}

TEST_F(SelfFollowing, an_elected_replica_writes_only_once_the_services_follower_reached_the_end_of_the_log) {
  follow_up_to(1);
  *elected_ = true;
  // Elected, but the follower has not met offset 2, which another writer committed: this
  // replica must not decide anything yet. (Its election loop turns every 10 ms.)
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(replica_->writer());
  EXPECT_EQ(replica_->role(), "standby");

  follow_up_to(2);
  for (int turn = 0; turn < 1000 && !replica_->writer(); ++turn) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(replica_->writer());
  EXPECT_EQ(store_->read([](const Count& c) { return c.n; }), 3);

  // Demoted, it keeps the position the service reported (no follower of its own, no rebuild).
  *elected_ = false;
  for (int turn = 0; turn < 1000 && replica_->role() != "standby"; ++turn) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(replica_->role(), "standby");
  auto read = read_at(std::string(kOwnTopic) + ":0:3");
  EXPECT_FALSE(replica_->intercept(read).has_value());
}
