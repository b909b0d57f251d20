#pragma once
// The system of record. Each service appends its events to its own topic and rebuilds its
// state by replaying topics from the beginning. Two implementations: Kafka (distributed) and
// one file per topic (the embedded default); one behavioural test suite runs against both.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/event.hpp"

namespace concord::events {

struct Record {
  std::string topic;
  int partition = 0;     // the file log has one partition per topic: 0
  long long offset = 0;  // increasing within a partition; not necessarily contiguous (Kafka
                         // transactions leave gaps), contiguous from 0 in the file log
  std::string key;
  Event event;
};

struct Output {
  std::string topic;
  std::string key;
  Event event;
};

// Events for one key of one topic, in order.
struct Append {
  std::string topic;
  std::string key;
  std::vector<Event> events;
};

// Why an append failed, beyond the Error's message: `unavailable` is worth retrying later
// (the HTTP layer answers 503); `fenced` means another writer with the same transactional id
// took over and this process must stop writing; `rejected` means the request itself is wrong
// (an event that fails validate(), a bad topic name, a batch too large) and retrying it is
// pointless.
// log_error() makes an Error whose extensions["log_failure"] is "unavailable", "fenced" or
// "rejected", with code `unavailable` (503) for the first two and `internal` (500) for
// `rejected`: by the time events reach the log the request has been validated, so a refusal is
// a bug in the caller, not the user's fault. failure_of() reads it back; an Error not made by
// log_error() counts as `unavailable` when its code is, and as `rejected` otherwise.
enum class LogFailure { unavailable, fenced, rejected };
LogFailure failure_of(const Error& error);
Error log_error(LogFailure failure, std::string detail);

// Live consumption of one or more topics by a consumer group, with committed positions. A group
// that has committed nothing starts at the beginning of every topic; topics that do not exist yet
// are picked up when they are created. Not thread-safe: one thread polls and commits. Destroy it
// before the EventLog it came from, and keep at most one live Subscription per group.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Up to `max` records, waiting at most `wait` for the first. Records of one key come in order.
  virtual Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) = 0;
  // Commits the positions just past `consumed` for the group.
  virtual Status commit(const std::vector<Record>& consumed) = 0;
  // The processor step: appends `outputs` and commits the positions past `consumed` as one
  // atomic step. On failure nothing of it is visible, and the subscription is rewound to the
  // last committed position so the same records are polled again.
  // With `consumed` empty it still is the group's step: on Kafka the transaction carries the
  // current positions of the member's partitions with its group metadata, so a member the group
  // has moved on from (a zombie) is refused, and what it meant to append is not.
  virtual Status commit_with(const std::vector<Output>& outputs, const std::vector<Record>& consumed) = 0;
  // Whether this member now owns the partition of `topic` that records keyed `key` go to, and
  // has settled it (read where the previous owner's last step left it): work a group shares by
  // key (reminders, retries) is done by the owner only. One process (the file log): always.
  virtual bool owns(std::string_view topic, std::string_view key) {
    (void)topic;
    (void)key;
    return true;
  }
};

// Where a reader stands: for each topic, the next offset to read in each partition.
using Positions = std::map<std::string, std::map<int, long long>>;
// Moves `positions` just past `record`.
inline void advance(Positions& positions, const Record& record) {
  auto& next = positions[record.topic][record.partition];
  next = std::max(next, record.offset + 1);
}

// Live reading of topics by one process for its own use (a view of another service's topic):
// no consumer group and nothing committed, so a process that dies leaves nothing behind that a
// restarted one must wait for. Not thread-safe: one thread polls.
class Tail {
 public:
  virtual ~Tail() = default;
  // Up to `max` records, waiting at most `wait` for the first. Records of one key come in order.
  virtual Result<std::vector<Record>> poll(std::chrono::milliseconds wait, size_t max) = 0;
};

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
};

class EventLog {
 public:
  virtual ~EventLog() = default;
  // Creates the topics that do not exist yet (never compacted, retained forever).
  virtual Status ensure_topics(const std::vector<TopicSpec>& topics) = 0;
  // Every event of every append in one commit, all or nothing; returns once durable. Kafka: one
  // transaction. The file log: one write round, cut off again if any part fails; a crash during
  // the round may keep an earlier topic's part without a later one's, so put first what is
  // harmless alone. Order within a key is the order given.
  virtual Status append_all(const std::vector<Append>& appends) = 0;
  // append_all, returning the positions just past what it appended (read-your-writes: a reader
  // whose state reached them holds the append). Kafka reports them (every partition the
  // transaction wrote to, a superset when concurrent appends shared it); a log that does not
  // returns none.
  virtual Result<std::map<std::string, std::map<int, long long>>> append_all_at(const std::vector<Append>& appends) {
    if (auto s = append_all(appends); !s) return fail(s.error());
    return std::map<std::string, std::map<int, long long>>{};
  }
  // Before when an append would only wait on the log itself (Kafka: the previous transaction's
  // end, KafkaOptions::transaction_gap); a writer that groups appends keeps its next batch open
  // till then, so whatever arrives meanwhile goes out in it. The epoch: no such wait.
  virtual std::chrono::steady_clock::time_point append_ready_at() { return {}; }
  Status append(std::string_view topic, std::string_view key, const std::vector<Event>& events) {
    return append_all({Append{std::string(topic), std::string(key), events}});
  }
  // Every committed event from the beginning to the end of the log as of the call, in order
  // per key; a topic that does not exist replays as empty. Stops early and returns the error if
  // `visit` returns one. `visit` may append (what it appends is past the end of this replay).
  virtual Status replay(std::string_view topic, const std::function<Status(const Record&)>& visit) = 0;
  // The same, from `from` (partition → the next offset to read, as Positions holds it, e.g.
  // where a snapshot's state ends); a partition `from` does not name is read from its
  // beginning. What a start from a snapshot replays. The default reads the whole topic and
  // skips what comes before `from`: right for any log, fast for none; both logs override it.
  virtual Status replay_from(std::string_view topic, const std::map<int, long long>& from,
                             const std::function<Status(const Record&)>& visit) {
    return replay(topic, [&](const Record& r) -> Status {
      auto it = from.find(r.partition);
      if (it != from.end() && r.offset < it->second) return {};
      return visit(r);
    });
  }
  virtual Result<std::unique_ptr<Subscription>> subscribe(const std::vector<std::string>& topics,
                                                          const std::string& group) = 0;
  // Every partition of `topics` from its position in `from` (typically where a replay ended),
  // or from its beginning when `from` names none; topics and partitions that appear later are
  // read from their beginning.
  virtual Result<std::unique_ptr<Tail>> tail(const std::vector<std::string>& topics, const Positions& from) = 0;
  // Whether the log can take appends now (for /readyz). A replica that is not the writer is
  // healthy when it can reach the log.
  virtual bool healthy() = 0;

  // Replicated writers (several processes of one service, one writer at a time). Kafka: takes
  // the writer's role by creating the transactional producer and running init_transactions
  // under the service's fixed transactional id, which completes or aborts whatever a previous
  // holder left open and fences it; fails (`unavailable`) when that is not confirmed. Only once
  // it returns is every earlier writer's committed event readable and no later one possible.
  // release_writer() drops the producer: appends then fail as `fenced` until the role is taken
  // again. The file log has one process: it is always the writer and these do nothing.
  virtual Status acquire_writer() { return {}; }
  virtual void release_writer() {}
  // Whether this process holds the writer's role and has not been fenced out of it.
  virtual bool writing() { return true; }
};

}  // namespace concord::events
