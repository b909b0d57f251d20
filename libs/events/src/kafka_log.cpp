#include "concord/events/kafka_log.hpp"

#include <algorithm>
#include <iterator>
#include <mutex>

#include "concord/core/log.hpp"
#include "kafka_client.hpp"
#include "kafka_producer.hpp"
#include "kafka_replay.hpp"
#include "kafka_subscription.hpp"
#include "kafka_tail.hpp"

namespace concord::events {
namespace {

using namespace kafka;

Settings admin_settings(const KafkaOptions& o) {
  Settings settings{
      {"bootstrap.servers", o.brokers},
      {"client.id", (o.client_id.empty() ? o.transactional_id : o.client_id) + "-admin"},
      // Its watermark queries see the true end of a partition, open transactions included.
      {"isolation.level", "read_uncommitted"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  // Security and site settings (SASL, TLS) from the deployment, applied to every client.
  settings.insert(settings.end(), o.client_settings.begin(), o.client_settings.end());
  return settings;
}

class KafkaEventLog final : public EventLog {
 public:
  KafkaEventLog(KafkaOptions options, Handle admin, std::shared_ptr<TxnProducer> producer)
      : options_(std::move(options)), admin_(std::move(admin)), producer_(std::move(producer)) {}

  Status ensure_topics(const std::vector<TopicSpec>& topics) override;

  Status append_all(const std::vector<Append>& appends) override {
    std::vector<OutMessage> all;
    for (const auto& a : appends) {
      if (auto s = check_topic_name(a.topic); !s) return s;
      auto messages = to_messages(a.topic, a.key, a.events);
      if (!messages) return fail(messages.error());
      std::move(messages->begin(), messages->end(), std::back_inserter(all));
    }
    if (all.empty()) return {};
    auto producer = current_producer();
    if (!producer) return fail(log_error(LogFailure::fenced, "this replica is not the writer of its service"));
    return producer->append(std::move(all));
  }

  Result<Positions> append_all_at(const std::vector<Append>& appends) override {
    std::vector<OutMessage> all;
    for (const auto& a : appends) {
      if (auto s = check_topic_name(a.topic); !s) return fail(s.error());
      auto messages = to_messages(a.topic, a.key, a.events);
      if (!messages) return fail(messages.error());
      std::move(messages->begin(), messages->end(), std::back_inserter(all));
    }
    if (all.empty()) return Positions{};
    auto producer = current_producer();
    if (!producer) return fail(log_error(LogFailure::fenced, "this replica is not the writer of its service"));
    return producer->append_at(std::move(all));
  }

  Status replay(std::string_view topic, const std::function<Status(const Record&)>& visit) override {
    if (auto s = check_topic_name(topic); !s) return s;
    return replay_topic(options_, admin_.get(), std::string(topic), {}, visit);
  }
  Status replay_from(std::string_view topic, const std::map<int, long long>& from,
                     const std::function<Status(const Record&)>& visit) override {
    if (auto s = check_topic_name(topic); !s) return s;
    return replay_topic(options_, admin_.get(), std::string(topic), from, visit);
  }

  Result<std::unique_ptr<Subscription>> subscribe(const std::vector<std::string>& topics,
                                                  const std::string& group) override {
    auto producer = current_producer();
    // commit_with appends through a transactional producer: the subscription's own when this
    // instance has a processor id (every replica processes; the group generation fences a
    // zombie), else the writer's, which only the writer holds.
    if (!producer && options_.processor_id.empty())
      return fail(log_error(LogFailure::unavailable, "this replica is not the writer of its service"));
    return KafkaSubscription::open(options_, std::move(producer), topics, group);
  }

  Result<std::unique_ptr<Tail>> tail(const std::vector<std::string>& topics, const Positions& from) override {
    return open_tail(options_, topics, from);
  }

  bool healthy() override {
    if (auto producer = current_producer(); producer && producer->fenced()) return false;
    const rd_kafka_metadata_t* raw = nullptr;
    auto err = rd_kafka_metadata(admin_.get(), 0, nullptr, &raw, 2000);
    MetadataPtr md(raw);
    return err == RD_KAFKA_RESP_ERR_NO_ERROR && md->broker_cnt > 0;
  }

  Status acquire_writer() override {
    std::lock_guard lock(writer_mutex_);
    if (producer_ && !producer_->fenced()) return {};
    auto producer = std::make_shared<TxnProducer>(options_);
    if (auto s = producer->start(/*strict=*/true); !s) return s;
    producer_ = std::move(producer);
    log::info("took the writer's role", {{"transactional_id", options_.transactional_id}});
    return {};
  }

  void release_writer() override {
    std::shared_ptr<TxnProducer> dropped;
    {
      std::lock_guard lock(writer_mutex_);
      dropped = std::move(producer_);
    }
    // Appends in flight keep their reference; the producer goes with the last of them.
    if (dropped) log::info("gave up the writer's role", {{"transactional_id", options_.transactional_id}});
  }

  std::chrono::steady_clock::time_point append_ready_at() override {
    auto producer = current_producer();
    return producer ? producer->next_transaction_at() : std::chrono::steady_clock::time_point{};
  }

  bool writing() override {
    auto producer = current_producer();
    return producer && !producer->fenced();
  }

 private:
  std::shared_ptr<TxnProducer> current_producer() {
    std::lock_guard lock(writer_mutex_);
    return producer_;
  }

  KafkaOptions options_;
  Handle admin_;
  std::mutex writer_mutex_;
  std::shared_ptr<TxnProducer> producer_;  // null while this replica is not the writer
};

struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};
struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};

bool is_refusal(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICA_ASSIGNMENT:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return true;
    default:
      return false;
  }
}

// CreateTopics for all of them at once; topics that exist already are left as they are.
Status KafkaEventLog::ensure_topics(const std::vector<TopicSpec>& topics) {
  if (topics.empty()) return {};
  std::vector<std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const auto& spec : topics) {
    if (auto s = check_topic_name(spec.name); !s) return s;
    int partitions = spec.partitions > 0 ? spec.partitions : options_.default_partitions;
    int replication = std::max(spec.replication_factor, options_.replication_factor);
    char errstr[256];
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(spec.name.c_str(), partitions, replication, errstr, sizeof errstr);
    if (t == nullptr) return fail(log_error(LogFailure::rejected, "topic " + spec.name + ": " + errstr));
    owned.emplace_back(t);
    raw.push_back(t);
    // The log is the system of record: keep every event forever, never compact.
    rd_kafka_NewTopic_set_config(t, "retention.ms", "-1");
    rd_kafka_NewTopic_set_config(t, "cleanup.policy", "delete");
  }
  char errstr[256];
  std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter> opts(
      rd_kafka_AdminOptions_new(admin_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  auto timeout = static_cast<int>(options_.append_timeout.count());
  rd_kafka_AdminOptions_set_request_timeout(opts.get(), timeout, errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_operation_timeout(opts.get(), timeout, errstr, sizeof errstr);
  QueuePtr queue(rd_kafka_queue_new(admin_.get()));
  rd_kafka_CreateTopics(admin_.get(), raw.data(), raw.size(), opts.get(), queue.get());
  EventPtr result(rd_kafka_queue_poll(queue.get(), timeout + 2000));
  if (!result) return fail(log_error(LogFailure::unavailable, "Kafka did not answer the creation of topics"));
  if (auto err = rd_kafka_event_error(result.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(unavailable("cannot create topics", err));
  }
  size_t n = 0;
  std::vector<std::string> created;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(result.get()), &n);
  for (size_t i = 0; i < n; ++i) {
    auto err = rd_kafka_topic_result_error(results[i]);
    std::string name = rd_kafka_topic_result_name(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      log::info("created Kafka topic", {{"topic", name}});
      created.push_back(name);
      continue;
    }
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    const char* why = rd_kafka_topic_result_error_string(results[i]);
    std::string detail = "cannot create topic " + name + ": " + (why != nullptr ? why : rd_kafka_err2str(err));
    return fail(log_error(is_refusal(err) ? LogFailure::rejected : LogFailure::unavailable, detail));
  }
  // Created on the controller is not yet served by a leader: wait until every new partition
  // answers, so that what comes next (an append, a replay) does not trip over it.
  auto deadline = std::chrono::steady_clock::now() + options_.append_timeout;
  for (const auto& name : created) {
    auto spec = std::find_if(topics.begin(), topics.end(), [&](const TopicSpec& t) { return t.name == name; });
    int partitions = spec != topics.end() && spec->partitions > 0 ? spec->partitions : options_.default_partitions;
    for (int p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      if (auto err = query_watermarks(admin_.get(), name, p, &low, &high, deadline);
          err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return fail(unavailable("topic " + name + " was created but is not served yet", err));
      }
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<EventLog>> open_kafka_log(KafkaOptions options) {
  if (options.brokers.empty()) return fail(Error::internal("Kafka event log: no brokers given"));
  if (options.transactional_id.empty()) return fail(Error::internal("Kafka event log: no transactional id given"));
  if (options.append_timeout < std::chrono::milliseconds(1000)) {
    return fail(Error::internal("Kafka event log: append_timeout below 1 s"));
  }
  auto admin = make_client(RD_KAFKA_CONSUMER, admin_settings(options));
  if (!admin) return fail(admin.error());
  std::shared_ptr<TxnProducer> producer;
  if (options.writer_on_open) {
    producer = std::make_shared<TxnProducer>(options);
    if (auto s = producer->start(); !s) return fail(s.error());
  }
  return std::unique_ptr<EventLog>(new KafkaEventLog(std::move(options), std::move(*admin), std::move(producer)));
}

}  // namespace concord::events
