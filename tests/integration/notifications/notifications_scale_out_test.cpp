// Notifications scaled out: three concord-notifications processes (each its own instance id)
// share the consumer group, Kafka and Redis; a burst of 10,000 source events is appended to
// concord.scheduling.v1 and one replica is SIGKILLed in the middle of it. Every event must become
// exactly one notification on concord.notifications.v1 (counted by the event that caused it, and
// by notification id), and every surviving replica's inbox must show it (first as the replica
// routed it itself, then as recorded, under the same id): the latency from the source event's
// commit to the inbox read is printed for a probe in every hundred events.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../../unit/notifications/contract_events.hpp"
#include "concord/core/id.hpp"
#include "concord/events/kafka_log.hpp"
#include "kept_alive_client.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace concord::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

using Steady = std::chrono::steady_clock;

constexpr int kEvents = 10000;
constexpr int kRound = 100;       // events per append (one transaction)
constexpr int kKillAfter = 30;    // rounds appended before the SIGKILL
constexpr int kMembers = 50;      // members the ordinary events go to
constexpr int kProbeEvery = 100;  // every hundredth event goes to a probe member of its own

std::optional<std::string> redis_url() {
  const char* url = std::getenv("REDIS_URL");
  return url && *url ? std::optional<std::string>(url) : std::nullopt;
}

