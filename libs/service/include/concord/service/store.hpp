#pragma once
// The write path of an event-sourced service, in one place: decide against the state, append
// what was decided, and only once it is durable apply it to the state that readers see.
//
// Two copies of the state:
//   - the committed state: what the log holds; readers share it, and its lock is held only
//     while committed events are applied, never across an append;
//   - the draft: the committed state plus what is decided and not yet committed. Writers are
//     serialized on it, so two requests can never both pass a check against the same state (two
//     officers booking one slot), yet a writer never waits for another's commit to decide.
// Group commit: while one batch is being appended, the commands that arrive are decided against
// the draft and queued; when the batch is done, the first waiting writer takes everything
// queued and appends it as the next batch (one Kafka transaction, one fsync).
// A batch that fails fails exactly the commands it carried. The commands queued behind it were
// decided on a draft that assumed it, so the draft is reset to the committed state and they are
// decided again, in order; a command that no longer passes gets its error.
// An append whose outcome is unknown (Kafka: the commit was sent and no answer came) may or may
// not be in the log: the state is rebuilt from the log before anything else is decided, and
// until that succeeds writes fail as unavailable.
// Snapshots (use_snapshots(), snapshots.hpp): a rebuild starts from the latest usable snapshot
// and replays only what follows its positions; one that is missing, damaged, of another
// version or that does not decode is passed over for a full replay, with the reason logged.
// After the replay a Snapshotter writes new ones in the background.
// Idempotency-Keys (request_stamp()): the events of a request that carried one are stamped with
// its key's hash and the request's digest, and the store remembers the requests it holds
// committed that way for as long as the key's ledger keeps a response (remembered_requests.hpp:
// rebuilt from the replay, and carried in snapshots, so a start from one remembers what the log
// before it holds), so a writer that takes over from one that died answers a retry from the
// log, and a key the log holds, or one still in flight here, is never written again.
// Catching up (catch_up()): the committed state knows where it stands in the log (the rebuild's
// end, moved on by its own appends' positions and by the records a standby applies), so a
// replica that becomes its service's writer reads only what follows that, not the whole log.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"
#include "concord/service/remembered_requests.hpp"
#include "concord/service/snapshots.hpp"

namespace concord::service {

// One atomic append: events for one key of one topic.
using Append = events::Append;

// The positions in the log just past what the calling thread's Store::write calls appended
// (merged), where the log reports them (Kafka). The host clears them before a request and puts
// them in its response (Concord-Position) so a read elsewhere can wait for them.
inline events::Positions& written_positions() {
  thread_local events::Positions positions;
  return positions;
}

// The Idempotency-Key of the request the calling thread serves, set by the host around the
// handler (its http::IdempotencyLedger). Store::write stamps what it appends with it.
struct RequestStamp {
  std::string key;          // hex SHA-256 of the service, the caller and the Idempotency-Key
  std::string fingerprint;  // hex SHA-256 of the request (method, path, body)
  bool wrote = false;       // the request has appended under it already (a handler may write twice)
};
inline std::optional<RequestStamp>& request_stamp() {
  thread_local std::optional<RequestStamp> stamp;
  return stamp;
}

template <class State>
class Store {
 public:
  // evolve(state, topic, event) applies one committed event; the same function runs on replay.
  using Evolve = std::function<void(State&, const std::string& topic, const events::Event&)>;
  using Decide = std::function<Result<std::vector<Append>>(const State&)>;

  Store(std::shared_ptr<events::EventLog> log, Evolve evolve) : log_(std::move(log)), evolve_(std::move(evolve)) {}
  ~Store() {
    if (snapshotter_) snapshotter_->stop();
  }

  // Before replay(): rebuild from `service`'s snapshots where one is usable, and write new ones
  // as `policy` says. A policy without a store leaves snapshots off.
  void use_snapshots(std::string service, StateCodec<State> codec, SnapshotPolicy policy) {
    std::unique_lock lock(writer_mutex_);
    if (!policy.store) return;
    snapshot_service_ = std::move(service);
    codec_ = std::move(codec);
    policy_ = std::move(policy);
  }

