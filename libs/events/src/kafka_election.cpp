// The writer election on a Kafka consumer group: see concord/events/writer_election.hpp.
#include <algorithm>
#include <atomic>
#include <string_view>

#include "concord/core/log.hpp"
#include "concord/events/writer_election.hpp"
#include "kafka_client.hpp"

namespace concord::events {
namespace {

using namespace kafka;

class KafkaWriterElection final : public WriterElection {
 public:
  explicit KafkaWriterElection(ElectionOptions options) : options_(std::move(options)) {}
  ~KafkaWriterElection() override { leave(); }

  Status join() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    auto session = options_.session_timeout.count();
    Settings settings{
        {"bootstrap.servers", options_.brokers},
        {"client.id", options_.member},
        {"group.id", options_.group},
        {"session.timeout.ms", std::to_string(session)},
        {"heartbeat.interval.ms", std::to_string(std::max<long long>(100, session / 3))},
        // Joins and leaves of other replicas leave partition 0 where it is.
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "latest"},
        {"reconnect.backoff.ms", "100"},
        {"reconnect.backoff.max.ms", "1000"},
    };
    settings.insert(settings.end(), options_.client_settings.begin(), options_.client_settings.end());
    for (const auto& [name, value] : settings) {
      if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return fail(Error::internal("Kafka election setting " + name + "=" + value + ": " + errstr));
      }
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_rebalance_cb(conf, &KafkaWriterElection::on_rebalance);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (rk == nullptr) {
      rd_kafka_conf_destroy(conf);
      return fail(Error::internal(std::string("cannot create the election's Kafka client: ") + errstr));
    }
    rk_.reset(rk);
    rd_kafka_poll_set_consumer(rk);
    PartitionList topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), options_.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto err = rd_kafka_subscribe(rk, topics.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rk_.reset();
      return fail(unavailable("cannot join the writer election " + options_.group, err));
    }
    return {};
  }

  void poll(std::chrono::milliseconds wait) override {
    if (!rk_) return;
    // The records of the topic are not this member's business (the announcements are read by
    // every replica through a tail); polling serves the group protocol.
    MessagePtr m(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(wait.count())));
    if (m && m->err != RD_KAFKA_RESP_ERR_NO_ERROR && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      log::warn("writer election", {{"group", options_.group}, {"error", rd_kafka_err2str(m->err)}});
    }
  }

  bool elected() const override { return elected_.load(); }

  Status rejoin() override {
    leave();
    return join();
  }

  void leave() override {
    elected_ = false;
    if (!rk_) return;
    rd_kafka_consumer_close(rk_.get());  // LeaveGroup: the others rebalance at once
    rk_.reset();
  }

 private:
  bool holds_zero(const rd_kafka_topic_partition_list_t* partitions) const {
    for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i)
      if (partitions->elems[i].partition == 0 && options_.topic == partitions->elems[i].topic) return true;
    return false;
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
    auto* self = static_cast<KafkaWriterElection*>(opaque);
    bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    log::debug("writer election rebalance",
               {{"group", self->options_.group},
                {"member", self->options_.member},
                {"event", err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assign" : "revoke"},
                {"protocol", rd_kafka_rebalance_protocol(rk)},
                {"partition_0", self->holds_zero(partitions)},
                {"partitions", partitions != nullptr ? partitions->cnt : 0}});
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        ErrorPtr e{rd_kafka_incremental_assign(rk, partitions)};
      } else {
        rd_kafka_assign(rk, partitions);
      }
      if (self->holds_zero(partitions)) {
        self->elected_ = true;
        log::info("elected the writer", {{"group", self->options_.group}, {"member", self->options_.member}});
      }
      return;
    }
    // Revoked (a rebalance) or lost (the session expired): stop at once.
    if (self->holds_zero(partitions) || !cooperative) {
      if (self->elected_.exchange(false))
        log::warn("no longer the elected writer",
                  {{"group", self->options_.group}, {"lost", rd_kafka_assignment_lost(rk) != 0}});
    }
    if (cooperative) {
      ErrorPtr e{rd_kafka_incremental_unassign(rk, partitions)};
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }

  ElectionOptions options_;
  Handle rk_;
  std::atomic<bool> elected_{false};
};

}  // namespace

Result<std::unique_ptr<WriterElection>> join_writer_election(ElectionOptions options) {
  if (options.brokers.empty() || options.group.empty() || options.topic.empty())
    return fail(Error::internal("writer election: brokers, group and topic are required"));
  auto election = std::make_unique<KafkaWriterElection>(std::move(options));
  if (auto s = election->join(); !s) return fail(s.error());
  return std::unique_ptr<WriterElection>(std::move(election));
}

}  // namespace concord::events
