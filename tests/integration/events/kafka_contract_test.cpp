// The EventLog behavioural contract, against a real Kafka broker.
#include "event_log_contract.hpp"
#include "kafka_test_support.hpp"

namespace concord::events {
namespace {

using testing::EventLogContract;
using testing::EventLogContractParam;

std::unique_ptr<EventLog> open_kafka() {
  auto o = kafka_test::options(kafka_test::unique("contract-writer"));
  if (o.brokers.empty()) return nullptr;  // brokers() has recorded why
  auto log = open_kafka_log(o);
  EXPECT_TRUE(log) << (log ? "" : log.error().detail);
  return log ? std::move(*log) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(kafka, EventLogContract,
                         ::testing::Values(EventLogContractParam{.name = "kafka", .open = open_kafka}),
                         testing::contract_param_name);

}  // namespace
}  // namespace concord::events
