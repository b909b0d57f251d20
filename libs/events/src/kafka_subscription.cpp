#include "kafka_subscription.hpp"

#include <map>

#include "concord/core/log.hpp"
#include "kafka_metrics.hpp"
#include "topic_names.hpp"

namespace concord::events::kafka {
namespace {

using Clock = std::chrono::steady_clock;

Settings subscription_settings(const KafkaOptions& o, const std::string& group) {
  Settings settings{
      {"bootstrap.servers", o.brokers},
      {"client.id", (o.client_id.empty() ? o.transactional_id : o.client_id) + "-" + group},
      {"group.id", group},
      {"isolation.level", "read_committed"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},  // a new group starts at the beginning
      {"session.timeout.ms", std::to_string(o.session_timeout.count())},
      // Notice subscribed topics that are created later without waiting five minutes.
      {"topic.metadata.refresh.interval.ms", "10000"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  if (o.static_membership) settings.emplace_back("group.instance.id", o.transactional_id + "." + group);
  // Security and site settings (SASL, TLS) from the deployment, applied to every client.
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

}  // namespace

Result<std::unique_ptr<Subscription>> KafkaSubscription::open(const KafkaOptions& options,
                                                              std::shared_ptr<TxnProducer> producer,
                                                              const std::vector<std::string>& topics,
                                                              const std::string& group) {
  if (group.empty()) return fail(log_error(LogFailure::rejected, "a subscription needs a consumer group"));
  if (auto s = detail::check_topic_list(topics); !s) return fail(s.error());
  auto client = make_client(RD_KAFKA_CONSUMER, subscription_settings(options, group));
  if (!client) return fail(client.error());
  rd_kafka_poll_set_consumer(client->get());
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(client->get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_consumer_close(client->get());
    return fail(unavailable("cannot subscribe group " + group, err));
  }
  return std::unique_ptr<Subscription>(new KafkaSubscription(std::move(*client), std::move(producer), group));
}

KafkaSubscription::KafkaSubscription(Handle rk, std::shared_ptr<TxnProducer> producer, std::string group)
    : rk_(std::move(rk)), producer_(std::move(producer)), group_(std::move(group)) {}

KafkaSubscription::~KafkaSubscription() {
  rd_kafka_consumer_close(rk_.get());
}

Result<std::vector<Record>> consume_batch(rd_kafka_t* rk, const std::string& reader, std::chrono::milliseconds wait,
                                          size_t max) {
  std::vector<Record> out;
  std::map<std::string, size_t> per_topic;
  auto deadline = Clock::now() + wait;
  while (out.size() < max) {
    MessagePtr m(rd_kafka_consumer_poll(rk, out.empty() ? remaining_ms(deadline) : 0));
    if (!m) break;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      char reason[512];
      if (rd_kafka_fatal_error(rk, reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return fail(unavailable("the Kafka consumer " + reader + " failed: " + reason, m->err));
      }
      if (m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && out.empty()) {
        return fail(unavailable("the Kafka consumer " + reader + " reaches no broker", m->err));
      }
      // Informational (a topic not created yet, a broker connection lost): librdkafka retries.
      log::debug("Kafka consumer notice", {{"reader", reader}, {"error", rd_kafka_message_errstr(m.get())}});
      continue;
    }
    std::string topic = rd_kafka_topic_name(m->rkt);
    auto event = parse_event(std::string_view(static_cast<const char*>(m->payload), m->len));
    if (!event) {
      // A record no Concord writer made: skip it rather than stop the consumer forever.
      log::error("skipping a Kafka record that is not a CloudEvent", {{"reader", reader},
                                                                      {"topic", topic},
                                                                      {"partition", m->partition},
                                                                      {"offset", m->offset},
                                                                      {"error", event.error().detail}});
      continue;
    }
    ++per_topic[topic];
    out.push_back(Record{std::move(topic), m->partition, m->offset,
                         m->key ? std::string(static_cast<const char*>(m->key), m->key_len) : std::string(),
                         std::move(*event)});
  }
  for (const auto& [topic, n] : per_topic) metrics::consumed(topic, n);
  return out;
}

Result<std::vector<Record>> KafkaSubscription::poll(std::chrono::milliseconds wait, size_t max) {
  auto out = consume_batch(rk_.get(), "of group " + group_, wait, max);
  report_lag();
  return out;
}

Status KafkaSubscription::commit(const std::vector<Record>& consumed) {
  if (consumed.empty()) return {};
  auto positions = positions_after(consumed);
  auto err = rd_kafka_commit(rk_.get(), positions.get(), 0 /* synchronous */);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return fail(unavailable("cannot commit the positions of group " + group_, err));
  return {};
}

Status KafkaSubscription::commit_with(const std::vector<Output>& outputs, const std::vector<Record>& consumed) {
  if (outputs.empty() && consumed.empty()) return {};
  std::vector<OutMessage> messages;
  for (const auto& o : outputs) {
    if (auto s = check_topic_name(o.topic); !s) {
      rewind();
      return s;
    }
    auto m = to_messages(o.topic, o.key, {o.event});
    if (!m) {
      rewind();
      return fail(m.error());
    }
    messages.push_back(std::move(m->front()));
  }
  auto positions = positions_after(consumed);
  GroupMetadata group(rd_kafka_consumer_group_metadata(rk_.get()));
  auto s = producer_->commit_with(std::move(messages), positions.get(), group.get());
  if (!s) rewind();
  return s;
}

// Back to the last committed positions (the beginning where the group committed nothing), so
// the records of a failed step are polled again.
void KafkaSubscription::rewind() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionList assigned(raw);
  if (assigned->cnt == 0) return;
  if (auto err = rd_kafka_committed(rk_.get(), assigned.get(), 10000); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::error("cannot read the committed positions to rewind to",
               {{"group", group_}, {"error", rd_kafka_err2str(err)}});
    return;
  }
  for (int i = 0; i < assigned->cnt; ++i) {
    if (assigned->elems[i].offset < 0) assigned->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (ErrorPtr e{rd_kafka_seek_partitions(rk_.get(), assigned.get(), 10000)}) {
    log::error("cannot rewind the subscription", {{"group", group_}, {"error", rd_kafka_error_string(e.get())}});
  }
}

// Lag from cached watermarks (no request to the broker), at most once a second.
void KafkaSubscription::report_lag() {
  auto now = Clock::now();
  if (now - lag_reported_ < std::chrono::seconds(1)) return;
  lag_reported_ = now;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionList assigned(raw);
  rd_kafka_position(rk_.get(), assigned.get());
  std::map<std::string, long long> lag;
  for (int i = 0; i < assigned->cnt; ++i) {
    const auto& tp = assigned->elems[i];
    int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(rk_.get(), tp.topic, tp.partition, &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    long long from = tp.offset >= 0 ? tp.offset : low;
    lag[tp.topic] += std::max<long long>(0, high - from);
  }
  for (const auto& [topic, n] : lag) metrics::consumer_lag(group_, topic, n);
}

}  // namespace concord::events::kafka
