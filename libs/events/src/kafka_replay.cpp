#include "kafka_replay.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "kafka_metrics.hpp"

namespace concord::events::kafka {
namespace {

using Clock = std::chrono::steady_clock;

Settings replay_settings(const KafkaOptions& o) {
  Settings settings{
      {"bootstrap.servers", o.brokers},
      {"client.id", (o.client_id.empty() ? o.transactional_id : o.client_id) + "-replay"},
      // A group id is required by the consumer even with assign(); a fresh one joins nothing
      // and commits nothing, so it leaves no trace on the broker.
      {"group.id", "concord-replay-" + new_uuid_v7()},
      {"isolation.level", "read_committed"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  // Security and site settings (SASL, TLS) from the deployment, applied to every client.
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

// Closes the consumer before it is destroyed, as librdkafka requires.
struct ClosingConsumer {
  Handle rk;
  ~ClosingConsumer() {
    if (rk) rd_kafka_consumer_close(rk.get());
  }
};

bool is_fatal_for_replay(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__FATAL:
      return true;
    default:
      return false;
  }
}

// The partition count of `topic`, 0 when it does not exist; retried until `deadline` while the
// cluster is unreachable or the topic has no leader yet.
Result<int> partition_count(rd_kafka_t* rk, const std::string& topic, Clock::time_point deadline) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR__TIMED_OUT;
  while (remaining_ms(deadline) > 0) {
    const rd_kafka_metadata_t* raw = nullptr;
    last = rd_kafka_metadata(rk, 0, rkt, &raw, std::min(remaining_ms(deadline), 5000));
    MetadataPtr md(raw);
    if (last == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
      const auto& t = md->topics[0];
      last = t.err;
      if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        rd_kafka_topic_destroy(rkt);
        return 0;
      }
      bool leaders = t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0;
      for (int i = 0; i < t.partition_cnt; ++i) leaders = leaders && t.partitions[i].leader >= 0;
      if (leaders) {
        rd_kafka_topic_destroy(rkt);
        return t.partition_cnt;
      }
    }
    rd_kafka_poll(rk, 100);
  }
  rd_kafka_topic_destroy(rkt);
  return fail(unavailable("cannot read the metadata of " + topic, last));
}

// The end of each partition as of now, as offsets to stop at. Under read_committed the broker
// reports the last stable offset (LSO) as the end: the first offset of a transaction that is
// not finished. A transaction whose commit was acknowledged but whose markers the coordinator
// is still writing also holds the LSO back (for a few milliseconds after commit_transaction()
// returns): wait, bounded by `settle`, for the LSO to reach the high watermark, so that an
// append that returned before the call is in the replay.
Result<std::map<int, std::pair<long long, long long>>> end_offsets(rd_kafka_t* reader, rd_kafka_t* admin,
                                                                   const std::string& topic, int partitions,
                                                                   std::chrono::milliseconds timeout,
                                                                   std::chrono::milliseconds settle) {
  std::map<int, std::pair<long long, long long>> ends;  // partition → (low, end)
  auto settle_until = Clock::now() + settle;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0, stable_low = 0, stable = 0;
    auto err = query_watermarks(admin, topic, p, &low, &high, Clock::now() + timeout);
    for (;;) {
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) break;
      err = query_watermarks(reader, topic, p, &stable_low, &stable, Clock::now() + timeout);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR || stable >= high || Clock::now() >= settle_until) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return fail(unavailable("cannot read the end offsets of " + topic, err));
    long long end = std::min<long long>(stable, high);  // what came after the call is not ours to read
    if (end < high) {
      log::warn("Kafka replay: an open transaction holds back the end of a partition",
                {{"topic", topic}, {"partition", p}, {"stable", stable}, {"high", high}});
    }
    if (end > low) ends[p] = {low, end};
  }
  return ends;
}

}  // namespace

Status replay_topic(const KafkaOptions& options, rd_kafka_t* admin, const std::string& topic,
                    const std::map<int, long long>& from, const std::function<Status(const Record&)>& visit) {
  auto client = make_client(RD_KAFKA_CONSUMER, replay_settings(options));
  if (!client) return fail(client.error());
  ClosingConsumer consumer{std::move(*client)};
  rd_kafka_t* rk = consumer.rk.get();

  auto stall = options.replay_stall_timeout;
  auto partitions = partition_count(rk, topic, Clock::now() + stall);
  if (!partitions) return fail(partitions.error());
  auto ends = end_offsets(rk, admin, topic, *partitions, stall, options.append_timeout + options.abort_grace);
  if (!ends) return fail(ends.error());
  std::map<int, long long> end;
  PartitionList assignment(rd_kafka_topic_partition_list_new(static_cast<int>(ends->size())));
  for (const auto& [p, range] : *ends) {
    long long start = range.first;
    if (auto f = from.find(p); f != from.end()) start = std::max(start, f->second);
    if (start >= range.second) continue;  // nothing past `from` in this partition
    end[p] = range.second;
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset = start;
  }
  if (end.empty()) return {};
  if (auto err = rd_kafka_assign(rk, assignment.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(unavailable("cannot assign the partitions of " + topic, err));
  }

  // A partition is done at EOF, or once its position reaches its end offset: the last records
  // before the end may be transaction markers or aborted records, which are never delivered.
  size_t delivered = 0;
  auto progress = Clock::now();
  while (!end.empty()) {
    MessagePtr m(rd_kafka_consumer_poll(rk, 100));
    if (!m) {
      PartitionList positions(rd_kafka_topic_partition_list_new(static_cast<int>(end.size())));
      for (const auto& [p, e] : end) rd_kafka_topic_partition_list_add(positions.get(), topic.c_str(), p);
      rd_kafka_position(rk, positions.get());
      for (int i = 0; i < positions->cnt; ++i) {
        const auto& tp = positions->elems[i];
        if (tp.offset >= 0 && tp.offset >= end[tp.partition]) {
          end.erase(tp.partition);
          progress = Clock::now();
        }
      }
      if (Clock::now() - progress > stall) {
        metrics::replayed(topic, delivered);
        return fail(log_error(LogFailure::unavailable, "the replay of " + topic + " made no progress for " +
                                                           std::to_string(stall.count()) + " ms"));
      }
      continue;
    }
    auto it = end.find(m->partition);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (it != end.end() && m->offset >= it->second) end.erase(it);
      progress = Clock::now();
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (is_fatal_for_replay(m->err)) {
        metrics::replayed(topic, delivered);
        return fail(unavailable("the replay of " + topic + " failed", m->err));
      }
      log::debug("Kafka replay: transient error", {{"topic", topic}, {"error", rd_kafka_err2str(m->err)}});
      continue;
    }
    progress = Clock::now();
    if (it == end.end()) continue;  // a partition already done
    if (m->offset >= it->second) {  // past the end taken at the call
      end.erase(it);
      continue;
    }
    std::string_view value(static_cast<const char*>(m->payload), m->len);
    auto event = parse_event(value);
    if (!event) {
      metrics::replayed(topic, delivered);
      return fail(Error::internal("event at " + topic + "/" + std::to_string(m->partition) + "@" +
                                  std::to_string(m->offset) + " does not parse: " + event.error().detail));
    }
    Record record{topic, m->partition, m->offset,
                  m->key ? std::string(static_cast<const char*>(m->key), m->key_len) : std::string(),
                  std::move(*event)};
    if (m->offset + 1 >= it->second) end.erase(it);
    ++delivered;
    if (auto s = visit(record); !s) {
      metrics::replayed(topic, delivered);
      return s;
    }
  }
  metrics::replayed(topic, delivered);
  return {};
}

}  // namespace concord::events::kafka
