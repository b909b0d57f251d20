#pragma once
// A consumer-group subscription on Kafka: read_committed, positions committed only when asked,
// and commit_with() through the EventLog's transactional producer (consume → produce → commit
// in one transaction).
#include <chrono>
#include <memory>
#include <string>
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

 private:
  KafkaSubscription(Handle rk, std::shared_ptr<TxnProducer> producer, std::string group);
  void rewind();
  void report_lag();

  Handle rk_;
  std::shared_ptr<TxnProducer> producer_;
  std::string group_;
  std::chrono::steady_clock::time_point lag_reported_{};
};

}  // namespace concord::events::kafka
