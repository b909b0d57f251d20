#pragma once
// The behaviour every EventLog must have, as one value-parameterized GoogleTest suite. An
// implementation instantiates it with a way to open a client of one log:
//
//   INSTANTIATE_TEST_SUITE_P(kafka, EventLogContract,
//       ::testing::Values(concord::events::testing::EventLogContractParam{
//           .name = "kafka", .open = [] { return open_my_log(); }}),
//       concord::events::testing::contract_param_name);
//
// `open` is called at the start of every test and again by reopen(), always after the previous
// client (and its subscriptions) has been destroyed; each call must reach the same stored data.
// Every test works on topics and groups under a prefix of its own, so tests can share a broker
// or a directory and need no cleanup. Nothing here waits for time to pass: records arriving
// through a subscription are polled for until they are there or `patience` runs out.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "concord/core/id.hpp"
#include "concord/events/event.hpp"
#include "concord/events/event_log.hpp"

namespace concord::events::testing {

struct EventLogContractParam {
  std::string name;                                 // names the instantiation in test names
  std::function<std::unique_ptr<EventLog>()> open;  // a new client of the same log
  std::chrono::milliseconds patience{30'000};       // how long records may take to arrive
};

inline void PrintTo(const EventLogContractParam& param, std::ostream* os) {
  *os << param.name;
}

inline std::string contract_param_name(const ::testing::TestParamInfo<EventLogContractParam>& info) {
  return info.param.name;
}

class EventLogContract : public ::testing::TestWithParam<EventLogContractParam> {
 protected:
  void SetUp() override {
    prefix_ = unique_prefix();
    log_ = GetParam().open();
    ASSERT_NE(log_, nullptr);
  }
  void TearDown() override { log_.reset(); }

  // A client of the same log, as after a restart. Destroy subscriptions before calling it.
  void reopen() {
    log_.reset();
    log_ = GetParam().open();
    ASSERT_NE(log_, nullptr);
  }

  std::string topic(std::string_view name) const { return prefix_ + std::string(name); }
  std::string group(std::string_view name) const { return prefix_ + std::string(name); }

  std::string make_topic(std::string_view name) {
    std::string t = topic(name);
    auto created = log_->ensure_topics({TopicSpec{.name = t, .partitions = 3, .replication_factor = 1}});
    EXPECT_TRUE(created) << t << ": " << (created ? "" : created.error().detail);
    return t;
  }

  // A fully populated envelope; `n` numbers it within its key.
  static Event make_event(std::string_view key, long long n) {
    Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/contract";
    e.type = "concord.contract.thing.happened";
    e.subject = "thing/" + std::string(key);
    e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000 + n}};
    e.dataschema = "https://concord.example/schemas/thing-happened.json";
    e.sequence = n;
    e.actor = "contract-test";
    e.correlationid = "corr-" + std::string(key);
    e.causationid = "cause-" + std::to_string(n);
    e.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    e.data = {{"key", key}, {"n", n}};
    return e;
  }

  static Status append_ok(EventLog& log, const std::string& t, std::string_view key, const std::vector<Event>& events) {
    auto st = log.append(t, key, events);
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return st;
  }

  std::vector<Record> replay_all(const std::string& t) {
    std::vector<Record> out;
    auto st = log_->replay(t, [&](const Record& r) -> Status {
      out.push_back(r);
      return {};
    });
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return out;
  }

