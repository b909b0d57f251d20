#include "kafka_fencing.hpp"

#include "concord/core/log.hpp"
#include "kafka_client.hpp"
#include "kafka_producer.hpp"

namespace concord::events::kafka {

std::optional<std::vector<std::string>> group_members(rd_kafka_t* rk, const std::string& group,
                                                      std::chrono::milliseconds timeout) {
  char errstr[256];
  AdminOptionsPtr opts(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS));
  auto ms = static_cast<int>(timeout.count());
  rd_kafka_AdminOptions_set_request_timeout(opts.get(), ms, errstr, sizeof errstr);
  QueuePtr queue(rd_kafka_queue_new(rk));
  const char* groups[] = {group.c_str()};
  rd_kafka_DescribeConsumerGroups(rk, groups, 1, opts.get(), queue.get());
  EventPtr result(rd_kafka_queue_poll(queue.get(), ms + 1000));
  if (!result || rd_kafka_event_error(result.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::warn("cannot describe the consumer group",
              {{"group", group}, {"error", result ? rd_kafka_event_error_string(result.get()) : "no answer"}});
    return std::nullopt;
  }
  size_t count = 0;
  const auto** described =
      rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(result.get()), &count);
  if (count != 1 || rd_kafka_ConsumerGroupDescription_error(described[0]) != nullptr) {
    log::warn("cannot describe the consumer group",
              {{"group", group},
               {"error", count == 1 ? rd_kafka_error_string(rd_kafka_ConsumerGroupDescription_error(described[0]))
                                    : "no description"}});
    return std::nullopt;
  }
  std::vector<std::string> members;
  for (size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(described[0]); ++i) {
    const char* id = rd_kafka_MemberDescription_client_id(rd_kafka_ConsumerGroupDescription_member(described[0], i));
    members.emplace_back(id != nullptr ? id : "");
  }
  return members;
}

Status fence_transactional_id(const KafkaOptions& options) {
  TxnProducer fencing(options);
  return fencing.start(/*strict=*/true);
}

}  // namespace concord::events::kafka
