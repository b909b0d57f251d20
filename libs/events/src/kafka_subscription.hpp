#pragma once
// A consumer-group subscription on Kafka: read_committed, positions committed only when asked,
// and commit_with() through a transactional producer (consume → produce → commit in one
// transaction): the subscription's own when KafkaOptions::processor_id is set (one per instance
// and group, KIP-447: offsets go with the group metadata of the poll that read the records), the
// EventLog's otherwise.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "concord/events/kafka_log.hpp"
#include "kafka_client.hpp"
#include "kafka_producer.hpp"

namespace concord::events::kafka {

// Polls up to `max` records from a consumer (waiting at most `wait` for the first), skipping
// notices and records that are not CloudEvents; `reader` names the consumer in errors and logs.
Result<std::vector<Record>> consume_batch(rd_kafka_t* rk, const std::string& reader, std::chrono::milliseconds wait,
                                          size_t max);

class KafkaSubscription final : public Subscription {
 public:
  static Result<std::unique_ptr<Subscription>> open(const KafkaOptions& options, std::shared_ptr<TxnProducer> producer,
                                                    const std::vector<std::string>& topics, const std::string& group);
  ~KafkaSubscription() override;

  Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) override;
  Status commit(const std::vector<Record>& consumed) override;
  Status commit_with(const std::vector<Output>& outputs, const std::vector<Record>& consumed) override;
  bool owns(std::string_view topic, std::string_view key) override;

  // How many rebalances the member has taken (its rebalance callback, run inside its polls).
  struct Rebalances {
    long long taken = 0;
  };

 private:
  KafkaSubscription(KafkaOptions options, std::unique_ptr<Rebalances> rebalances, Handle rk,
                    std::shared_ptr<TxnProducer> producer, bool own_producer, std::string group);
  void rewind();
  void report_lag();
  void settle_assignment();
  PartitionList current_positions();

  KafkaOptions options_;
  std::unique_ptr<Rebalances> rebalances_;  // the client's opaque: it outlives rk_
  Handle rk_;
  std::shared_ptr<TxnProducer> producer_;
  bool own_producer_ = false;  // this subscription's own (per instance): replaced when fenced
  std::string group_;
  GroupMetadata batch_group_;  // the group metadata the last batch was read under
  // The assignment, with the committed position of each partition once it was read (nullopt
  // until then); partition counts of the subscribed topics, for owns().
  std::map<std::pair<std::string, int>, long long> settled_;
  std::map<std::pair<std::string, int>, bool> assigned_;
  std::map<std::string, int, std::less<>> partition_counts_;
  std::chrono::steady_clock::time_point lag_reported_{};
};

}  // namespace concord::events::kafka