  // Replays topics in the given order into a fresh state (from a snapshot, when one is usable).
  Status replay(const std::vector<std::string>& topics) {
    std::unique_lock lock(writer_mutex_);
    topics_ = topics;
    auto rebuilt = rebuild_locked();
    if (rebuilt && policy_.store && !snapshotter_) {
      // The shadow the snapshots are written from (snapshots.hpp says why not the committed
      // state later on): after a start from a snapshot, that snapshot decoded again on the
      // snapshotter's thread, off the start's path; after a full replay, a copy of the state
      // exactly at the positions the replay ended at.
      snapshotter_ = std::make_unique<Snapshotter<State>>(snapshot_service_, log_, topics_, evolve_, codec_, policy_);
      if (recovery_.from_snapshot) {
        snapshotter_->start_from_latest_snapshot();
      } else {
        std::shared_lock committed(committed_mutex_);
        snapshotter_->start(committed_, remembered_, replayed_, recovery_.replayed_events, recovery_.replayed_events);
      }
    }
    return rebuilt;
  }

  // How the last rebuild went: from which snapshot, replaying how many events.
  struct Recovery {
    bool from_snapshot = false;
    std::string why_not;            // why no snapshot was used (empty when one was, or snapshots are off)
    long long snapshot_events = 0;  // events the snapshot's state folds
    long long replayed_events = 0;  // events replayed from the log
    // A catch-up from the state it held (catch_up()): replayed_events are only what followed it.
    bool caught_up = false;
  };
  Recovery recovery() const {
    std::shared_lock lock(committed_mutex_);
    return recovery_;
  }

  // Writes a snapshot now, of the log as it stands (tests, benchmarks). After replay() only.
  Result<events::Snapshot> snapshot_now() {
    if (!snapshotter_) return fail(Error::internal("snapshots are off, or the state is not replayed yet"));
    return snapshotter_->snapshot_now();
  }

  // Replays the topics of replay() again into a fresh state, once no batch is in flight: what a
  // replica does when it becomes its service's writer (after fencing the previous one, so the
  // state holds every event it may decide against) and when it stops being it (to follow its
  // own topics again from a position that matches its state). Readers keep the old state until
  // the new one is complete.
  Status resync() {
    std::unique_lock lock(writer_mutex_);
    committed_cv_.wait(lock, [&] { return !committing_ && queue_.empty(); });
    return rebuild_locked();
  }

  // The request the log holds under an Idempotency-Key's hash (RequestStamp::key), among those
  // it remembers (RememberedRequests: the last 24 hours', at most kMostRequests).
  std::optional<CommittedRequest> committed_request(const std::string& key) const {
    std::shared_lock lock(committed_mutex_);
    if (const auto* request = remembered_.find(key)) return *request;
    return std::nullopt;
  }

  // Where the replay ended: the positions to follow other services' topics from.
  events::Positions replayed() const {
    std::shared_lock lock(committed_mutex_);
    return replayed_;
  }

  // Brings the committed state from where it stands to the end of `topics` (once no batch is in
  // flight), reading only what follows it: what a standby that followed its own topics does when
  // it becomes the writer (after fencing the previous one, whose last transaction is then
  // committed or aborted) and when it stops being it. Where the state cannot say exactly where
  // it stands (an append whose positions the log does not report, or whose outcome is unknown)
  // it rebuilds instead, as resync() does.
  Status catch_up(const std::vector<std::string>& topics) {
    std::unique_lock lock(writer_mutex_);
    committed_cv_.wait(lock, [&] { return !committing_ && queue_.empty(); });
    if (stale_ || !positions_exact_) return rebuild_locked();
    std::vector<events::Record> tail;
    events::Positions reached = positions();
    for (const auto& topic : topics) {
      auto from = reached[topic];  // a copy: the visitor moves reached on
      auto status = log_->replay_from(topic, from, [&](const events::Record& r) -> Status {
        events::advance(reached, r);
        tail.push_back(r);
        return {};
      });
      if (!status) return status;
    }
    // Nothing is in flight: the draft is the committed state, and both take the same records.
    commit_to_state_locked(
        each_record(tail), Draft::apply,
        [&](const std::string& topic, const events::Event& e, const events::Record* r) {
          remembered_.take(topic, e, r);
        },
        [&] {
          positions_ = std::move(reached);
          recovery_ = Recovery{};
          recovery_.caught_up = true;
          recovery_.replayed_events = static_cast<long long>(tail.size());
        });
    return {};
  }

  // Where the committed state stands in the log: the rebuild's end, moved on by this store's
  // appends (where the log reports their positions) and by apply(Record).
  events::Positions positions() const {
    std::shared_lock lock(committed_mutex_);
    return positions_;
  }

  // f(const State&) on the committed state. Never waits for an append.
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(committed_mutex_);
    return f(static_cast<const State&>(committed_));
  }

