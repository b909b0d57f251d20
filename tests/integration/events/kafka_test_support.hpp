#pragma once
// Shared by the Kafka integration tests: the broker from KAFKA_BROKERS (a test fails, loudly,
// without it), names unique to a run, events, and a raw librdkafka transactional producer for
// what the EventLog never does on purpose (abort a transaction, leave one open).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/id.hpp"
#include "concord/events/event.hpp"
#include "concord/events/kafka_log.hpp"

namespace concord::events::kafka_test {

inline constexpr std::string_view kNoBroker =
    "KAFKA_BROKERS is not set: the Kafka tests need a real broker. Start one with "
    "`deploy/local/stack.sh start` and export the KAFKA_BROKERS it prints (tests/run.sh does both).";

// The broker list, or "" after recording a test failure.
inline std::string brokers() {
  const char* b = std::getenv("KAFKA_BROKERS");
  if (b == nullptr || *b == '\0') {
    ADD_FAILURE() << kNoBroker;
    return {};
  }
  return b;
}

// Random per process: topics, groups and transactional ids never collide between runs or tests.
inline const std::string& run_tag() {
  static const std::string tag = [] {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> hex(0, 15);
    std::string t;
    for (int i = 0; i < 10; ++i) t += "0123456789abcdef"[hex(rd)];
    return t + "-" + std::to_string(::getpid());
  }();
  return tag;
}

inline std::string unique(std::string_view what) {
  return "kt." + run_tag() + "." + std::string(what);
}

inline KafkaOptions options(std::string transactional_id) {
  KafkaOptions o;
  o.brokers = brokers();
  o.transactional_id = std::move(transactional_id);
  o.session_timeout = std::chrono::milliseconds(6000);  // the broker's minimum: quick takeovers
  return o;
}

inline Event make_event(std::string_view key, long long n, std::string_view type = "concord.test.thing.happened") {
  Event e;
  e.id = new_uuid_v7();
  e.source = "/concord/test";
  e.type = std::string(type);
  e.subject = "thing/" + std::string(key);
  e.time = Timestamp{std::chrono::milliseconds{1'759'050'000'000 + n}};
  e.sequence = n;
  e.actor = "kafka-test";
  e.data = {{"key", key}, {"n", n}};
  return e;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A plain librdkafka transactional producer, for the states an EventLog never leaves behind.
class RawTxnProducer {
 public:
  RawTxnProducer(const std::string& brokers, const std::string& transactional_id) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    set(conf, "bootstrap.servers", brokers, err);
    set(conf, "transactional.id", transactional_id, err);
    set(conf, "partitioner", "murmur2_random", err);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (rk_ == nullptr) throw std::runtime_error(err);
    check(rd_kafka_init_transactions(rk_, 30000), "init_transactions");
  }
  ~RawTxnProducer() { rd_kafka_destroy(rk_); }
  RawTxnProducer(const RawTxnProducer&) = delete;
  RawTxnProducer& operator=(const RawTxnProducer&) = delete;

  void begin() { check(rd_kafka_begin_transaction(rk_), "begin_transaction"); }
  void produce(const std::string& topic, const std::string& key, const Event& e) {
    std::string value = serialize(e);
    auto err = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
                                 RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error(rd_kafka_err2str(err));
  }
  // Waits until the broker has the records (still uncommitted).
  void flush() {
    if (rd_kafka_flush(rk_, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) throw std::runtime_error("flush timed out");
  }
  void commit() { check(rd_kafka_commit_transaction(rk_, 30000), "commit_transaction"); }
  void abort() { check(rd_kafka_abort_transaction(rk_, 30000), "abort_transaction"); }

 private:
  static void set(rd_kafka_conf_t* conf, const char* name, const std::string& value, char (&err)[512]) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw std::runtime_error(err);
    }
  }
  static void check(rd_kafka_error_t* e, const char* what) {
    if (e == nullptr) return;
    std::string message = std::string(what) + ": " + rd_kafka_error_string(e);
    rd_kafka_error_destroy(e);
    throw std::runtime_error(message);
  }
  rd_kafka_t* rk_ = nullptr;
};

// Each partition's watermarks, as a read_uncommitted reader sees them: the high one counts
// transaction markers and open transactions too.
inline std::vector<std::pair<long long, long long>> raw_watermarks(const std::string& brokers, const std::string& topic,
                                                                   int partitions) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "isolation.level", "read_uncommitted", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  std::vector<std::pair<long long, long long>> out;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, 10000);
    out.emplace_back(low, high);
  }
  rd_kafka_destroy(rk);
  return out;
}

}  // namespace concord::events::kafka_test
