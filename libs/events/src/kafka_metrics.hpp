#pragma once
// The Kafka event log's series in the process's metrics registry (served on /metrics).
#include <cstddef>
#include <string>

namespace concord::events::kafka::metrics {

void produced(const std::string& topic, size_t n);
void consumed(const std::string& topic, size_t n);
void replayed(const std::string& topic, size_t n);
void append_latency(const std::string& topic, double seconds);
void transaction(bool committed);
// One step of a transaction (begin, produce, acks, commit), or the gap before it.
void transaction_step(const char* step, double seconds);
void consumer_lag(const std::string& group, const std::string& topic, long long lag);
// The partitions of a consumer group's topics assigned to this member.
void group_partitions(const std::string& group, size_t n);

}  // namespace concord::events::kafka::metrics