  // Polls until `n` records have arrived (never asking for more than that) or patience runs out.
  template <class Reader>  // a Subscription or a Tail
  std::vector<Record> poll_n(Reader& sub, size_t n) {
    std::vector<Record> out;
    auto deadline = std::chrono::steady_clock::now() + GetParam().patience;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      auto got = sub.poll(std::chrono::milliseconds{200}, n - out.size());
      EXPECT_TRUE(got) << (got ? "" : got.error().detail);
      if (!got) break;
      for (auto& r : *got) out.push_back(std::move(r));
    }
    EXPECT_EQ(out.size(), n) << "records that arrived within the patience of " << GetParam().patience.count() << " ms";
    return out;
  }

  // Appends a sentinel to `t` and polls until it arrives; returns everything polled before it.
  // Proves that nothing else was pending without waiting for "nothing" to happen.
  std::vector<Record> poll_until_sentinel(Subscription& sub, const std::string& t) {
    Event sentinel = make_event("sentinel", 0);
    append_ok(*log_, t, "sentinel", {sentinel});
    std::vector<Record> before;
    auto deadline = std::chrono::steady_clock::now() + GetParam().patience;
    while (std::chrono::steady_clock::now() < deadline) {
      auto got = sub.poll(std::chrono::milliseconds{200}, 100);
      EXPECT_TRUE(got) << (got ? "" : got.error().detail);
      if (!got) break;
      for (auto& r : *got) {
        if (r.event.id == sentinel.id) return before;
        before.push_back(std::move(r));
      }
    }
    ADD_FAILURE() << "the sentinel did not arrive within " << GetParam().patience.count() << " ms";
    return before;
  }

  static std::vector<std::string> ids(const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.event.id);
    return out;
  }
  static std::vector<std::string> ids(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.id);
    return out;
  }
  // The `n` of every record of `key`, in the order they came.
  static std::vector<long long> numbers_of(const std::vector<Record>& records, std::string_view key) {
    std::vector<long long> out;
    for (const auto& r : records)
      if (r.key == key) out.push_back(r.event.sequence);
    return out;
  }
  static std::vector<long long> iota(long long n) {
    std::vector<long long> out;
    for (long long i = 0; i < n; ++i) out.push_back(i);
    return out;
  }

  std::unique_ptr<EventLog> log_;
  std::string prefix_;

 private:
  static std::string unique_prefix() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? info->name() : "test";
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
    std::random_device rd;
    std::uniform_int_distribution<unsigned> hex(0, 15);
    std::string tag;
    for (int i = 0; i < 8; ++i) tag += "0123456789abcdef"[hex(rd)];
    return "contract." + name.substr(0, 80) + "." + tag + ".";
  }
};

TEST_P(EventLogContract, is_healthy_when_open) {
  EXPECT_TRUE(log_->healthy());
}

TEST_P(EventLogContract, replays_appended_events_in_order_per_key) {
  auto t = make_topic("orders");
  const std::vector<std::string> keys = {"alpha", "bravo", "charlie"};
  for (long long n = 0; n < 5; ++n)
    for (const auto& k : keys) ASSERT_TRUE(append_ok(*log_, t, k, {make_event(k, n)}));

  auto records = replay_all(t);
  ASSERT_EQ(records.size(), 15u);
  for (const auto& k : keys) EXPECT_EQ(numbers_of(records, k), iota(5)) << k;
  std::map<int, long long> last_offset;
  for (const auto& r : records) {
    EXPECT_EQ(r.topic, t);
    EXPECT_EQ(r.event.subject, "thing/" + r.key);
    if (last_offset.contains(r.partition)) {
      EXPECT_GT(r.offset, last_offset[r.partition]);
    }
    last_offset[r.partition] = r.offset;
  }
}

TEST_P(EventLogContract, appended_events_survive_a_reopen) {
  auto t = make_topic("durable");
  std::vector<Event> sent = {make_event("k", 0), make_event("k", 1), make_event("k", 2)};
  ASSERT_TRUE(append_ok(*log_, t, "k", sent));
  reopen();
  EXPECT_EQ(ids(replay_all(t)), ids(sent));
}

