#pragma once
// The EventLog's transactional producer. Every write is one Kafka transaction, run by one
// thread at a time; appends that wait while a transaction runs are grouped into the next one
// (group commit), which keeps each append all-or-nothing and makes concurrent writers cheap.
// The writer's transactions take turns on KafkaOptions::producers librdkafka producers, one per
// transactional id, so that an id's coordinator has written its last commit markers before that
// id begins another transaction (see KafkaOptions::producers).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "concord/events/kafka_log.hpp"
#include "kafka_client.hpp"

namespace concord::events::kafka {

struct OutMessage {
  std::string topic;
  std::string key;
  std::string value;  // the serialized CloudEvent
  std::string type;   // ce_type header
  std::string id;     // ce_id header
};

// Serializes `events` for `topic`/`key`; fails as `rejected` when one is larger than a record
// may be.
Result<std::vector<OutMessage>> to_messages(std::string_view topic, std::string_view key,
                                            const std::vector<Event>& events);

class TxnProducer {
 public:
  explicit TxnProducer(KafkaOptions options);
  ~TxnProducer();
  TxnProducer(const TxnProducer&) = delete;
  TxnProducer& operator=(const TxnProducer&) = delete;

  // Creates the clients and runs init_transactions on each, all bounded by the append timeout.
  // Unless `strict`, a broker out of reach is not an error: the first append retries.
  Status start(bool strict = false);
  // Once no transaction runs: replaces every producer left in an unknown state and runs
  // init_transactions on it, which makes the coordinator finish or abort what it left open, so
  // a replay that follows reads the final outcome of every transaction this producer ran.
  // Fails as `unavailable` when that cannot be confirmed within the append timeout.
  Status settle();
  // Commits `messages` in a transaction, possibly shared with concurrent appends.
  Status append(std::vector<OutMessage> messages);
  // The same, with the positions just past every record of the transaction that carried it.
  Result<Positions> append_at(std::vector<OutMessage> messages);
  // In a transaction of its own: produces `messages`, sends `offsets` for the consumer group
  // described by `group`, commits.
  Status commit_with(std::vector<OutMessage> messages, const rd_kafka_topic_partition_list_t* offsets,
                     const rd_kafka_consumer_group_metadata_t* group);
  bool fenced() const { return fenced_.load(); }

 private:
  struct Request {
    std::vector<OutMessage> messages;
    const rd_kafka_topic_partition_list_t* offsets = nullptr;  // only for commit_with
    const rd_kafka_consumer_group_metadata_t* group = nullptr;
    std::chrono::steady_clock::time_point start, deadline;
    bool done = false;
    Status status;
    Positions positions;  // of the committed transaction that carried it
  };

  using Clock = std::chrono::steady_clock;

  // One transactional id's librdkafka producer.
  struct Producer {
    std::string transactional_id;
    Handle rk;
    bool initialized = false;            // init_transactions succeeded on rk
    bool broken = false;                 // rk is in an unknown transaction state: replace it
    std::set<std::string> known_topics;  // rk has their metadata
  };

  Status submit(Request& request);
  std::vector<Request*> take_batch();  // with mutex_ held
  Status run(const std::vector<Request*>& batch);
  Status transact(Producer& p, const std::vector<Request*>& batch, Clock::time_point deadline);
  Status prepare_all(Clock::time_point deadline);
  Status prepare(Producer& p, Clock::time_point deadline);
  Status produce(Producer& p, const OutMessage& m, Clock::time_point deadline);
  void learn_topic(Producer& p, const std::string& topic, Clock::time_point deadline);
  Status abort(Producer& p, Error cause);
  Error mark_fenced(const Producer& p, std::string reason);
  Error fenced_error();
  Status check_fatal(const Producer& p, const rd_kafka_error_t* err);
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

  KafkaOptions options_;

  // The group-commit queue.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Request*> queue_;
  bool busy_ = false;  // a thread is running a transaction (or settling the producers)

  // Used only by the thread running a transaction.
  std::vector<Producer> producers_;  // in turn: the next transaction runs on producers_[next_]
  size_t next_ = 0;
  std::atomic<bool> fenced_{false};
  std::string fenced_detail_;
  std::atomic<int> delivery_error_{0};  // the first failed delivery of the transaction
  // Delivery reports of the running transaction (its number is each record's opaque, so a late
  // report of an earlier, aborted transaction is ignored): the positions just past its records.
  uintptr_t transaction_number_ = 0;
  Positions transaction_positions_;
};

}  // namespace concord::events::kafka
