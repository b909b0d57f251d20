#include "kafka_subscription.hpp"

#include <algorithm>
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
      {"client.id",
       (o.client_id.empty() ? (o.processor_id.empty() ? o.transactional_id : o.processor_id) : o.client_id) + "-" +
           group},
      {"group.id", group},
      {"isolation.level", "read_committed"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},  // a new group starts at the beginning
      {"session.timeout.ms", std::to_string(o.session_timeout.count())},
      // Three heartbeats a session: a short session (partitions move within seconds) keeps it.
      {"heartbeat.interval.ms", std::to_string(std::clamp<long long>(o.session_timeout.count() / 3, 100, 3000))},
      // Notice subscribed topics that are created later without waiting five minutes.
      {"topic.metadata.refresh.interval.ms", "10000"},
      // As for a tail (kafka_tail.cpp): a fetch held at most 100 ms rather than 500.
      {"fetch.wait.max.ms", "100"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  if (o.static_membership)
    settings.emplace_back("group.instance.id",
                          (o.processor_id.empty() ? o.transactional_id : o.processor_id) + "." + group);
  // Security and site settings (SASL, TLS) from the deployment, applied to every client.
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

// The group's rebalances reach a member only inside its poll, between two steps: librdkafka
// waits for this callback before it gives partitions up and rejoins, so the group cannot form
// its next generation while a step for partitions it takes away is still being committed.
// (Left to librdkafka, the revocation happened on its own thread, in the middle of a step: the
// step's transaction then committed its offsets under the old generation while the partitions'
// new owner had already read the committed ones, and both processed the same records.) No step
// is open during a poll, so giving partitions up needs nothing more than the unassignment.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  ++static_cast<KafkaSubscription::Rebalances*>(opaque)->taken;
  bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  ErrorPtr error;
  rd_kafka_resp_err_t assigned = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative)
      error.reset(rd_kafka_incremental_assign(rk, partitions));
    else
      assigned = rd_kafka_assign(rk, partitions);
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && cooperative) {
    error.reset(rd_kafka_incremental_unassign(rk, partitions));
  } else {  // revoked (eager), or the rebalance failed: everything is given up
    assigned = rd_kafka_assign(rk, nullptr);
  }
  if (error || assigned != RD_KAFKA_RESP_ERR_NO_ERROR)
    log::error("cannot take a consumer group rebalance",
               {{"rebalance", rd_kafka_err2str(err)},
                {"error", error ? rd_kafka_error_string(error.get()) : rd_kafka_err2str(assigned)}});
}

KafkaOptions own_producer_options(const KafkaOptions& o, const std::string& group) {
  KafkaOptions own = o;
  own.transactional_id = o.processor_id + "." + group;
  own.client_id = own.transactional_id;
  own.transaction_timeout = o.processor_transaction_timeout;
  own.before_commit_for_testing = o.before_commit_for_testing;
  return own;
}

}  // namespace

Result<std::unique_ptr<Subscription>> KafkaSubscription::open(const KafkaOptions& options,
                                                              std::shared_ptr<TxnProducer> producer,
                                                              const std::vector<std::string>& topics,
                                                              const std::string& group) {
  if (group.empty()) return fail(log_error(LogFailure::rejected, "a subscription needs a consumer group"));
  if (auto s = detail::check_topic_list(topics); !s) return fail(s.error());
  auto rebalances = std::make_unique<Rebalances>();
  auto client =
      make_client(RD_KAFKA_CONSUMER, subscription_settings(options, group), rebalances.get(), nullptr, on_rebalance);
  if (!client) return fail(client.error());
  rd_kafka_poll_set_consumer(client->get());
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(client->get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_consumer_close(client->get());
    return fail(unavailable("cannot subscribe group " + group, err));
  }
  bool own = !options.processor_id.empty();
  if (own) {
    // A producer of this instance's own for this group: its transactional id is unique to the
    // instance (another instance never fences it), and the group generation fences its zombie.
    producer = std::make_shared<TxnProducer>(own_producer_options(options, group));
    if (auto s = producer->start(); !s) {
      rd_kafka_consumer_close(client->get());
      return fail(s.error());
    }
  }
  return std::unique_ptr<Subscription>(
      new KafkaSubscription(options, std::move(rebalances), std::move(*client), std::move(producer), own, group));
}

KafkaSubscription::KafkaSubscription(KafkaOptions options, std::unique_ptr<Rebalances> rebalances, Handle rk,
                                     std::shared_ptr<TxnProducer> producer, bool own_producer, std::string group)
    : options_(std::move(options)),
      rebalances_(std::move(rebalances)),
      rk_(std::move(rk)),
      producer_(std::move(producer)),
      own_producer_(own_producer),
      group_(std::move(group)) {}

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

