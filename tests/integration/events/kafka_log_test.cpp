// The Kafka EventLog against a real broker: volume and order, transactions (aborted, open, a log
// ending in a marker), fencing, topic settings and record headers.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <thread>

#include "concord/core/metrics.hpp"
#include "kafka_test_support.hpp"

namespace concord::events {
namespace {

using namespace std::chrono_literals;
using kafka_test::make_event;
using kafka_test::seconds_since;
using kafka_test::unique;

// The Java client's partitioner (murmur2, positive, modulo), which the log is configured to
// match: a key lands on the partition any Kafka client would choose for it.
int java_partition(std::string_view key, int partitions) {
  const uint32_t m = 0x5bd1e995;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  auto length = static_cast<uint32_t>(key.size());
  uint32_t h = 0x9747b28c ^ length;
  for (uint32_t i = 0; i + 4 <= length; i += 4) {
    uint32_t k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (static_cast<uint32_t>(data[i + 3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(data[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(data[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= data[tail];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

class KafkaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = kafka_test::brokers();
    ASSERT_FALSE(brokers_.empty()) << kafka_test::kNoBroker;
  }

  static std::unique_ptr<EventLog> open(const std::string& transactional_id, KafkaOptions o) {
    o.transactional_id = transactional_id;
    auto log = open_kafka_log(std::move(o));
    EXPECT_TRUE(log) << (log ? "" : log.error().detail);
    return log ? std::move(*log) : nullptr;
  }
  static std::unique_ptr<EventLog> open(const std::string& transactional_id) {
    return open(transactional_id, kafka_test::options(transactional_id));
  }

  static std::string make_topic(EventLog& log, std::string_view name, int partitions) {
    std::string t = unique(name);
    auto st = log.ensure_topics({TopicSpec{.name = t, .partitions = partitions, .replication_factor = 1}});
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return t;
  }

  static std::vector<Record> replay_all(EventLog& log, const std::string& t) {
    std::vector<Record> out;
    auto st = log.replay(t, [&](const Record& r) -> Status {
      out.push_back(r);
      return {};
    });
    EXPECT_TRUE(st) << (st ? "" : st.error().detail);
    return out;
  }

  static std::vector<std::string> ids(const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.event.id);
    return out;
  }
  static std::vector<std::string> ids(std::initializer_list<const std::vector<Event>*> groups) {
    std::vector<std::string> out;
    for (const auto* g : groups)
      for (const auto& e : *g) out.push_back(e.id);
    return out;
  }

  std::string brokers_;
};

TEST_F(KafkaLogTest, appends_100k_events_in_batches_and_replays_them_in_order_per_key) {
  auto log = open(unique("volume-writer"));
  ASSERT_NE(log, nullptr);
  auto t = make_topic(*log, "volume", 3);
  constexpr int kKeys = 1000, kPerKey = 100, kBatch = 25, kThreads = 4;

  auto t0 = std::chrono::steady_clock::now();
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w) {
    writers.emplace_back([&, w] {
      for (int round = 0; round < kPerKey / kBatch; ++round) {
        for (int k = w; k < kKeys; k += kThreads) {
          std::string key = "delegation-" + std::to_string(k);
          std::vector<Event> batch;
          for (int j = 0; j < kBatch; ++j) batch.push_back(make_event(key, round * kBatch + j));
          if (!log->append(t, key, batch)) ++failures;
        }
      }
    });
  }
  for (auto& th : writers) th.join();
  double append_s = seconds_since(t0);
  ASSERT_EQ(failures.load(), 0);

  t0 = std::chrono::steady_clock::now();
  std::map<std::string, std::vector<long long>> per_key;
  std::map<std::string, std::set<int>> partitions_of_key;
  std::map<int, long long> last_offset;
  size_t total = 0;
  auto st = log->replay(t, [&](const Record& r) -> Status {
    ++total;
    per_key[r.key].push_back(r.event.sequence);
    partitions_of_key[r.key].insert(r.partition);
    if (last_offset.contains(r.partition) && r.offset <= last_offset[r.partition]) {
      return fail(Error::internal("offsets went backwards in partition " + std::to_string(r.partition)));
    }
    last_offset[r.partition] = r.offset;
    return {};
  });
  double replay_s = seconds_since(t0);
  ASSERT_TRUE(st) << st.error().detail;

  ASSERT_EQ(total, static_cast<size_t>(kKeys * kPerKey));
  ASSERT_EQ(per_key.size(), static_cast<size_t>(kKeys));
  std::vector<long long> expected(kPerKey);
  for (int i = 0; i < kPerKey; ++i) expected[i] = i;
  for (const auto& [key, seq] : per_key) {
    ASSERT_EQ(seq, expected) << key << " out of order";
    ASSERT_EQ(partitions_of_key[key].size(), 1u) << key << " spread over partitions";
    EXPECT_EQ(*partitions_of_key[key].begin(), java_partition(key, 3)) << key << " not where murmur2 puts it";
  }
  EXPECT_EQ(last_offset.size(), 3u) << "every partition holds some keys";

  auto metrics = concord::metrics::global().render();
  EXPECT_NE(metrics.find("concord_events_produced_total{topic=\"" + t + "\"} 100000"), std::string::npos);
  EXPECT_NE(metrics.find("concord_events_replayed_total{topic=\"" + t + "\"} 100000"), std::string::npos);
  std::cout << "[ figures  ] 100000 events in " << kKeys * kPerKey / kBatch << " appends of " << kBatch << " by "
            << kThreads << " threads: " << append_s << " s (" << static_cast<long>(total / append_s)
            << " events/s); replay " << replay_s << " s (" << static_cast<long>(total / replay_s) << " events/s)\n";
}

TEST_F(KafkaLogTest, an_aborted_transaction_is_never_replayed_and_a_final_commit_marker_ends_the_replay) {
  auto log = open(unique("abort-writer"));
  ASSERT_NE(log, nullptr);
  auto t = make_topic(*log, "aborted", 1);
  std::vector<Event> before = {make_event("k", 0), make_event("k", 1)};
  ASSERT_TRUE(log->append(t, "k", before));

  kafka_test::RawTxnProducer raw(brokers_, unique("raw-writer"));
  std::vector<Event> aborted = {make_event("k", 100), make_event("k", 101)};
  raw.begin();
  for (const auto& e : aborted) raw.produce(t, "k", e);
  raw.flush();  // the records are in the partition, then the transaction is aborted
  raw.abort();
  std::vector<Event> last = {make_event("k", 2)};
  raw.begin();
  raw.produce(t, "k", last[0]);
  raw.commit();  // the very last thing in the partition is this commit's marker

  auto t0 = std::chrono::steady_clock::now();
  auto records = replay_all(*log, t);
  double took = seconds_since(t0);
  EXPECT_EQ(ids(records), ids({&before, &last}));
  EXPECT_LT(took, 5.0) << "replay must not wait for a record after the final marker";

  // Offsets: 2 appended + their marker, 2 aborted + the abort marker, 1 + the commit marker.
  auto marks = kafka_test::raw_watermarks(brokers_, t, 1);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(marks[0].second, 8);
  EXPECT_EQ(records.back().offset, marks[0].second - 2) << "the partition ends with a marker";
}

TEST_F(KafkaLogTest, a_log_ending_in_an_aborted_transaction_replays_what_was_committed) {
  auto log = open(unique("abort-last-writer"));
  ASSERT_NE(log, nullptr);
  auto t = make_topic(*log, "abort-last", 1);
  std::vector<Event> committed = {make_event("k", 0)};
  ASSERT_TRUE(log->append(t, "k", committed));

  kafka_test::RawTxnProducer raw(brokers_, unique("raw-writer"));
  raw.begin();
  raw.produce(t, "k", make_event("k", 1));
  raw.produce(t, "k", make_event("k", 2));
  raw.flush();
  raw.abort();

  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(ids(replay_all(*log, t)), ids({&committed}));
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_EQ(kafka_test::raw_watermarks(brokers_, t, 1)[0].second, 5) << "1 + marker, 2 aborted + marker";
}

TEST_F(KafkaLogTest, an_open_transaction_is_neither_replayed_nor_waited_for_beyond_the_append_timeout) {
  auto o = kafka_test::options("");
  o.append_timeout = 2s;
  o.abort_grace = 1s;
  auto log = open(unique("open-txn-writer"), o);
  ASSERT_NE(log, nullptr);
  auto t = make_topic(*log, "open-txn", 3);
  std::vector<Event> committed = {make_event("a", 0), make_event("b", 0), make_event("c", 0)};
  for (const auto& e : committed) ASSERT_TRUE(log->append(t, e.subject.substr(6), {e}));

  kafka_test::RawTxnProducer raw(brokers_, unique("raw-writer"));
  raw.begin();
  raw.produce(t, "a", make_event("a", 1));
  raw.flush();  // in the partition, uncommitted, and stays so during the replay

  auto t0 = std::chrono::steady_clock::now();
  auto records = replay_all(*log, t);
  double took = seconds_since(t0);
  std::set<std::string> got;
  for (const auto& r : records) got.insert(r.event.id);
  EXPECT_EQ(got, (std::set<std::string>{committed[0].id, committed[1].id, committed[2].id}));
  EXPECT_LT(took, 2.0 + 1.0 + 3.0) << "bounded by append_timeout + abort_grace, plus the replay itself";
  raw.abort();
}

TEST_F(KafkaLogTest, a_second_writer_with_the_same_transactional_id_fences_the_first) {
  std::string id = unique("fenced-writer");
  auto first = open(id);
  ASSERT_NE(first, nullptr);
  auto t = make_topic(*first, "fencing", 3);
  std::vector<Event> early = {make_event("k", 0)};
  ASSERT_TRUE(first->append(t, "k", early));

  auto second = open(id);  // init_transactions with the same id fences the first
  ASSERT_NE(second, nullptr);

  auto st = first->append(t, "k", {make_event("k", 1), make_event("k", 2)});
  ASSERT_FALSE(st) << "a fenced writer must not be able to append";
  EXPECT_EQ(failure_of(st.error()), LogFailure::fenced) << st.error().detail;
  auto again = first->append(t, "k", {make_event("k", 3)});
  ASSERT_FALSE(again);
  EXPECT_EQ(failure_of(again.error()), LogFailure::fenced) << "fencing is final";
  EXPECT_FALSE(first->healthy());

  std::vector<Event> late = {make_event("k", 1)};
  auto ok = second->append(t, "k", late);
  ASSERT_TRUE(ok) << ok.error().detail;
  EXPECT_TRUE(second->healthy());
  EXPECT_EQ(ids(replay_all(*second, t)), ids({&early, &late})) << "nothing of the fenced writer is visible";
}

// The writer's role and the processors are separate (DESIGN §7): a standby holds no writer's
// producer, yet with a processor id its subscriptions consume and commit through producers of
// their own, so every notifications replica processes. (Subscribing once required the writer's
// producer: processors ran on the writer only, and on a standby failed to subscribe for good.)
TEST_F(KafkaLogTest, a_replica_without_the_writer_role_processes_through_its_own_producer) {
  auto writer = open(unique("standby-proc-writer"));
  ASSERT_NE(writer, nullptr);
  auto in = make_topic(*writer, "standby-proc-in", 1);
  auto out = make_topic(*writer, "standby-proc-out", 1);
  ASSERT_TRUE(writer->append(in, "k", {make_event("k", 0)}));

  auto o = kafka_test::options("");
  o.writer_on_open = false;
  o.processor_id = unique("standby-proc");
  auto standby = open(unique("standby-proc-log"), o);
  ASSERT_NE(standby, nullptr);
  EXPECT_FALSE(standby->writing());
  EXPECT_FALSE(standby->append(out, "k", {make_event("k", 1)})) << "appends still need the writer's role";
  auto sub = standby->subscribe({in}, unique("standby-proc-group"));
  ASSERT_TRUE(sub) << sub.error().detail;
  std::vector<Record> got;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    auto batch = (*sub)->poll(500ms, 10);
    ASSERT_TRUE(batch) << batch.error().detail;
    got = *batch;
  }
  ASSERT_EQ(got.size(), 1u);
  Event made = make_event("k", 1, "concord.test.thing.processed");
  auto committed = (*sub)->commit_with({Output{out, "k", made}}, got);
  ASSERT_TRUE(committed) << committed.error().detail;
  EXPECT_EQ(ids(replay_all(*writer, out)), std::vector<std::string>{made.id});

  // Without a processor id a subscription commits through the writer's producer: refused.
  auto bare_options = kafka_test::options("");
  bare_options.writer_on_open = false;
  auto bare = open(unique("standby-bare"), bare_options);
  ASSERT_NE(bare, nullptr);
  EXPECT_FALSE(bare->subscribe({in}, unique("standby-bare-group")));
}

// A member keeps its partitions from the poll that read a batch to the commit of the step: the
// group's next generation waits for the member's next poll (its rebalance callback). A member
// that joins meanwhile gets nothing of the held partitions, and after the commit reads on from
// it: every input is processed once. (Left to librdkafka, the revocation came on its own thread:
// the joining member read the held batch again, and both committed outputs for it.)
TEST_F(KafkaLogTest, a_member_keeps_its_partitions_from_its_poll_to_its_commit_while_another_joins) {
  auto writer = open(unique("keep-writer"));
  ASSERT_NE(writer, nullptr);
  auto in = make_topic(*writer, "keep-in", 2);
  auto out = make_topic(*writer, "keep-out", 1);
  std::vector<Event> inputs;
  for (int i = 0; i < 20; ++i) inputs.push_back(make_event("k" + std::to_string(i), i));
  for (const auto& e : inputs) ASSERT_TRUE(writer->append(in, e.subject, {e}));

  std::string group = unique("keep-group");
  auto member = [&](const char* name) {
    auto o = kafka_test::options("");
    o.writer_on_open = false;
    o.processor_id = unique(name);
    return open(unique(std::string(name) + "-log"), o);
  };
  auto processed = [](const std::vector<Record>& batch) {
    std::vector<Output> outputs;
    for (const auto& r : batch) {
      Event e = make_event(r.key, r.event.sequence, "concord.test.thing.processed");
      e.data["input"] = r.event.id;
      outputs.push_back(Output{"", r.key, e});
    }
    return outputs;
  };
  auto a_log = member("keep-a");
  ASSERT_NE(a_log, nullptr);
  auto a = a_log->subscribe({in}, group);
  ASSERT_TRUE(a) << a.error().detail;
  std::vector<Record> held;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       held.size() < inputs.size() && std::chrono::steady_clock::now() < deadline;) {
    auto batch = (*a)->poll(500ms, 100);
    ASSERT_TRUE(batch) << batch.error().detail;
    held.insert(held.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(held.size(), inputs.size()) << "the first member reads both partitions";

  auto b_log = member("keep-b");
  ASSERT_NE(b_log, nullptr);
  auto b = b_log->subscribe({in}, group);
  ASSERT_TRUE(b) << b.error().detail;
  std::vector<Record> read_by_b;
  for (auto until = std::chrono::steady_clock::now() + 4s; std::chrono::steady_clock::now() < until;) {
    auto batch = (*b)->poll(200ms, 100);
    ASSERT_TRUE(batch) << batch.error().detail;
    read_by_b.insert(read_by_b.end(), batch->begin(), batch->end());
  }
  EXPECT_TRUE(read_by_b.empty()) << read_by_b.size() << " records the first member held were read again";

  auto outputs = processed(held);
  for (auto& o : outputs) o.topic = out;
  auto committed = (*a)->commit_with(outputs, held);
  ASSERT_TRUE(committed) << committed.error().detail;
  // Both poll on (the first one takes the rebalance now); whatever either reads is processed.
  for (auto until = std::chrono::steady_clock::now() + 8s; std::chrono::steady_clock::now() < until;) {
    for (auto* sub : {&*a, &*b}) {
      auto batch = (*sub)->poll(100ms, 100);
      ASSERT_TRUE(batch) << batch.error().detail;
      if (batch->empty()) continue;
      auto more = processed(*batch);
      for (auto& o : more) o.topic = out;
      auto step = (*sub)->commit_with(more, *batch);
      ASSERT_TRUE(step) << step.error().detail;
    }
  }
  std::map<std::string, int> times;
  for (const auto& r : replay_all(*writer, out)) ++times[r.event.data.value("input", "")];
  EXPECT_EQ(times.size(), inputs.size());
  for (const auto& e : inputs) EXPECT_EQ(times[e.id], 1) << "input " << e.sequence;
}

TEST_F(KafkaLogTest, names_kafka_refuses_are_rejected_before_reaching_it) {
  auto log = open(unique("names-writer"));
  ASSERT_NE(log, nullptr);
  auto created = log->ensure_topics({TopicSpec{.name = "no spaces allowed"}});
  ASSERT_FALSE(created);
  EXPECT_EQ(failure_of(created.error()), LogFailure::rejected);
  auto appended = log->append("bad/topic", "k", {make_event("k", 0)});
  ASSERT_FALSE(appended);
  EXPECT_EQ(failure_of(appended.error()), LogFailure::rejected);
  EXPECT_TRUE(log->healthy());
}

// --- what ensure_topics configured, and what a record carries, read with librdkafka itself ---

std::map<std::string, std::string> topic_configs(const std::string& brokers, const std::string& topic) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(rk, &res, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15000);
  std::map<std::string, std::string> out;
  if (ev != nullptr && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    size_t n = 0;
    const rd_kafka_ConfigResource_t** rs =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
    for (size_t i = 0; i < n; ++i) {
      size_t cnt = 0;
      const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(rs[i], &cnt);
      for (size_t j = 0; j < cnt; ++j) {
        const char* v = rd_kafka_ConfigEntry_value(entries[j]);
        out[rd_kafka_ConfigEntry_name(entries[j])] = v != nullptr ? v : "";
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_ConfigResource_destroy(res);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return out;
}

TEST_F(KafkaLogTest, ensure_topics_creates_topics_that_keep_everything_and_leaves_existing_ones) {
  auto log = open(unique("topics-writer"));
  ASSERT_NE(log, nullptr);
  std::string t = unique("kept");
  ASSERT_TRUE(log->ensure_topics({TopicSpec{.name = t, .partitions = 5, .replication_factor = 1}}));
  auto again = log->ensure_topics({TopicSpec{.name = t, .partitions = 2, .replication_factor = 1}});
  ASSERT_TRUE(again) << "an existing topic is fine: " << again.error().detail;

  auto configs = topic_configs(brokers_, t);
  EXPECT_EQ(configs["retention.ms"], "-1");
  EXPECT_EQ(configs["cleanup.policy"], "delete");
  auto marks = kafka_test::raw_watermarks(brokers_, t, 5);
  for (const auto& [low, high] : marks) EXPECT_EQ(high, 0) << "five partitions, all served";
}

TEST_F(KafkaLogTest, records_are_structured_cloudevents_with_their_content_type_and_ce_headers) {
  auto log = open(unique("headers-writer"));
  ASSERT_NE(log, nullptr);
  auto t = make_topic(*log, "headers", 1);
  Event e = make_event("delegation-7", 3, "concord.delegations.delegation.accredited");
  ASSERT_TRUE(log->append(t, "delegation-7", {e}));

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers_.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", unique("headers-reader").c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_topic_partition_list_t* tp = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(tp, t.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, tp);
  rd_kafka_topic_partition_list_destroy(tp);
  rd_kafka_message_t* m = nullptr;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    m = rd_kafka_consumer_poll(rk, 200);
    if (m != nullptr && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (m != nullptr) rd_kafka_message_destroy(m);
    m = nullptr;
  }
  ASSERT_NE(m, nullptr) << "the record did not arrive";
  auto header = [&](const char* name) {
    rd_kafka_headers_t* hdrs = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_header_get_last(hdrs, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::string("<missing>");
    }
    return std::string(static_cast<const char*>(value), size);
  };
  EXPECT_EQ(header("content-type"), "application/cloudevents+json; charset=utf-8");
  EXPECT_EQ(header("ce_type"), e.type);
  EXPECT_EQ(header("ce_id"), e.id);
  EXPECT_EQ(std::string(static_cast<const char*>(m->key), m->key_len), "delegation-7");
  auto parsed = parse_event(std::string_view(static_cast<const char*>(m->payload), m->len));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(*parsed, e);
  auto json = nlohmann::json::parse(std::string_view(static_cast<const char*>(m->payload), m->len));
  EXPECT_EQ(json["specversion"], "1.0");
  rd_kafka_message_destroy(m);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

}  // namespace
}  // namespace concord::events
