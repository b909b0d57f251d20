// A broker outage, with the local stack's own broker (deploy/local/stack.sh stop-kafka and
// start-kafka): appends fail as `unavailable` within a bounded time, leave nothing behind, and
// the same EventLog appends again once the broker is back, without a restart. Its own binary,
// run alone: it stops the broker every other Kafka test uses, and starts it again in any case.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include "kafka_test_support.hpp"

namespace concord::events {
namespace {

using namespace std::chrono_literals;
using kafka_test::make_event;
using kafka_test::seconds_since;
using kafka_test::unique;

int stack(const std::string& command) {
  std::string line = std::string(CONCORD_STACK_SCRIPT) + " " + command + " 1>&2";
  int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Starts the broker again however the test ends, so a failure here does not cascade.
struct BrokerBack {
  bool down = false;
  ~BrokerBack() {
    if (down) stack("start-kafka");
  }
};

struct Attempt {
  std::string id;
  Status status;
  double seconds = 0;
};

bool outcome_unknown(const Status& s) {
  return !s && s.error().extensions.value("commit_outcome", std::string()) == "unknown";
}

TEST(KafkaOutage, appends_fail_fast_while_the_broker_is_down_and_the_same_log_recovers_after) {
  std::string brokers = kafka_test::brokers();
  ASSERT_FALSE(brokers.empty()) << kafka_test::kNoBroker;
  auto o = kafka_test::options(unique("outage-writer"));
  o.append_timeout = 5s;
  o.abort_grace = 2s;
  const double bound = 5.0 + 2.0 + 2.0;  // append timeout + abort grace + slack for a busy machine
  auto opened = open_kafka_log(o);
  ASSERT_TRUE(opened) << opened.error().detail;
  auto& log = **opened;
  std::string t = unique("outage");
  ASSERT_TRUE(log.ensure_topics({TopicSpec{.name = t, .partitions = 3}}));
  std::vector<Event> before = {make_event("a", 0), make_event("a", 1)};
  ASSERT_TRUE(log.append(t, "a", before));

  // A writer that keeps appending through the outage, so that some transaction is caught in
  // the middle (records sent, partitions registered) when the broker goes away.
  std::atomic<bool> stop_writer{false};
  std::atomic<bool> recovered{false};
  std::vector<Attempt> attempts;
  std::thread writer([&] {
    for (long long n = 0; !stop_writer; ++n) {
      Event e = make_event("w", n);
      auto t0 = std::chrono::steady_clock::now();
      Status st = log.append(t, "w", {e});
      attempts.push_back(Attempt{e.id, st, seconds_since(t0)});
      if (st && attempts.size() > 1 && !attempts[attempts.size() - 2].status) recovered = true;
      if (!st) std::this_thread::sleep_for(200ms);
    }
  });
  struct Join {
    std::thread& t;
    std::atomic<bool>& stop;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join{writer, stop_writer};

  BrokerBack guard;
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(stack("stop-kafka"), 0);
  guard.down = true;

  for (int attempt = 0; attempt < 2; ++attempt) {  // the second one runs on a replaced producer
    auto t0 = std::chrono::steady_clock::now();
    auto st = log.append(t, "a", {make_event("a", 100 + attempt)});
    double took = seconds_since(t0);
    ASSERT_FALSE(st) << "an append cannot succeed with the broker down";
    EXPECT_EQ(failure_of(st.error()), LogFailure::unavailable) << st.error().detail;
    EXPECT_LT(took, bound) << st.error().detail;
    std::cout << "[ figures  ] append with the broker down failed after " << took << " s: " << st.error().detail
              << "\n";
  }
  EXPECT_FALSE(log.healthy());

  ASSERT_EQ(stack("start-kafka"), 0);
  guard.down = false;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Event> after = {make_event("a", 2), make_event("a", 3)};
  Status st = fail(Error::unavailable("not tried"));
  int tries = 0;
  while (seconds_since(t0) < 90) {
    ++tries;
    st = log.append(t, "a", after);
    if (st) break;
    EXPECT_EQ(failure_of(st.error()), LogFailure::unavailable) << st.error().detail;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(st) << "the log did not recover within 90 s: " << st.error().detail;
  std::cout << "[ figures  ] first successful append " << seconds_since(t0) << " s after start-kafka returned ("
            << tries << " attempts)\n";
  EXPECT_TRUE(log.healthy());
  auto wait_until = std::chrono::steady_clock::now() + 30s;
  while (!recovered && std::chrono::steady_clock::now() < wait_until) std::this_thread::sleep_for(100ms);
  stop_writer = true;
  writer.join();
  EXPECT_TRUE(recovered) << "the concurrent writer did not append again after the outage";

  std::vector<std::string> replayed_a;
  std::vector<std::string> replayed_w;
  auto replay = log.replay(t, [&](const Record& r) -> Status {
    (r.key == "a" ? replayed_a : replayed_w).push_back(r.event.id);
    return {};
  });
  ASSERT_TRUE(replay) << replay.error().detail;
  EXPECT_EQ(replayed_a, (std::vector<std::string>{before[0].id, before[1].id, after[0].id, after[1].id}))
      << "the failed appends left nothing behind";

  // The writer: every append took a bounded time; what succeeded is there, in order; what
  // failed is not (unless the commit itself was cut off, which the error says).
  size_t failed = 0, unknown = 0;
  std::vector<std::string> expected_w;
  std::set<std::string> present(replayed_w.begin(), replayed_w.end());
  for (const auto& a : attempts) {
    EXPECT_LT(a.seconds, bound) << (a.status ? "" : a.status.error().detail);
    if (a.status) {
      expected_w.push_back(a.id);
    } else if (outcome_unknown(a.status)) {
      ++unknown;
      if (present.contains(a.id)) expected_w.push_back(a.id);
    } else {
      ++failed;
      EXPECT_EQ(failure_of(a.status.error()), LogFailure::unavailable) << a.status.error().detail;
      EXPECT_FALSE(present.contains(a.id)) << "a failed append is visible: " << a.status.error().detail;
    }
  }
  EXPECT_EQ(replayed_w, expected_w);
  EXPECT_GT(failed + unknown, 0u) << "the writer never ran into the outage";
  std::cout << "[ figures  ] concurrent writer: " << attempts.size() << " appends, " << failed << " failed, " << unknown
            << " with an unknown outcome\n";
}

}  // namespace
}  // namespace concord::events