// The records of one batch are committed with the group metadata they were read under: if the
// member took a rebalance while the batch was read (on_rebalance), some of them may belong to
// another member now, so the batch is dropped (and read again from the committed positions)
// rather than committed by a member that may no longer own it. No rebalance takes partitions
// from the member between this poll and the next, so its step commits while it owns them.
Result<std::vector<Record>> KafkaSubscription::poll(std::chrono::milliseconds wait, size_t max) {
  auto before = rebalances_->taken;
  auto out = consume_batch(rk_.get(), "of group " + group_, wait, max);
  bool rebalanced = rebalances_->taken != before;
  settle_assignment();
  report_lag();
  if (!out) return out;
  batch_group_.reset(rd_kafka_consumer_group_metadata(rk_.get()));
  if (rebalanced && !out->empty()) {
    log::info("the group rebalanced while a batch was read; reading it again",
              {{"group", group_}, {"records", out->size()}});
    rewind();
    return std::vector<Record>{};
  }
  return out;
}

// Follows the assignment: a partition newly assigned counts as owned once its committed
// position was read. With isolation.level=read_committed librdkafka asks for stable offsets,
// so that read waits for a transaction the previous owner left open to be committed or
// aborted: what the previous owner did with the partition is settled before this member acts
// on its keys.
void KafkaSubscription::settle_assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionList assigned(raw);
  std::map<std::pair<std::string, int>, bool> now;
  for (int i = 0; i < assigned->cnt; ++i) now[{assigned->elems[i].topic, assigned->elems[i].partition}] = true;
  if (now != assigned_) {
    assigned_ = std::move(now);
    std::erase_if(settled_, [&](const auto& entry) { return !assigned_.contains(entry.first); });
    partition_counts_.clear();
    metrics::group_partitions(group_, assigned_.size());
    log::info("consumer group assignment changed", {{"group", group_}, {"partitions", assigned_.size()}});
  }
  PartitionList unsettled(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (const auto& [tp, _] : assigned_)
    if (!settled_.contains(tp)) rd_kafka_topic_partition_list_add(unsettled.get(), tp.first.c_str(), tp.second);
  if (unsettled->cnt == 0) return;
  if (auto err = rd_kafka_committed(rk_.get(), unsettled.get(), 5000); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::warn("cannot read the committed positions of newly assigned partitions yet",
              {{"group", group_}, {"error", rd_kafka_err2str(err)}});
    return;
  }
  for (int i = 0; i < unsettled->cnt; ++i) {
    const auto& tp = unsettled->elems[i];
    if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR) settled_[{tp.topic, tp.partition}] = tp.offset;
  }
}

bool KafkaSubscription::owns(std::string_view topic, std::string_view key) {
  auto count = partition_counts_.find(topic);
  if (count == partition_counts_.end()) {
    std::string name(topic);
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr);
    if (rkt == nullptr) return false;
    const rd_kafka_metadata_t* raw = nullptr;
    auto err = rd_kafka_metadata(rk_.get(), 0, rkt, &raw, 5000);
    MetadataPtr md(raw);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        md->topics[0].partition_cnt <= 0)
      return false;
    count = partition_counts_.emplace(name, md->topics[0].partition_cnt).first;
  }
  // The producers' partitioner (murmur2_random, as Java's): a key's partition is known here.
  int partition = rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), count->second, nullptr, nullptr);
  return settled_.contains({std::string(topic), partition});
}

// Where the member stands in each partition it owns: its position where it read something, else
// the committed position read when the partition was assigned.
PartitionList KafkaSubscription::current_positions() {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(settled_.size())));
  for (const auto& [tp, _] : settled_) rd_kafka_topic_partition_list_add(list.get(), tp.first.c_str(), tp.second);
  rd_kafka_position(rk_.get(), list.get());
  PartitionList out(rd_kafka_topic_partition_list_new(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    long long offset = tp.offset >= 0 ? tp.offset : settled_.at({tp.topic, tp.partition});
    if (offset >= 0) rd_kafka_topic_partition_list_add(out.get(), tp.topic, tp.partition)->offset = offset;
  }
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
  auto positions = consumed.empty() && own_producer_ ? current_positions() : positions_after(consumed);
  GroupMetadata current;
  const rd_kafka_consumer_group_metadata_t* group = batch_group_.get();
  if (group == nullptr || !own_producer_) {
    current.reset(rd_kafka_consumer_group_metadata(rk_.get()));
    group = current.get();
  }
  auto s = producer_->commit_with(std::move(messages), positions.get(), group);
  if (!s) rewind();
  if (!s && own_producer_ && failure_of(s.error()) == LogFailure::fenced) {
    // Fenced with a transactional id of this instance alone: the broker ended this producer
    // (the group moved on while it was stopped, or its transaction timed out). A new producer
    // under the same id takes over; the consumer rejoins the group on its next poll and reads
    // again from the committed positions. The step is worth retrying, so it is `unavailable`.
    log::warn(
        "the subscription's producer was fenced; starting a new one",
        {{"group", group_}, {"transactional_id", options_.processor_id + "." + group_}, {"error", s.error().detail}});
    producer_ = std::make_shared<TxnProducer>(own_producer_options(options_, group_));
    (void)producer_->start();
    return fail(log_error(LogFailure::unavailable, "the step was refused and will be retried: " + s.error().detail));
  }
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