  // decide(state) → Result<std::vector<Append>>, against the committed state plus whatever is
  // decided ahead of it. It may run more than once (again when a batch ahead of it failed), so
  // it must only decide: what it captures is overwritten by its last run. Appends go out in
  // order, in one commit with the other commands of the batch. Returns the appended events,
  // already applied to the committed state.
  template <class DecideFn>
  Result<std::vector<Append>> write(DecideFn&& decide) {
    Command command{Decide(std::ref(decide))};
    auto& stamp = request_stamp();
    if (stamp) {
      command.key = stamp->key;
      command.fingerprint = stamp->fingerprint;
    }
    std::unique_lock lock(writer_mutex_);
    if (stale_) {
      if (auto rebuilt = rebuild_locked(); !rebuilt) return fail(rebuilding_error(rebuilt.error()));
    }
    if (stamp && !stamp->wrote) {
      if (auto duplicate = duplicate_of_locked(command.key)) return fail(std::move(*duplicate));
    }
    if (auto decided = decide_on_draft(command); !decided) return fail(decided.error());
    if (!command.key.empty()) ++in_flight_keys_[command.key];
    queue_.push_back(&command);
    while (!command.outcome) {
      if (committing_) {
        committed_cv_.wait(lock);
        continue;
      }
      commit_next_batch(lock);
    }
    if (!command.key.empty() && --in_flight_keys_[command.key] == 0) in_flight_keys_.erase(command.key);
    if (!*command.outcome) return fail(command.outcome->error());
    if (stamp) stamp->wrote = true;
    for (const auto& [topic, partitions] : command.positions)
      for (const auto& [partition, next] : partitions) {
        auto& mine = written_positions()[topic][partition];
        mine = std::max(mine, next);
      }
    return std::move(command.appends);
  }

  // The same for a record of a topic whose position the state keeps (positions()): a standby's
  // own topics, which the writer appends.
  void apply(const events::Record& record) {
    std::unique_lock lock(writer_mutex_);
    commit_to_state_locked(
        each_record(std::span(&record, 1)), Draft::apply,
        [&](const std::string& topic, const events::Event& e, const events::Record* r) {
          events::advance(positions_, *r);
          remembered_.take(topic, e, r);
        },
        [] {});
  }

  // A write whose append the store cannot make itself: one that must commit in another
  // transaction (a consumer group's consume → produce → commit step, which carries the group's
  // offsets and is fenced by its generation). It still keeps the writers' order: it waits until
  // no batch is in flight, decides against the committed state, appends through
  // append(const std::vector<Append>&) → Status with the other writers held off (they queue
  // behind it, deciding nothing on a state it is about to change), and applies what it appended.
  // For small, rare decisions; reads never wait for it.
  template <class DecideFn, class AppendFn>
  Result<std::vector<Append>> write_with(DecideFn&& decide, AppendFn&& append) {
    std::unique_lock lock(writer_mutex_);
    committed_cv_.wait(lock, [&] { return !committing_ && queue_.empty(); });
    if (stale_) {
      if (auto rebuilt = rebuild_locked(); !rebuilt) return fail(rebuilding_error(rebuilt.error()));
    }
    Result<std::vector<Append>> decided = decide(static_cast<const State&>(draft_));
    if (!decided) return fail(decided.error());
    Status appended;
    try {
      appended = append(static_cast<const std::vector<Append>&>(*decided));
    } catch (const std::exception& e) {
      appended = fail(Error::internal(std::string("the append threw: ") + e.what()));
    }
    if (!appended) {
      if (outcome_unknown(appended.error())) stale_ = true;
      return fail(appended.error());
    }
    // The other transaction reports no positions: the state's are inexact until a rebuild.
    if (commit_to_state_locked(each_appended(*decided), Draft::apply, no_more, [] {}) > 0) positions_exact_ = false;
    return decided;
  }

  // Applies an event written elsewhere (another service's topic that this one follows).
  void apply(const std::string& topic, const events::Event& event) {
    std::unique_lock lock(writer_mutex_);
    commit_to_state_locked([&](auto&& f) { f(topic, event, nullptr); }, Draft::apply, no_more, [] {});
  }

 private:
  struct Command {
    Decide decide;
    std::string key;  // the request's Idempotency-Key stamp, if any
    std::string fingerprint;
    std::vector<Append> appends;
    events::Positions positions;    // where its batch ended in the log
    std::optional<Status> outcome;  // set once its batch is done, or it no longer passes
  };

  // Whether committed events were decided on the draft, which then holds them already.
  enum class Draft { decided, apply };