double ms_between(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

// A gauge from a replica's /metrics (the series named exactly `series`), or -1.
double gauge(const ServiceProcess& replica, const std::string& series) {
  auto reply = replica.call(http::Method::get, "/metrics", "");
  std::istringstream lines(reply.body);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  return -1;
}

struct Probe {
  std::string member;
  std::string token;
  std::optional<Steady::time_point> committed;  // when the source event's append returned
};

// Reads a probe member's inbox on one replica until each appended probe shows its notification.
class InboxPoller {
 public:
  InboxPoller(const ServiceProcess& replica, std::vector<Probe>& probes, std::mutex& mutex)
      : client_(replica.port()), probes_(probes), mutex_(mutex), seen_(probes.size()), shown_ids_(probes.size()) {
    thread_ = std::thread([this] { run(); });
  }
  ~InboxPoller() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::optional<double> latency_ms(size_t i) const {
    if (!seen_[i] || !probes_[i].committed) return std::nullopt;
    return ms_between(*probes_[i].committed, *seen_[i]);
  }
  std::vector<double> latencies_ms() const {
    std::vector<double> out;
    for (size_t i = 0; i < seen_.size(); ++i)
      if (seen_[i] && probes_[i].committed) out.push_back(ms_between(*probes_[i].committed, *seen_[i]));
    return out;
  }
  size_t seen() const {
    return static_cast<size_t>(std::count_if(seen_.begin(), seen_.end(), [](const auto& s) { return s.has_value(); }));
  }
  // The id of the notification the probe's first read showed (recorded, or routed by the
  // replica itself ahead of its record).
  const std::string& shown_id(size_t i) const { return shown_ids_[i]; }

 private:
  void run() {
    while (!stopping_) {
      bool pending = false;
      for (size_t i = 0; i < probes_.size() && !stopping_; ++i) {
        if (seen_[i]) continue;
        std::string token;
        {
          std::lock_guard lock(mutex_);
          if (!probes_[i].committed) continue;
          token = probes_[i].token;
        }
        pending = true;
        auto reply = client_.get("/v1/inbox?limit=1", token);
        if (!reply || reply->first != 200) continue;
        auto page = nlohmann::json::parse(reply->second, nullptr, false);
        if (page.is_object() && page["items"].is_array() && !page["items"].empty()) {
          seen_[i] = Steady::now();
          shown_ids_[i] = page["items"][0].value("id", "");
        }
      }
      // A pause between rounds even while probes are pending: a poller that never rests takes
      // a core of this machine from the replicas it measures.
      std::this_thread::sleep_for(pending ? 10ms : 5ms);
    }
  }

  KeptAliveClient client_;
  std::vector<Probe>& probes_;
  std::mutex& mutex_;
  std::vector<std::optional<Steady::time_point>> seen_;
  std::vector<std::string> shown_ids_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

events::Event meeting_scheduled(const std::string& meeting_id, const std::string& member) {
  events::Event e;
  e.id = new_uuid_v7();
  e.source = "/concord/scheduling";
  e.type = "concord.scheduling.meeting.scheduled";
  e.subject = "meeting/" + meeting_id;
  e.time = SystemClock().now();
  e.sequence = 1;
  e.data = {{"meeting", contract::meeting(meeting_id, "2031-05-01T09:00:00Z", "2031-05-01T10:00:00Z", {member})}};
  return e;
}

}  // namespace

TEST(NotificationsScaleOut, three_replicas_one_killed_mid_burst_make_every_notification_once_and_serve_it_everywhere) {
  auto brokers = kafka_brokers();
  auto redis = redis_url();
  ASSERT_TRUE(brokers && redis) << "this test needs KAFKA_BROKERS and REDIS_URL (tests/run.sh starts both; or "
                                   "deploy/local/stack.sh start and export what it prints)";
  auto opened = events::open_kafka_log({.brokers = *brokers, .transactional_id = "scale-out-test-" + new_uuid_v7()});
  ASSERT_TRUE(opened) << opened.error().detail;
  auto& log = **opened;
  ASSERT_TRUE(log.ensure_topics(
      {{"concord.scheduling.v1"}, {"concord.delegations.v1"}, {"concord.documents.v1"}, {"concord.notifications.v1"}}));

  // Three replicas, each with its own instance id; a killed one's partitions move after the
  // 2 s session, and its open transaction is aborted after 3 s.
  std::string run = new_uuid_v7().substr(24);
  std::vector<std::unique_ptr<TempDir>> dirs;
  std::vector<std::unique_ptr<ServiceProcess>> replicas;
  for (int i = 0; i < 3; ++i) {
    dirs.push_back(std::make_unique<TempDir>());
    auto env = process_env(dirs.back()->path(), true);
    env["REDIS_URL"] = *redis;
    env["CONCORD_INSTANCE_ID"] = "scale-" + run + "-" + std::to_string(i);
    env["CONCORD_KAFKA_SESSION_TIMEOUT"] = "2s";
    env["CONCORD_KAFKA_PROCESSOR_TXN_TIMEOUT"] = "3s";
    replicas.push_back(std::make_unique<ServiceProcess>("concord-notifications", "CONCORD_NOTIFICATIONS_ADDR", env));
    if (i > 0) replicas.back()->may_be_standby();
  }
  for (auto& r : replicas) ASSERT_TRUE(r->start()) << r->last_error();

  std::vector<std::string> members;
  std::vector<std::string> member_tokens;
  for (int i = 0; i < kMembers; ++i) {
    members.push_back(new_uuid_v7());
    member_tokens.push_back(
        token_for("user-" + members.back(), {auth::Role::delegation_member}, members.back(), new_uuid_v7()));
  }
  std::vector<Probe> probes;
  for (int i = 0; i < kEvents / kProbeEvery; ++i) {
    Probe p;
    p.member = new_uuid_v7();
    p.token = token_for("user-" + p.member, {auth::Role::delegation_member}, p.member, new_uuid_v7());
    probes.push_back(std::move(p));
  }

  // The group settles first: every replica's processor holds partitions (else the burst would
  // begin with the last one joining, a rebalance that stops every member's processing for its
  // length), and one event reaches every inbox.
  {
    const std::string series = "concord_events_group_partitions{group=\"concord-notifications\"}";
    auto settled = [&] {
      return std::all_of(replicas.begin(), replicas.end(), [&](const auto& r) { return gauge(*r, series) > 0; });
    };
    auto deadline = Steady::now() + 60s;
    while (Steady::now() < deadline && !settled()) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(settled()) << "the processors' group did not give every replica partitions:\n"
                           << replicas[2]->log_tail();
  }
  {
    std::string member = new_uuid_v7();
    std::string token = token_for("user-" + member, {auth::Role::delegation_member}, member, new_uuid_v7());
    std::string meeting = new_uuid_v7();
    ASSERT_TRUE(log.append("concord.scheduling.v1", "visit-" + meeting, {meeting_scheduled(meeting, member)}));
    for (auto& r : replicas) {
      auto deadline = Steady::now() + 60s;
      size_t got = 0;
      while (Steady::now() < deadline && got == 0) {
        auto reply = r->call(http::Method::get, "/v1/inbox", token);
        got = reply.json["items"].is_array() ? reply.json["items"].size() : 0;
        if (got == 0) std::this_thread::sleep_for(50ms);
      }
      ASSERT_EQ(got, 1u) << "a replica's inbox did not get the warm-up notification:\n" << r->log_tail();
    }
  }

  // Readers of every replica: the one to be killed until its death, the two that survive.
  std::mutex probes_mutex;
  auto poller_0 = std::make_unique<InboxPoller>(*replicas[0], probes, probes_mutex);
  auto poller_1 = std::make_unique<InboxPoller>(*replicas[1], probes, probes_mutex);
  auto poller_2 = std::make_unique<InboxPoller>(*replicas[2], probes, probes_mutex);

  // The burst: 100 transactions of 100 events, each event its own meeting and visit (keys spread
  // over the partitions); replica 0 SIGKILLed after the 30th.
  std::map<std::string, std::string> member_of_cause;  // source event id → member notified
  std::map<std::string, Timestamp> made_at;            // source event id → its time
  std::map<std::string, int> expected_per_member;
  auto burst_start = Steady::now();
  for (int round = 0; round < kEvents / kRound; ++round) {
    std::vector<events::Append> appends;
    std::vector<int> probes_in_round;
    for (int j = 0; j < kRound; ++j) {
      int n = round * kRound + j;
      bool probe = n % kProbeEvery == kProbeEvery - 1;
      const std::string& member = probe ? probes[n / kProbeEvery].member : members[n % kMembers];
      std::string meeting = new_uuid_v7();
      auto e = meeting_scheduled(meeting, member);
      member_of_cause[e.id] = member;
      made_at[e.id] = e.time;
      if (probe)
        probes_in_round.push_back(n / kProbeEvery);
      else
        ++expected_per_member[member];
      appends.push_back({"concord.scheduling.v1", "visit-" + meeting, {std::move(e)}});
    }
    auto appended = log.append_all(appends);
    ASSERT_TRUE(appended) << appended.error().detail;
    {
      auto now = Steady::now();
      std::lock_guard lock(probes_mutex);
      for (int p : probes_in_round) probes[p].committed = now;
    }
    if (round + 1 == kKillAfter) {
      poller_0->stop();
      replicas[0]->kill9();
      std::printf("[scale-out] killed at %s\n", format_rfc3339_utc(SystemClock().now()).c_str());
      std::printf("[scale-out] replica 0 SIGKILLed after %d of %d events (%.0f ms into the burst)\n",
                  (round + 1) * kRound, kEvents, ms_between(burst_start, Steady::now()));
    }
  }
  std::printf("[scale-out] burst of %d events appended in %.0f ms\n", kEvents, ms_between(burst_start, Steady::now()));

  // The probes first: reading the whole topic below would take this machine's cores from the
  // replicas while they are still being measured.
  auto wait_probes = Steady::now() + 30s;
  while (Steady::now() < wait_probes && (poller_1->seen() < probes.size() || poller_2->seen() < probes.size()))
    std::this_thread::sleep_for(50ms);
  poller_1->stop();
  poller_2->stop();

  // Every notification on the topic, read committed: one per source event, none twice.
  auto tail = log.tail({"concord.notifications.v1"}, {});
  ASSERT_TRUE(tail) << tail.error().detail;
  std::map<std::string, int> per_cause;
  std::map<std::string, int> per_notification;
  std::map<std::string, std::vector<std::string>> where_recorded;  // id → partition@offset time, each copy
  std::map<std::string, std::string> recorded_for_member;          // a probe member's one notification
  std::vector<double> routed_after;
  size_t ours = 0;
  auto deadline = Steady::now() + 120s;
  auto quiet_since = Steady::now();
  while (Steady::now() < deadline) {
    auto records = (*tail)->poll(200ms, 5000);
    ASSERT_TRUE(records) << records.error().detail;
    for (const auto& r : *records) {
      if (r.event.type != "concord.notifications.notification.created") continue;
      const auto& n = r.event.data["notification"];
      std::string cause = n.value("cause_event_id", "");
      if (!member_of_cause.contains(cause)) continue;
      ++ours;
      ++per_cause[cause];
      ++per_notification[n.value("id", "")];
      where_recorded[n.value("id", "")].push_back(std::to_string(r.partition) + "@" + std::to_string(r.offset) + " " +
                                                  format_rfc3339_utc(r.event.time) + " " + r.event.actor);
      recorded_for_member[n.value("member_id", "")] = n.value("id", "");
      EXPECT_EQ(n.value("member_id", ""), member_of_cause[cause]);
      routed_after.push_back(std::chrono::duration<double, std::milli>(r.event.time - made_at[cause]).count());
      quiet_since = Steady::now();
    }
    // Everything is in, and nothing more came for a while (a duplicate would come with the
    // partition's redelivery, within a few seconds).
    if (per_cause.size() == member_of_cause.size() && Steady::now() - quiet_since > 3s) break;
  }
  // Where the time goes, part one: how long after the source event the processor made its
  // notification (both times from this machine's clock; the append, its commit and the poll
  // are in it, the notification's own commit and the following are not).
  std::printf("[scale-out] notification made after its source event: p50 %.0f ms, p90 %.0f ms, max %.0f ms\n",
              percentile(routed_after, 0.5), percentile(routed_after, 0.9),
              routed_after.empty() ? 0.0 : *std::max_element(routed_after.begin(), routed_after.end()));
  std::printf("[scale-out] %zu notification.created for %zu source events (%zu distinct causes, %zu distinct ids)\n",
              ours, member_of_cause.size(), per_cause.size(), per_notification.size());
  EXPECT_EQ(per_cause.size(), member_of_cause.size()) << "notifications missing";
  EXPECT_EQ(ours, member_of_cause.size()) << "notifications duplicated";
  size_t twice = 0;
  for (const auto& [cause, n] : per_cause) twice += n > 1;
  EXPECT_EQ(twice, 0u) << "source events notified more than once";
  size_t shown = 0;
  for (const auto& [id, n] : per_notification) {
    if (n == 1 || ++shown > 5) continue;
    std::string copies;
    for (const auto& c : where_recorded[id]) copies += " [" + c + "]";
    ADD_FAILURE() << "notification " << id << " appended " << n << " times:" << copies;
  }
  if (twice > 0) {
    // What the replicas' consumer groups and producers went through, to tell how.
    for (size_t r = 0; r < replicas.size(); ++r) {
      std::istringstream lines(replicas[r]->log_tail(100000));
      for (std::string line; std::getline(lines, line);)
        if (line.find("\"path\"") == std::string::npos) std::printf("[replica %zu] %s\n", r, line.c_str());
    }
  }

  // Every surviving replica serves every probe from its inbox; how soon is printed (below).
  std::vector<double> all;
  for (auto* p : {poller_1.get(), poller_2.get()}) {
    auto l = p->latencies_ms();
    all.insert(all.end(), l.begin(), l.end());
  }
  // Each replica's own figures: the killed one's for the probes it showed before its death.
  for (size_t r = 0; r < replicas.size(); ++r) {
    auto l = std::vector<const InboxPoller*>{poller_0.get(), poller_1.get(), poller_2.get()}[r]->latencies_ms();
    std::printf(
        "[scale-out] replica %zu%s: %zu probes in its inbox after the source event's commit: p50 %.0f ms, "
        "p90 %.0f ms, max %.0f ms\n",
        r, r == 0 ? " (until it was killed)" : "", l.size(), percentile(l, 0.5), percentile(l, 0.9),
        l.empty() ? 0.0 : *std::max_element(l.begin(), l.end()));
  }
  size_t over_a_second = static_cast<size_t>(std::count_if(all.begin(), all.end(), [](double v) { return v > 1000; }));
  std::printf(
      "[scale-out] inbox read after the source event's commit, %zu probe reads on 2 surviving replicas: "
      "p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms; %zu over 1 s\n",
      all.size(), percentile(all, 0.5), percentile(all, 0.9), percentile(all, 0.99),
      all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()), over_a_second);
  EXPECT_EQ(poller_1->seen(), probes.size()) << "replica 1 never showed some probes";
  EXPECT_EQ(poller_2->seen(), probes.size()) << "replica 2 never showed some probes";
  // What a replica showed first, before the record or after it, is the notification recorded.
  for (size_t i = 0; i < probes.size(); ++i) {
    for (auto* p : {poller_1.get(), poller_2.get()}) {
      if (p->shown_id(i).empty()) continue;
      EXPECT_EQ(p->shown_id(i), recorded_for_member[probes[i].member]) << "probe " << i;
    }
  }
  // Where the time went: the first replica to show a probe is (about) the one that made it, so
  // the earlier reading is the routing backlog, the gap to the other one the following.
  std::vector<double> first_seen, following;
  for (size_t i = 0; i < probes.size(); ++i) {
    auto a = poller_1->latency_ms(i), b = poller_2->latency_ms(i);
    if (!a || !b) continue;
    first_seen.push_back(std::min(*a, *b));
    following.push_back(std::abs(*a - *b));
  }
  std::printf(
      "[scale-out]   first replica to show it: p50 %.0f ms, p90 %.0f ms; the other one after it: "
      "p50 %.0f ms, p90 %.0f ms, max %.0f ms\n",
      percentile(first_seen, 0.5), percentile(first_seen, 0.9), percentile(following, 0.5), percentile(following, 0.9),
      following.empty() ? 0.0 : *std::max_element(following.begin(), following.end()));

  // After the burst, with the backlog drained: events one at a time, each read from the inbox
  // of both surviving replicas. The required bound, loosely: the median read is within a second.
  std::vector<Probe> steady;
  for (int i = 0; i < 20; ++i) {
    Probe p;
    p.member = new_uuid_v7();
    p.token = token_for("user-" + p.member, {auth::Role::delegation_member}, p.member, new_uuid_v7());
    steady.push_back(std::move(p));
  }
  std::mutex steady_mutex;
  InboxPoller steady_1(*replicas[1], steady, steady_mutex);
  InboxPoller steady_2(*replicas[2], steady, steady_mutex);
  for (auto& p : steady) {
    std::string meeting = new_uuid_v7();
    ASSERT_TRUE(log.append("concord.scheduling.v1", "visit-" + meeting, {meeting_scheduled(meeting, p.member)}));
    {
      std::lock_guard lock(steady_mutex);
      p.committed = Steady::now();
    }
    std::this_thread::sleep_for(200ms);
  }
  auto wait_steady = Steady::now() + 30s;
  while (Steady::now() < wait_steady && (steady_1.seen() < steady.size() || steady_2.seen() < steady.size()))
    std::this_thread::sleep_for(20ms);
  steady_1.stop();
  steady_2.stop();
  auto calm = steady_1.latencies_ms();
  auto calm_2 = steady_2.latencies_ms();
  calm.insert(calm.end(), calm_2.begin(), calm_2.end());
  std::printf("[scale-out] after the burst, %zu inbox reads on 2 replicas: p50 %.0f ms, p90 %.0f ms, max %.0f ms\n",
              calm.size(), percentile(calm, 0.5), percentile(calm, 0.9),
              calm.empty() ? 0.0 : *std::max_element(calm.begin(), calm.end()));
  EXPECT_EQ(steady_1.seen(), steady.size());
  EXPECT_EQ(steady_2.seen(), steady.size());  // the latencies are figures, printed above, not asserted

  // Both survivors hold the same, whole inbox for every member.
  for (size_t r = 1; r < replicas.size(); ++r) {
    for (int i = 0; i < kMembers; ++i) {
      auto reply = replicas[r]->call(http::Method::get, "/v1/inbox?limit=1", member_tokens[i]);
      ASSERT_EQ(reply.status, 200) << reply.body;
      EXPECT_EQ(reply.json["unread_count"], expected_per_member[members[i]]) << "replica " << r << ", member " << i;
    }
  }
}
