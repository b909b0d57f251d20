#pragma once
// Private to the Kafka event log: owning handles for librdkafka objects, client creation and
// the mapping of librdkafka errors to Concord's.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"

namespace concord::events::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct GroupMetadataDeleter {
  void operator()(rd_kafka_consumer_group_metadata_t* m) const { rd_kafka_consumer_group_metadata_destroy(m); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};

using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using GroupMetadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, GroupMetadataDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;

using Settings = std::vector<std::pair<std::string, std::string>>;

// A configured client; librdkafka's own log lines go to Concord's log. `opaque` is handed to
// the callbacks (the producer's delivery reports, a consumer's rebalances); either may be null.
using RebalanceCallback = void (*)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*, void*);
Result<Handle> make_client(rd_kafka_type_t type, const Settings& settings, void* opaque = nullptr,
                           void (*dr_msg_cb)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr,
                           RebalanceCallback rebalance_cb = nullptr);

// Milliseconds left until `deadline`, never negative, for librdkafka's int timeouts.
int remaining_ms(std::chrono::steady_clock::time_point deadline);

// A failure of the transport or of a request: `unavailable`, worth retrying later.
Error unavailable(std::string_view what, rd_kafka_resp_err_t err);
Error unavailable(std::string_view what, const rd_kafka_error_t* err);
// Whether a delivery or produce error means the data itself was refused (too large, invalid),
// as opposed to the broker being out of reach.
bool is_rejection(rd_kafka_resp_err_t err);

// rd_kafka_query_watermark_offsets, retried until `deadline` while the partition has no ready
// leader (as just after the topic was created) or the broker cannot be reached.
rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic, int partition, int64_t* low,
                                     int64_t* high, std::chrono::steady_clock::time_point deadline);

// Kafka's rule for topic names: 1 to 249 of [a-zA-Z0-9._-], and neither "." nor "..".
Status check_topic_name(std::string_view topic);

// The highest offset + 1 per partition of `records`: the positions to commit after them.
PartitionList positions_after(const std::vector<Record>& records);

}  // namespace concord::events::kafka