TEST_P(EventLogContract, a_multi_event_append_is_contiguous_even_with_concurrent_appenders) {
  auto t = make_topic("batches");
  constexpr int kThreads = 4, kBatches = 10, kPerBatch = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::string key = "writer-" + std::to_string(i);
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Event> batch;
        for (int j = 0; j < kPerBatch; ++j) batch.push_back(make_event(key, b * kPerBatch + j));
        if (!log_->append(t, key, batch)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  auto records = replay_all(t);
  ASSERT_EQ(records.size(), static_cast<size_t>(kThreads * kBatches * kPerBatch));
  // Within its partition, each batch's events are adjacent and in order.
  std::map<int, std::vector<const Record*>> by_partition;
  for (const auto& r : records) by_partition[r.partition].push_back(&r);
  for (const auto& [partition, list] : by_partition) {
    for (size_t i = 0; i < list.size(); ++i) {
      long long n = list[i]->event.sequence;
      if (n % kPerBatch != 0) continue;  // the first event of a batch
      ASSERT_LE(i + kPerBatch, list.size()) << "batch cut short at the end of partition " << partition;
      for (int j = 1; j < kPerBatch; ++j) {
        EXPECT_EQ(list[i + j]->key, list[i]->key) << "another key inside a batch, partition " << partition;
        EXPECT_EQ(list[i + j]->event.sequence, n + j) << "partition " << partition;
      }
    }
  }
  for (int i = 0; i < kThreads; ++i) {
    std::string key = "writer-" + std::to_string(i);
    EXPECT_EQ(numbers_of(records, key), iota(kBatches * kPerBatch)) << key;
  }
}

TEST_P(EventLogContract, an_append_with_one_invalid_event_writes_nothing) {
  auto t = make_topic("all-or-nothing");
  Event bad = make_event("k", 1);
  bad.type.clear();  // CloudEvents requires a type
  auto st = log_->append(t, "k", {make_event("k", 0), bad, make_event("k", 2)});
  ASSERT_FALSE(st);
  EXPECT_EQ(failure_of(st.error()), LogFailure::rejected);
  EXPECT_TRUE(replay_all(t).empty());
  EXPECT_TRUE(log_->healthy()) << "a refused append is not an outage";
}

TEST_P(EventLogContract, replay_of_a_topic_that_does_not_exist_is_empty) {
  EXPECT_TRUE(replay_all(topic("never-created")).empty());
}

TEST_P(EventLogContract, replay_of_an_empty_topic_is_empty) {
  auto t = make_topic("empty");
  EXPECT_TRUE(replay_all(t).empty());
}

TEST_P(EventLogContract, replay_stops_at_the_end_as_of_the_call) {
  auto t = make_topic("moving-end");
  std::vector<Event> first = {make_event("k", 0), make_event("k", 1), make_event("k", 2)};
  ASSERT_TRUE(append_ok(*log_, t, "k", first));
  std::vector<Event> later = {make_event("k", 3), make_event("k", 4)};
  std::vector<Record> seen;
  auto st = log_->replay(t, [&](const Record& r) -> Status {
    if (seen.empty()) append_ok(*log_, t, "k", later);
    seen.push_back(r);
    return {};
  });
  ASSERT_TRUE(st) << (st ? "" : st.error().detail);
  EXPECT_EQ(ids(seen), ids(first));
  auto all = ids(first);
  for (const auto& e : later) all.push_back(e.id);
  EXPECT_EQ(ids(replay_all(t)), all);
}

TEST_P(EventLogContract, replay_stops_at_the_first_error_of_the_visitor) {
  auto t = make_topic("visitor-error");
  ASSERT_TRUE(append_ok(*log_, t, "k", {make_event("k", 0), make_event("k", 1), make_event("k", 2)}));
  int visited = 0;
  auto st = log_->replay(t, [&](const Record&) -> Status {
    if (++visited == 2) return fail(Error::conflict("stop here"));
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().detail, "stop here");
  EXPECT_EQ(visited, 2);
}

// What a start from a snapshot does: the positions where a state ends, then only what follows.
TEST_P(EventLogContract, replay_from_positions_reads_only_what_follows_them) {
  auto t = make_topic("from-positions");
  const std::vector<std::string> keys = {"alpha", "bravo", "charlie", "delta"};
  // Multi-event appends, enough bytes for the file log's sparse index to have several entries,
  // so a position falls inside a record and past the first index entry.
  std::map<std::string, long long> next;
  for (int round = 0; round < 40; ++round) {
    const auto& k = keys[round % keys.size()];
    std::vector<Event> batch;
    for (int i = 0; i < 7; ++i) {
      Event e = make_event(k, next[k]++);
      e.data["padding"] = std::string(300, 'x');
      batch.push_back(std::move(e));
    }
    ASSERT_TRUE(append_ok(*log_, t, k, batch));
  }
  auto all = replay_all(t);
  ASSERT_EQ(all.size(), 280u);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{3}, size_t{131}, size_t{279}, size_t{280}}) {
    Positions at;
    std::set<std::string> expected;
    for (size_t i = 0; i < all.size(); ++i) {
      if (i < cut)
        advance(at, all[i]);
      else
        expected.insert(all[i].event.id);
    }
    std::vector<Record> rest;
    auto st = log_->replay_from(t, at[t], [&](const Record& r) -> Status {
      rest.push_back(r);
      return {};
    });
    ASSERT_TRUE(st) << st.error().detail;
    std::vector<std::string> got = ids(rest);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected) << "cut after " << cut;
    EXPECT_EQ(got.size(), expected.size()) << "cut after " << cut << ": nothing twice";
    // In order per key, from where the cut left each key.
    for (const auto& k : keys) {
      auto numbers = numbers_of(rest, k);
      EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end())) << k;
      if (!numbers.empty()) {
        EXPECT_EQ(numbers.back(), next[k] - 1) << k;
        EXPECT_EQ(numbers.size(), static_cast<size_t>(next[k] - numbers.front())) << k;
      }
    }
  }
}