  // The one way committed events reach the state, with writer_mutex_ held: into the draft
  // (unless decided there), then into the committed state under the readers' lock, where
  // with_each(topic, event, record) runs after each (Idempotency-Keys, positions; record: where
  // a replay or a tail read it, else null) and last() once after them; then the snapshotter
  // counts them. each_event(f) calls f(topic, event, record) for every event, in order.
  // Returns how many there were.
  template <class EachEvent, class WithEach, class Last>
  long long commit_to_state_locked(EachEvent&& each_event, Draft draft, WithEach&& with_each, Last&& last) {
    if (draft == Draft::apply)
      each_event(
          [&](const std::string& topic, const events::Event& e, const events::Record*) { evolve_(draft_, topic, e); });
    long long n = 0;
    {
      std::unique_lock committed(committed_mutex_);
      each_event([&](const std::string& topic, const events::Event& e, const events::Record* record) {
        evolve_(committed_, topic, e);
        with_each(topic, e, record);
        ++n;
      });
      last();
    }
    if (snapshotter_ && n > 0) snapshotter_->committed(n);
    return n;
  }
  static void no_more(const std::string&, const events::Event&, const events::Record*) {}
  static auto each_record(std::span<const events::Record> records) {
    return [records](auto&& f) {
      for (const auto& r : records) f(r.topic, r.event, &r);
    };
  }
  static auto each_appended(std::span<const Append> appends) {
    return [appends](auto&& f) {
      for (const auto& a : appends)
        for (const auto& e : a.events) f(a.topic, e, nullptr);
    };
  }

  static bool outcome_unknown(const Error& error) {
    auto it = error.extensions.find("commit_outcome");
    return it != error.extensions.end() && *it == "unknown";
  }
  static Error rebuilding_error(const Error& cause) {
    return events::log_error(events::LogFailure::unavailable,
                             "the state is being rebuilt after an append of unknown outcome: " + cause.detail);
  }

  // With writer_mutex_ held: why a request stamped `key` must not write (the log holds it, or
  // another request is writing it), or nullopt.
  std::optional<Error> duplicate_of_locked(const std::string& key) {
    if (in_flight_keys_.contains(key)) {
      Error e = Error::conflict("a request with this Idempotency-Key is still in progress");
      e.extensions["idempotency"] = "in_flight";
      return e;
    }
    std::shared_lock committed(committed_mutex_);
    if (!remembered_.find(key)) return std::nullopt;
    Error e = Error::conflict("a request with this Idempotency-Key is already in the log");
    e.extensions["idempotency"] = "committed";
    return e;
  }

  // With writer_mutex_ held.
  Status decide_on_draft(Command& command) {
    auto decided = command.decide(static_cast<const State&>(draft_));
    if (!decided) return fail(decided.error());
    command.appends = std::move(*decided);
    if (!command.key.empty())
      for (auto& append : command.appends)
        for (auto& e : append.events) {
          e.idempotencykey = command.key;
          e.requestdigest = command.fingerprint;
        }
    for (const auto& append : command.appends)
      for (const auto& e : append.events) evolve_(draft_, append.topic, e);
    return {};
  }

  // With writer_mutex_ held by `lock`; releases it only while the batch is appended.
  void commit_next_batch(std::unique_lock<std::mutex>& lock) {
    committing_ = true;
    // The batch stays open while the log could not take it yet (EventLog::append_ready_at):
    // the writers that arrive meanwhile are decided and go out in it.
    if (auto ready = log_->append_ready_at(); ready > std::chrono::steady_clock::now()) {
      lock.unlock();
      std::this_thread::sleep_until(ready);
      lock.lock();
    }
    std::vector<Command*> batch(queue_.begin(), queue_.end());
    queue_.clear();
    std::vector<Append> appends;
    for (Command* c : batch) appends.insert(appends.end(), c->appends.begin(), c->appends.end());
    lock.unlock();
    Result<events::Positions> appended = append_all(appends);
    lock.lock();
    if (appended) {
      commit_to_state_locked(
          each_appended(appends), Draft::decided,
          [&](const std::string& topic, const events::Event& e, const events::Record*) {
            remembered_.take(topic, e, nullptr, &*appended);
          },
          [&] { advance_positions_locked(appends, *appended); });
      for (Command* c : batch) {
        c->positions = *appended;
        c->outcome = Status{};
      }
    } else {
      for (Command* c : batch) c->outcome = fail(appended.error());
      if (outcome_unknown(appended.error())) stale_ = true;
      redecide_queue_locked();
    }
    committing_ = false;
    committed_cv_.notify_all();
  }

  Result<events::Positions> append_all(const std::vector<Append>& appends) {
    if (appends.empty()) return events::Positions{};
    try {
      return log_->append_all_at(appends);
    } catch (const std::exception& e) {  // a bug below; the writers waiting must still be answered
      return fail(Error::internal(std::string("the append threw: ") + e.what()));
    }
  }

