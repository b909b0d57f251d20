#pragma once
// Reads one topic from the beginning to its end as of the call, committed records only.
// `admin` is a read_uncommitted client used to see where each partition really ends.
#include <functional>
#include <map>
#include <string>

#include "concord/events/kafka_log.hpp"
#include "kafka_client.hpp"

namespace concord::events::kafka {

// `from`: partition → the first offset to read; partitions it does not name from the beginning.
Status replay_topic(const KafkaOptions& options, rd_kafka_t* admin, const std::string& topic,
                    const std::map<int, long long>& from, const std::function<Status(const Record&)>& visit);

}  // namespace concord::events::kafka
