#pragma once
// The EventLog's one transactional producer. Every write is one Kafka transaction, run by one
// thread at a time; appends that wait while a transaction runs are grouped into the next one
// (group commit), which keeps each append all-or-nothing and makes concurrent writers cheap.
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

  // Creates the client and runs init_transactions, both bounded by the append timeout. Unless
  // `strict`, a broker out of reach is not an error: the first append retries.
  Status start(bool strict = false);
  // Commits `messages` in a transaction, possibly shared with concurrent appends.
  Status append(std::vector<OutMessage> messages);
  // The same, with the positions just past every record of the transaction that carried it.
  Result<Positions> append_at(std::vector<OutMessage> messages);
  // In a transaction of its own: produces `messages`, sends `offsets` for the consumer group
  // described by `group`, commits.
  Status commit_with(std::vector<OutMessage> messages, const rd_kafka_topic_partition_list_t* offsets,
                     const rd_kafka_consumer_group_metadata_t* group);
  bool fenced() const { return fenced_.load(); }
  // When the next transaction begins: the current gap (transaction_gap.hpp) after the last one
  // ended.
  std::chrono::steady_clock::time_point next_transaction_at() const;

 private:
  std::chrono::microseconds gap() const { return std::chrono::microseconds(gap_us_.load()); }
  struct Request {
    std::vector<OutMessage> messages;
    const rd_kafka_topic_partition_list_t* offsets = nullptr;  // only for commit_with
    const rd_kafka_consumer_group_metadata_t* group = nullptr;
    std::chrono::steady_clock::time_point start, deadline;
    bool done = false;
    Status status;
    Positions positions;  // of the committed transaction that carried it
  };

  Status submit(Request& request);
  void adapt_gap(std::chrono::steady_clock::duration acks);
  std::vector<Request*> take_batch();  // with mutex_ held
  Status run(const std::vector<Request*>& batch);
  Status transact(const std::vector<Request*>& batch, std::chrono::steady_clock::time_point deadline);
  Status prepare(std::chrono::steady_clock::time_point deadline);
  Status produce(const OutMessage& m, std::chrono::steady_clock::time_point deadline);
  void learn_topic(const std::string& topic, std::chrono::steady_clock::time_point deadline);
  Status abort(Error cause);
  Error mark_fenced(std::string reason);
  Error fenced_error();
  Status check_fatal(const rd_kafka_error_t* err);
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

  KafkaOptions options_;

  // The group-commit queue.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Request*> queue_;
  bool busy_ = false;                                        // a thread is running a transaction
  std::atomic<std::chrono::steady_clock::rep> ended_at_{0};  // when the last transaction ended
  std::atomic<long long> gap_us_{0};                         // from that end to the next begin

  // Used only by the thread running a transaction.
  Handle rk_;
  bool initialized_ = false;                    // init_transactions succeeded on rk_
  bool broken_ = false;                         // rk_ is in an unknown transaction state: replace it
  std::chrono::steady_clock::duration acks_{};  // the last transaction's wait for its records' acks
  std::set<std::string> known_topics_;          // rk_ has their metadata
  std::atomic<bool> fenced_{false};
  std::string fenced_detail_;
  std::atomic<int> delivery_error_{0};  // the first failed delivery of the transaction
  // Delivery reports of the running transaction (its number is each record's opaque, so a late
  // report of an earlier, aborted transaction is ignored): the positions just past its records.
  uintptr_t transaction_number_ = 0;
  Positions transaction_positions_;
};

}  // namespace concord::events::kafka
