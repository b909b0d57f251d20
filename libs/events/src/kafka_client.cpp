#include "kafka_client.hpp"

#include "topic_names.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "concord/core/log.hpp"

namespace concord::events::kafka {
namespace {

// librdkafka logs with syslog levels from its own threads; Concord's log is thread-safe.
void log_to_concord(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  nlohmann::json fields = {{"client", rd_kafka_name(rk)}, {"facility", facility}};
  std::string text = std::string("librdkafka: ") + message;
  if (level <= 3) {
    log::error(text, fields);
  } else if (level == 4) {
    log::warn(text, fields);
  } else if (level <= 6) {
    log::info(text, fields);
  } else {
    log::debug(text, fields);
  }
}

}  // namespace

Result<Handle> make_client(rd_kafka_type_t type, const Settings& settings, void* opaque,
                           void (*dr_msg_cb)(rd_kafka_t*, const rd_kafka_message_t*, void*),
                           RebalanceCallback rebalance_cb) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [name, value] : settings) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return fail(Error::internal("Kafka client setting " + name + "=" + value + ": " + errstr));
    }
  }
  rd_kafka_conf_set_log_cb(conf, log_to_concord);
  if (opaque != nullptr) rd_kafka_conf_set_opaque(conf, opaque);
  if (dr_msg_cb != nullptr) rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
  if (rebalance_cb != nullptr) rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes the configuration only on success
    return fail(Error::internal(std::string("cannot create a Kafka client: ") + errstr));
  }
  return Handle(rk);
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

Error unavailable(std::string_view what, rd_kafka_resp_err_t err) {
  return log_error(LogFailure::unavailable, std::string(what) + ": " + rd_kafka_err2str(err));
}

Error unavailable(std::string_view what, const rd_kafka_error_t* err) {
  return log_error(LogFailure::unavailable, std::string(what) + ": " + rd_kafka_error_string(err));
}

bool is_rejection(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
      return true;
    default:
      return false;
  }
}

namespace {

void refresh_metadata(rd_kafka_t* rk, const std::string& topic, std::chrono::steady_clock::time_point deadline) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rkt == nullptr) return;
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_metadata(rk, 0, rkt, &raw, std::clamp(remaining_ms(deadline), 1, 2000));
  MetadataPtr md(raw);
  rd_kafka_topic_destroy(rkt);
}

}  // namespace

rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic, int partition, int64_t* low,
                                     int64_t* high, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int left = remaining_ms(deadline);
    auto err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, low, high, std::max(left, 1));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || remaining_ms(deadline) <= 0) return err;
    switch (err) {
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        // The client's metadata cache may hold an answer from before the topic was served, and
        // would keep it for minutes: ask the broker again.
        refresh_metadata(rk, topic, deadline);
        continue;
      case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
      case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
      case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
      case RD_KAFKA_RESP_ERR__TRANSPORT:
      case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      default:
        return err;
    }
  }
}

Status check_topic_name(std::string_view topic) {
  if (detail::valid_topic_name(topic)) return {};
  return fail(log_error(LogFailure::rejected, "\"" + std::string(topic) + "\" is not a valid Kafka topic name"));
}

PartitionList positions_after(const std::vector<Record>& records) {
  std::map<std::pair<std::string, int>, long long> next;
  for (const auto& r : records) {
    auto& n = next[{r.topic, r.partition}];
    n = std::max(n, r.offset + 1);
  }
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
  for (const auto& [tp, offset] : next) {
    rd_kafka_topic_partition_list_add(list.get(), tp.first.c_str(), tp.second)->offset = offset;
  }
  return list;
}

}  // namespace concord::events::kafka