TEST_P(EventLogContract, replay_from_reads_later_appends_and_unnamed_partitions_from_their_beginning) {
  auto t = make_topic("from-later");
  ASSERT_TRUE(append_ok(*log_, t, "alpha", {make_event("alpha", 0), make_event("alpha", 1)}));
  Positions at;
  for (const auto& r : replay_all(t)) advance(at, r);
  ASSERT_EQ(at[t].size(), 1u);
  ASSERT_TRUE(append_ok(*log_, t, "alpha", {make_event("alpha", 2)}));
  ASSERT_TRUE(append_ok(*log_, t, "bravo", {make_event("bravo", 0)}));
  std::vector<Record> rest;
  auto st = log_->replay_from(t, at[t], [&](const Record& r) -> Status {
    rest.push_back(r);
    return {};
  });
  ASSERT_TRUE(st) << st.error().detail;
  EXPECT_EQ(numbers_of(rest, "alpha"), std::vector<long long>{2});
  EXPECT_EQ(numbers_of(rest, "bravo"), iota(1));
  EXPECT_EQ(rest.size(), 2u);
  // A topic that does not exist replays as empty from any position.
  st = log_->replay_from(topic("absent"), {{0, 5}}, [&](const Record&) -> Status {
    ADD_FAILURE() << "a record of a topic that does not exist";
    return {};
  });
  EXPECT_TRUE(st) << st.error().detail;
}

TEST_P(EventLogContract, the_envelope_survives_the_round_trip_unchanged) {
  auto t = make_topic("envelope");
  Event full = make_event("k", 42);
  full.time = Timestamp{std::chrono::milliseconds{1'759'050'123'456}};
  full.data = {{"title", "Заседание межправкомиссии — 第二轮 🤝"},
               {"nested", {{"list", {1, -2, 3.5, true, nullptr, "x"}}, {"empty", nlohmann::json::object()}}},
               {"big", 9'007'199'254'740'993LL}};
  Event minimal;
  minimal.id = new_uuid_v7();
  minimal.source = "/concord/contract";
  minimal.type = "concord.contract.thing.minimal";
  minimal.time = Timestamp{std::chrono::milliseconds{0}};
  minimal.datacontenttype.clear();
  ASSERT_TRUE(append_ok(*log_, t, "k", {full, minimal}));

  auto records = replay_all(t);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].event, full);
  EXPECT_EQ(records[1].event, minimal);
  EXPECT_EQ(records[0].key, "k");

  auto sub = log_->subscribe({t}, group("envelope"));
  ASSERT_TRUE(sub) << sub.error().detail;
  auto polled = poll_n(**sub, 2);
  ASSERT_EQ(polled.size(), 2u);
  EXPECT_EQ(polled[0].event, full);
  EXPECT_EQ(polled[1].event, minimal);
}

TEST_P(EventLogContract, a_subscription_sees_earlier_and_later_appends_in_order_per_key) {
  auto t = make_topic("live");
  ASSERT_TRUE(append_ok(*log_, t, "early", {make_event("early", 0), make_event("early", 1)}));
  auto sub = log_->subscribe({t}, group("live"));
  ASSERT_TRUE(sub) << sub.error().detail;

  const std::vector<std::string> keys = {"alpha", "bravo", "charlie"};
  std::thread writer([&] {
    for (long long n = 0; n < 10; ++n)
      for (const auto& k : keys) append_ok(*log_, t, k, {make_event(k, n)});
  });
  auto records = poll_n(**sub, 2 + 30);
  writer.join();
  EXPECT_EQ(numbers_of(records, "early"), iota(2));
  for (const auto& k : keys) EXPECT_EQ(numbers_of(records, k), iota(10)) << k;
  for (const auto& r : records) EXPECT_EQ(r.topic, t);
}

TEST_P(EventLogContract, a_subscription_reads_several_topics) {
  auto a = make_topic("multi-a");
  auto b = make_topic("multi-b");
  ASSERT_TRUE(append_ok(*log_, a, "k", {make_event("k", 0), make_event("k", 1)}));
  ASSERT_TRUE(append_ok(*log_, b, "k", {make_event("k", 0)}));
  auto sub = log_->subscribe({a, b}, group("multi"));
  ASSERT_TRUE(sub) << sub.error().detail;
  auto records = poll_n(**sub, 3);
  std::vector<long long> from_a, from_b;
  for (const auto& r : records) (r.topic == a ? from_a : from_b).push_back(r.event.sequence);
  EXPECT_EQ(from_a, iota(2));
  EXPECT_EQ(from_b, iota(1));
}