  // The draft assumed a batch that failed: start again from the committed state and decide the
  // queued commands again, in order. After an unknown outcome the committed state itself may be
  // behind the log: it is rebuilt first — now if commands are waiting, else by the next write,
  // so the request that failed is answered without waiting for a replay.
  void redecide_queue_locked() {
    if (queue_.empty()) {
      if (!stale_) reset_draft_locked();
      return;
    }
    Status base;
    if (stale_)
      base = rebuild_locked();
    else
      reset_draft_locked();
    std::deque<Command*> still;
    for (Command* c : queue_) {
      if (!base) {
        c->outcome = fail(rebuilding_error(base.error()));
      } else if (auto decided = decide_on_draft(*c); !decided) {
        c->outcome = std::move(decided);
      } else {
        still.push_back(c);
      }
    }
    queue_ = std::move(still);
  }

  // With committed_mutex_ held: the state now holds `appends`, which the log put at `appended`
  // (just past them, per partition). A topic appended to with no position reported leaves the
  // state's positions inexact until the next rebuild.
  void advance_positions_locked(const std::vector<Append>& appends, const events::Positions& appended) {
    for (const auto& [topic, partitions] : appended)
      for (const auto& [partition, next] : partitions) {
        auto& mine = positions_[topic][partition];
        mine = std::max(mine, next);
      }
    for (const auto& append : appends)
      if (!append.events.empty() && !appended.contains(append.topic)) positions_exact_ = false;
  }

  void reset_draft_locked() {
    std::shared_lock committed(committed_mutex_);
    draft_ = committed_;
  }

  // The state as the log has it: every topic of replay() into a fresh state, which replaces
  // both copies only when all of it was read. With writer_mutex_ held and nothing in flight.
  Status rebuild_locked() {
    State fresh;
    events::Positions positions;
    Recovery recovery;
    RememberedRequests remembered;
    if (policy_.store) {
      auto loaded = load_snapshot<State>(*policy_.store, snapshot_service_, topics_, codec_);
      if (auto* found = std::get_if<FromSnapshot<State>>(&loaded)) {
        fresh = std::move(found->state);
        remembered = std::move(found->remembered);
        positions = std::move(found->snapshot.positions);
        recovery.from_snapshot = true;
        recovery.snapshot_events = found->snapshot.events;
      } else {
        recovery.why_not = std::get<std::string>(loaded);
        log::info("no snapshot to start from: replaying the whole log",
                  {{"service", snapshot_service_}, {"reason", recovery.why_not}});
      }
    }
    for (const auto& topic : topics_) {
      auto from = positions[topic];  // a copy: the visitor moves `positions` on
      auto status = log_->replay_from(topic, from, [&](const events::Record& r) -> Status {
        remembered.take(r.topic, r.event, &r);
        evolve_(fresh, r.topic, r.event);
        events::advance(positions, r);
        ++recovery.replayed_events;
        return {};
      });
      if (!status) return status;
    }
    if (recovery.from_snapshot)
      log::info("state from a snapshot", {{"service", snapshot_service_},
                                          {"snapshot_events", recovery.snapshot_events},
                                          {"replayed_after_it", recovery.replayed_events}});
    draft_ = fresh;
    {
      std::unique_lock committed(committed_mutex_);
      committed_ = std::move(fresh);
      positions_ = positions;
      remembered_ = std::move(remembered);
      replayed_ = std::move(positions);
      recovery_ = std::move(recovery);
    }
    positions_exact_ = true;
    stale_ = false;
    return {};
  }

  std::shared_ptr<events::EventLog> log_;
  Evolve evolve_;

  // Writers: the draft, the queue, the batch in flight.
  std::mutex writer_mutex_;
  std::condition_variable committed_cv_;
  State draft_;
  std::deque<Command*> queue_;
  bool committing_ = false;
  bool stale_ = false;
  std::vector<std::string> topics_;
  std::unordered_map<std::string, int> in_flight_keys_;  // stamps of the commands decided, not done

  // Readers: the committed state.
  mutable std::shared_mutex committed_mutex_;
  State committed_;
  events::Positions replayed_;
  events::Positions positions_;  // where the committed state stands (positions())
  RememberedRequests remembered_;
  bool positions_exact_ = true;  // false once an append's positions went unreported
  Recovery recovery_;

  // Snapshots (set before replay(); the snapshotter once it is done).
  std::string snapshot_service_;
  StateCodec<State> codec_;
  SnapshotPolicy policy_;
  std::unique_ptr<Snapshotter<State>> snapshotter_;
};

}  // namespace concord::service
