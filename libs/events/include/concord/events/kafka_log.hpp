#pragma once
// The Kafka implementation of EventLog (librdkafka underneath; no librdkafka type leaks here).
//
// Writes go through one idempotent, transactional producer per EventLog: its
// `transactional_id` is fixed per service ("concord-<service>-writer"), so a second instance
// fences the first, whose appends then fail as LogFailure::fenced. An append is one Kafka
// transaction (appends from several threads that wait at the same time share one, which is
// still all-or-nothing for each of them) and returns only once it is committed.
//
// A failed append left nothing behind, with one exception no client can avoid: when the broker
// goes away after the commit was sent and before it answered, the outcome is unknown until the
// producer reconnects. That error (LogFailure::unavailable) carries
// extensions["commit_outcome"] = "unknown"; the events may or may not be in the log.
//
// Replays read with isolation.level=read_committed from the beginning to the end offsets
// taken at the call, so aborted and open transactions are never seen.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"

namespace concord::events {

struct KafkaOptions {
  std::string brokers;           // bootstrap.servers, e.g. "127.0.0.1:9092"
  std::string transactional_id;  // concord-<service>-writer
  std::string client_id;
  // librdkafka properties added to every client, e.g. security.protocol, sasl.mechanisms,
  // sasl.username, sasl.password, ssl.ca.location for an authenticated cluster.
  std::vector<std::pair<std::string, std::string>>
      client_settings;  // shows in broker logs; defaults to the transactional id
  // Upper bound of one append (or commit_with): past it the transaction is aborted and the
  // call fails as `unavailable`. Aborting may add up to `abort_grace`.
  std::chrono::milliseconds append_timeout{10000};
  std::chrono::milliseconds abort_grace{2000};
  // Topics created by ensure_topics() whose TopicSpec leaves these at 0 or below take these;
  // the replication factor of a created topic is never below `replication_factor`, which is
  // the deployment's to choose.
  int default_partitions = 3;
  int replication_factor = 1;
  // A replay fails as `unavailable` when it makes no progress for this long.
  std::chrono::milliseconds replay_stall_timeout{30000};
  // Consumer group session timeout of subscriptions: how long a dead member keeps its
  // partitions before the group reassigns them (the broker allows 6 s to 5 min by default).
  std::chrono::milliseconds session_timeout{45000};
  // Static group membership (group.instance.id = "<transactional id>.<group>"): a member that
  // comes back under the same id takes its partitions over at once, without a rebalance and
  // without waiting out the session of its killed predecessor. Only for a writer whose
  // transactional id is stable across restarts and held by one process at a time; a member that
  // stops for good keeps its partitions until the session times out (it sends no LeaveGroup).
  bool static_membership = false;
  // Subscriptions' own transactional producers (consume → produce → commit, KIP-447): when
  // set, each subscription of group G gets a producer of its own with transactional id
  // "<processor_id>.<G>", unique to this instance and stable for it, and sends its offsets with
  // the consumer's group metadata, so a zombie of a group that has moved on is refused by the
  // group generation, not by the id; several instances then share a group, each with its
  // partitions. Empty: subscriptions commit through the EventLog's one producer (one instance).
  std::string processor_id;
  // transaction.timeout.ms of those producers: a killed instance's open transaction holds
  // read_committed readers of what it wrote (and the next owner of its partitions) until the
  // broker aborts it, so keep it short; a step still open after it is refused (and retried).
  std::chrono::milliseconds processor_transaction_timeout{10000};
  // transaction.timeout.ms of the EventLog's producer; 0: three append timeouts, 60 s to 15 min.
  std::chrono::milliseconds transaction_timeout{0};
  // At most this many events go into one transaction when concurrent appends are grouped.
  size_t max_group_events = 10000;
  // The most a writer waits after a transaction ends before it begins the next; meanwhile the
  // appends that arrive join the next transaction (EventLog::append_ready_at). The wait adapts
  // (TxnProducer::adapt_gap): none while the broker keeps up, longer while the coordinator
  // refuses transactions begun before it has written the last one's commit markers
  // (CONCURRENT_TRANSACTIONS, which librdkafka retries after a fixed 20 ms). 0: never wait.
  std::chrono::milliseconds transaction_gap{10};
  // Whether open_kafka_log() takes the writer's role at once (one replica per service). A
  // replica that waits for an election to make it the writer opens with false and calls
  // EventLog::acquire_writer() when elected.
  bool writer_on_open = true;
  // Testing only: runs inside a transaction after everything was produced (and the offsets
  // sent, in commit_with), right before commit_transaction.
  std::function<void()> before_commit_for_testing;
};

// Creates the transactional producer and runs init_transactions, which fences any previous
// instance with the same transactional id (unless options.writer_on_open is false). Fails on bad options; when the
// broker cannot be reached within append_timeout the log still opens, and the first append retries.
Result<std::unique_ptr<EventLog>> open_kafka_log(KafkaOptions options);

}  // namespace concord::events
