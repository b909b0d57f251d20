#pragma once
// Reads one topic from the beginning to its end as of the call, committed records only.
// `admin` is a read_uncommitted client used to see where each partition really ends.
#include <functional>
#include <string>

#include "concord/events/kafka_log.hpp"
#include "kafka_client.hpp"

namespace concord::events::kafka {

Status replay_topic(const KafkaOptions& options, rd_kafka_t* admin, const std::string& topic,
                    const std::function<Status(const Record&)>& visit);

}  // namespace concord::events::kafka
