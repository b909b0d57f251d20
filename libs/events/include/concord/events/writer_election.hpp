#pragma once
// Which replica of a service is its writer, decided by Kafka's group membership (as Schema
// Registry and Kafka Connect elect their leaders): every replica joins one consumer group
// subscribed to a one-partition topic, and the member the group assigns partition 0 is elected.
// The group coordinator gives that partition to one member per generation; a member that dies
// or is partitioned away loses it once its session times out, one that leaves (SIGTERM) at once.
// Election alone does not make a writer safe: the elected replica then takes the writer's role
// with EventLog::acquire_writer(), whose init_transactions fences whoever held it before, so
// two replicas that both believe they are elected (a paused process waking up) can never both
// commit.
// The assignor is cooperative-sticky: a replica that joins or leaves does not move partition 0
// away from a healthy writer. Not thread-safe: one thread calls poll(); elected() may be read
// from anywhere.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "concord/core/error.hpp"

namespace concord::events {

struct ElectionOptions {
  std::string brokers;
  std::vector<std::pair<std::string, std::string>> client_settings;  // SASL, TLS, as for the log
  std::string group;                                                 // concord-<service>-writer-election
  std::string topic;   // concord.<service>.leader.v1 (one partition; must exist)
  std::string member;  // client.id: names the replica in the broker's logs
  // How long a silent member keeps the role before the group moves it (the broker's
  // group.min.session.timeout.ms bounds it from below: 6 s by default).
  std::chrono::milliseconds session_timeout{6000};
};

class WriterElection {
 public:
  virtual ~WriterElection() = default;
  // Serves the group for up to `wait`: joins, rebalances, assignments and revocations happen
  // here (heartbeats run on librdkafka's own threads).
  virtual void poll(std::chrono::milliseconds wait) = 0;
  // Whether this member holds partition 0; false as soon as it is revoked or lost.
  virtual bool elected() const = 0;
  // Leaves the group and joins it again: for a member that lost the writer's role without the
  // group having told it (fenced), so that the group hands partition 0 to someone who can write.
  virtual Status rejoin() = 0;
  // Leaves the group (the others rebalance at once). Nothing is polled afterwards.
  virtual void leave() = 0;
};

Result<std::unique_ptr<WriterElection>> join_writer_election(ElectionOptions options);

}  // namespace concord::events