TEST_P(EventLogContract, a_tail_starts_where_a_replay_ended) {
  auto t = make_topic("tail-from");
  for (const auto* k : {"alpha", "bravo", "charlie"})
    ASSERT_TRUE(append_ok(*log_, t, k, {make_event(k, 0), make_event(k, 1)}));
  Positions replayed;
  for (const auto& r : replay_all(t)) advance(replayed, r);
  ASSERT_TRUE(append_ok(*log_, t, "alpha", {make_event("alpha", 2)}));
  ASSERT_TRUE(append_ok(*log_, t, "delta", {make_event("delta", 0)}));

  auto tail = log_->tail({t}, replayed);
  ASSERT_TRUE(tail) << tail.error().detail;
  auto records = poll_n(**tail, 2);
  EXPECT_EQ(numbers_of(records, "alpha"), std::vector<long long>{2});
  EXPECT_EQ(numbers_of(records, "delta"), iota(1));
  EXPECT_TRUE(numbers_of(records, "bravo").empty());
}

TEST_P(EventLogContract, tails_share_nothing_and_pick_up_topics_created_later) {
  auto a = make_topic("tail-a");
  auto b = topic("tail-b");  // not created yet
  ASSERT_TRUE(append_ok(*log_, a, "k", {make_event("k", 0), make_event("k", 1)}));
  auto first = log_->tail({a, b}, {});
  auto second = log_->tail({a, b}, {});
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(numbers_of(poll_n(**first, 2), "k"), iota(2));

  ASSERT_TRUE(log_->ensure_topics({TopicSpec{.name = b, .partitions = 2, .replication_factor = 1}}));
  ASSERT_TRUE(append_ok(*log_, b, "k", {make_event("k", 0)}));
  auto later = poll_n(**first, 1);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].topic, b);
  // Unlike two members of one group, each tail reads everything.
  auto all = poll_n(**second, 3);
  std::vector<long long> from_a, from_b;
  for (const auto& r : all) (r.topic == a ? from_a : from_b).push_back(r.event.sequence);
  EXPECT_EQ(from_a, iota(2));
  EXPECT_EQ(from_b, iota(1));
}

