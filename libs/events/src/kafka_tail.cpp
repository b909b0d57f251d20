#include "kafka_tail.hpp"

#include <set>

#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "kafka_client.hpp"
#include "kafka_subscription.hpp"
#include "topic_names.hpp"

namespace concord::events::kafka {
namespace {

using Clock = std::chrono::steady_clock;

// How often the partitions of the topics are looked up again: often while some topic has none
// yet (the service that owns it has not started), rarely once all are there.
constexpr auto kLookupWhileMissing = std::chrono::seconds(2);
constexpr auto kLookupWhenComplete = std::chrono::seconds(60);

Settings tail_settings(const KafkaOptions& o) {
  Settings settings{
      {"bootstrap.servers", o.brokers},
      {"client.id", (o.client_id.empty() ? o.transactional_id : o.client_id) + "-tail"},
      // librdkafka wants a group id even with assign(); one that is never joined and never
      // committed to leaves nothing on the broker.
      {"group.id", "concord-tail-" + new_uuid_v7()},
      {"isolation.level", "read_committed"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      // A partition assigned while its topic was new (the owning service starting beside this
      // one) may wait for the client's next metadata refresh to find its leader: the default
      // five minutes left a follower blind that long on a fresh broker.
      {"topic.metadata.refresh.interval.ms", "5000"},
      // How long the broker may hold a fetch that finds nothing new to read (librdkafka's
      // default: 500 ms): what a follower reads is how soon other replicas' inboxes show a
      // notification, so a commit made while a fetch waits should not wait that long to be read.
      // The cost is an idle topic's fetch ten times a second.
      {"fetch.wait.max.ms", "100"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

class KafkaTail final : public Tail {
 public:
  KafkaTail(Handle rk, std::vector<std::string> topics, Positions from)
      : rk_(std::move(rk)), topics_(std::move(topics)), next_(std::move(from)) {}
  ~KafkaTail() override { rd_kafka_consumer_close(rk_.get()); }

  Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) override {
    if (Clock::now() >= next_lookup_) look_up_partitions();
    auto records = consume_batch(rk_.get(), "tail", wait, max);
    if (records) {
      for (const auto& r : *records) advance(next_, r);
    }
    return records;
  }

 private:
  // Adds the partitions not assigned yet. The whole assignment is replaced, each partition
  // starting where this tail stands, so nothing already read comes again and nothing is skipped.
  void look_up_partitions() {
    bool missing = false;
    bool grew = false;
    for (const auto& topic : topics_) {
      int count = partition_count(topic);
      if (count <= 0) {
        missing = true;
        continue;
      }
      for (int p = 0; p < count; ++p) grew = assigned_.insert({topic, p}).second || grew;
    }
    next_lookup_ = Clock::now() + (missing ? kLookupWhileMissing : kLookupWhenComplete);
    if (!grew) return;
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
    for (const auto& [topic, p] : assigned_) {
      auto* tp = rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
      tp->offset = RD_KAFKA_OFFSET_BEGINNING;
      if (auto t = next_.find(topic); t != next_.end()) {
        if (auto at = t->second.find(p); at != t->second.end()) tp->offset = at->second;
      }
    }
    if (auto err = rd_kafka_assign(rk_.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      log::warn("Kafka tail: cannot assign partitions; will retry", {{"error", rd_kafka_err2str(err)}});
      assigned_.clear();
      next_lookup_ = Clock::now() + kLookupWhileMissing;
    }
  }

  // The number of partitions of `topic`; 0 when it does not exist, -1 when unknown now.
  int partition_count(const std::string& topic) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
    const rd_kafka_metadata_t* raw = nullptr;
    auto err = rd_kafka_metadata(rk_.get(), 0, rkt, &raw, 2000);
    MetadataPtr md(raw);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1) return -1;
    if (md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    return md->topics[0].partition_cnt;
  }

  Handle rk_;
  std::vector<std::string> topics_;
  Positions next_;
  std::set<std::pair<std::string, int>> assigned_;
  Clock::time_point next_lookup_{};
};

}  // namespace

Result<std::unique_ptr<Tail>> open_tail(const KafkaOptions& options, const std::vector<std::string>& topics,
                                        const Positions& from) {
  if (auto s = detail::check_topic_list(topics); !s) return fail(s.error());
  auto client = make_client(RD_KAFKA_CONSUMER, tail_settings(options));
  if (!client) return fail(client.error());
  rd_kafka_poll_set_consumer(client->get());
  return std::unique_ptr<Tail>(new KafkaTail(std::move(*client), topics, from));
}

}  // namespace concord::events::kafka
