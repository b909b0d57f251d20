#pragma once
// What every service in a process shares, chosen once from configuration: the event log
// (Kafka when KAFKA_BROKERS is set, else the file log under CONCORD_DATA_DIR), the cache (Redis
// when REDIS_URL is set, else in memory), the token verifier, the clock and the id source.
// Only main() and this wiring read the environment.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "concord/auth/jwt.hpp"
#include "concord/cache/cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event_log.hpp"
#include "concord/events/writer_election.hpp"
#include "concord/http/server.hpp"
#include "concord/service/snapshots.hpp"

namespace concord::service {

class Platform {
 public:
  static Result<std::unique_ptr<Platform>> from_env(const Env& env);
  ~Platform();

  const std::string& data_dir() const { return data_dir_; }
  const Clock& clock() const { return clock_; }
  IdGenerator& ids() { return *ids_; }
  const auth::Verifier& verifier() const { return *verifier_; }
  cache::Cache& cache() { return *cache_; }
  bool distributed() const { return !kafka_brokers_.empty(); }

  // The log a service writes through. With Kafka each service gets its own transactional
  // writer (concord-<service>-writer), taken only once the replica is elected
  // (EventLog::acquire_writer); the file log is one instance for the whole process, always the
  // writer.
  Result<std::shared_ptr<events::EventLog>> event_log(const std::string& service);
  // With Kafka: this process's membership in the service's writer election (group
  // concord-<service>-writer-election on the one-partition topic leader_topic(service)).
  // Without: null (one process, always the writer).
  Result<std::unique_ptr<events::WriterElection>> writer_election(const std::string& service,
                                                                  const std::string& member);
  static std::string leader_topic(const std::string& service) { return "concord." + service + ".leader.v1"; }

  // Where and when services write snapshots of their state (CONCORD_SNAPSHOT_*): files under
  // CONCORD_DATA_DIR/snapshots; no store when CONCORD_SNAPSHOTS=false.
  const SnapshotPolicy& snapshot_policy() const { return snapshots_; }

  http::ServerOptions server_options(const std::string& service, const std::string& default_address) const;

 private:
  Platform() = default;
  std::string data_dir_;
  std::string kafka_brokers_;
  int kafka_partitions_ = 3;
  int kafka_replication_ = 1;
  std::vector<std::pair<std::string, std::string>> kafka_client_settings_;
  // This process among the replicas of its service (CONCORD_INSTANCE_ID, else host name and
  // pid): names its subscriptions' transactional producers.
  std::string instance_id_;
  bool instance_id_given_ = false;
  std::chrono::milliseconds kafka_session_timeout_{6000};
  std::chrono::milliseconds processor_transaction_timeout_{10000};
  std::optional<std::chrono::milliseconds> kafka_transaction_gap_;  // unset: KafkaOptions' default
  std::chrono::milliseconds election_session_timeout_{6000};
  SystemClock clock_;
  std::unique_ptr<IdGenerator> ids_;
  std::optional<auth::Verifier> verifier_;
  std::unique_ptr<cache::Cache> cache_;
  std::mutex mutex_;
  std::shared_ptr<events::EventLog> file_log_;
  std::map<std::string, std::shared_ptr<events::EventLog>> kafka_logs_;
  SnapshotPolicy snapshots_;
  // Server settings shared by every service of the process.
  http::ServerOptions server_defaults_;
};

}  // namespace concord::service