TEST_P(EventLogContract, a_tail_refuses_bad_topic_lists) {
  auto empty = log_->tail({}, {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(failure_of(empty.error()), LogFailure::rejected);
  auto twice = log_->tail({topic("x"), topic("x")}, {});
  ASSERT_FALSE(twice);
  EXPECT_EQ(failure_of(twice.error()), LogFailure::rejected);
  auto bad = log_->tail({"no spaces allowed"}, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(failure_of(bad.error()), LogFailure::rejected);
}

TEST_P(EventLogContract, poll_returns_nothing_when_nothing_arrives) {
  auto t = make_topic("quiet");
  auto sub = log_->subscribe({t}, group("quiet"));
  ASSERT_TRUE(sub) << sub.error().detail;
  auto got = (*sub)->poll(std::chrono::milliseconds{50}, 10);
  ASSERT_TRUE(got) << got.error().detail;
  EXPECT_TRUE(got->empty());
}

TEST_P(EventLogContract, committed_positions_survive_a_reopen_and_other_groups_start_at_the_beginning) {
  auto t = make_topic("positions");
  std::vector<Event> sent;
  for (long long n = 0; n < 6; ++n) sent.push_back(make_event("k" + std::to_string(n % 2), n));
  for (const auto& e : sent) ASSERT_TRUE(append_ok(*log_, t, e.subject.substr(6), {e}));

  std::vector<std::string> uncommitted;
  {
    auto sub = log_->subscribe({t}, group("g"));
    ASSERT_TRUE(sub) << sub.error().detail;
    auto records = poll_n(**sub, 6);
    ASSERT_EQ(records.size(), 6u);
    // Any prefix of what was polled is a prefix of every partition, since each comes in order.
    std::vector<Record> first(records.begin(), records.begin() + 4);
    auto st = (*sub)->commit(first);
    ASSERT_TRUE(st) << st.error().detail;
    for (size_t i = 4; i < records.size(); ++i) uncommitted.push_back(records[i].event.id);
  }
  reopen();
  {
    auto sub = log_->subscribe({t}, group("g"));
    ASSERT_TRUE(sub) << sub.error().detail;
    auto again = poll_until_sentinel(**sub, t);
    auto got = ids(again);
    std::sort(got.begin(), got.end());
    std::sort(uncommitted.begin(), uncommitted.end());
    EXPECT_EQ(got, uncommitted) << "the same group resumes just past what it committed";
  }
  {
    auto other = log_->subscribe({t}, group("other"));
    ASSERT_TRUE(other) << other.error().detail;
    auto all = poll_n(**other, 7);  // the six and the sentinel
    std::set<std::string> got;
    for (const auto& r : all) got.insert(r.event.id);
    for (const auto& e : sent) EXPECT_TRUE(got.contains(e.id)) << "another group starts at the beginning";
  }
}

TEST_P(EventLogContract, commit_with_publishes_the_outputs_and_the_positions_together) {
  auto in = make_topic("in");
  auto out_a = make_topic("out-a");
  auto out_b = make_topic("out-b");
  std::vector<Event> inputs = {make_event("k", 0), make_event("k", 1), make_event("k", 2)};
  ASSERT_TRUE(append_ok(*log_, in, "k", inputs));

  std::vector<Output> outputs;
  {
    auto sub = log_->subscribe({in}, group("processor"));
    ASSERT_TRUE(sub) << sub.error().detail;
    auto consumed = poll_n(**sub, 3);
    ASSERT_EQ(consumed.size(), 3u);
    for (const auto& r : consumed) {
      Event o = make_event(r.key, r.event.sequence);
      o.causationid = r.event.id;
      outputs.push_back(Output{.topic = out_a, .key = r.key, .event = o});
    }
    Event audit = make_event("audit", 0);
    outputs.push_back(Output{.topic = out_b, .key = "audit", .event = audit});
    auto st = (*sub)->commit_with(outputs, consumed);
    ASSERT_TRUE(st) << st.error().detail;

    auto a = replay_all(out_a);
    ASSERT_EQ(a.size(), 3u);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].event, outputs[i].event);
    auto b = replay_all(out_b);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].event, audit);
  }
  reopen();
  auto sub = log_->subscribe({in}, group("processor"));
  ASSERT_TRUE(sub) << sub.error().detail;
  EXPECT_TRUE(poll_until_sentinel(**sub, in).empty()) << "consumed records must not come again";
  EXPECT_EQ(replay_all(out_a).size(), 3u);
}

TEST_P(EventLogContract, a_failed_commit_with_publishes_nothing_and_rewinds) {
  auto in = make_topic("in");
  auto out = make_topic("out");
  std::vector<Event> inputs = {make_event("k", 0), make_event("k", 1), make_event("k", 2)};
  ASSERT_TRUE(append_ok(*log_, in, "k", inputs));
  auto sub = log_->subscribe({in}, group("processor"));
  ASSERT_TRUE(sub) << sub.error().detail;
  auto consumed = poll_n(**sub, 3);
  ASSERT_EQ(consumed.size(), 3u);

  Event good = make_event("k", 0);
  Event bad = make_event("k", 1);
  bad.id.clear();  // CloudEvents requires an id
  auto st = (*sub)->commit_with({Output{out, "k", good}, Output{out, "k", bad}}, consumed);
  ASSERT_FALSE(st);
  EXPECT_EQ(failure_of(st.error()), LogFailure::rejected);
  EXPECT_TRUE(replay_all(out).empty()) << "no output of a failed step is visible";

  auto again = poll_n(**sub, 3);
  EXPECT_EQ(ids(again), ids(consumed)) << "the subscription is rewound to the last committed position";
  auto ok = (*sub)->commit_with({Output{out, "k", good}}, again);
  ASSERT_TRUE(ok) << ok.error().detail;
  auto published = replay_all(out);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].event, good);
}

TEST_P(EventLogContract, commit_with_without_outputs_commits_the_positions) {
  auto in = make_topic("in");
  ASSERT_TRUE(append_ok(*log_, in, "k", {make_event("k", 0), make_event("k", 1)}));
  {
    auto sub = log_->subscribe({in}, group("g"));
    ASSERT_TRUE(sub) << sub.error().detail;
    auto consumed = poll_n(**sub, 2);
    auto st = (*sub)->commit_with({}, consumed);
    ASSERT_TRUE(st) << st.error().detail;
  }
  auto sub = log_->subscribe({in}, group("g"));
  ASSERT_TRUE(sub) << sub.error().detail;
  EXPECT_TRUE(poll_until_sentinel(**sub, in).empty());
}

}  // namespace concord::events::testing
