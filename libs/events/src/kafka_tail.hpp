#pragma once
// A Tail on Kafka: a consumer that assigns itself every partition of its topics (no group
// membership, no commits), so a killed process leaves no member behind for its successor to
// wait out. Partitions appearing later (a topic created after the start) are added as found.
#include <memory>
#include <string>
#include <vector>

#include "concord/events/kafka_log.hpp"

namespace concord::events::kafka {

Result<std::unique_ptr<Tail>> open_tail(const KafkaOptions& options, const std::vector<std::string>& topics,
                                        const Positions& from);

}  // namespace concord::events::kafka
