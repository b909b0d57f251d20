#include "kafka_metrics.hpp"

#include "concord/core/metrics.hpp"

namespace concord::events::kafka::metrics {

using concord::metrics::global;

void produced(const std::string& topic, size_t n) {
  global()
      .counter("concord_events_produced_total", "Events committed to Kafka, by topic", {{"topic", topic}})
      .inc(static_cast<double>(n));
}

void consumed(const std::string& topic, size_t n) {
  global()
      .counter("concord_events_consumed_total", "Events received by Kafka subscriptions, by topic", {{"topic", topic}})
      .inc(static_cast<double>(n));
}

void replayed(const std::string& topic, size_t n) {
  global()
      .counter("concord_events_replayed_total", "Events read by replays of Kafka topics, by topic", {{"topic", topic}})
      .inc(static_cast<double>(n));
}

void append_latency(const std::string& topic, double seconds) {
  global()
      .histogram("concord_events_append_seconds", "Time for an append to be committed to Kafka, by topic",
                 {{"topic", topic}})
      .observe(seconds);
}

void transaction(bool committed) {
  global()
      .counter("concord_events_transactions_total", "Kafka transactions of the event log, by outcome",
               {{"outcome", committed ? "committed" : "failed"}})
      .inc();
}

void transaction_step(const char* step, double seconds) {
  global()
      .histogram("concord_events_transaction_step_seconds",
                 "Time the event log's Kafka transactions spend in each step (gap, begin, produce, acks, commit)",
                 {{"step", step}})
      .observe(seconds);
}

void consumer_lag(const std::string& group, const std::string& topic, long long lag) {
  global()
      .gauge("concord_events_consumer_lag", "Records not yet consumed by a Kafka subscription, by group and topic",
             {{"group", group}, {"topic", topic}})
      .set(static_cast<double>(lag));
}

void group_partitions(const std::string& group, size_t n) {
  global()
      .gauge("concord_events_group_partitions", "Partitions assigned to this member of a Kafka consumer group",
             {{"group", group}})
      .set(static_cast<double>(n));
}

}  // namespace concord::events::kafka::metrics
