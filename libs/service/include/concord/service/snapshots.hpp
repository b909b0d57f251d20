#pragma once
// Snapshots for a Store: how a service's state becomes bytes and back (its codec, from its
// domain), when snapshots are written (the policy, from configuration), and the Snapshotter,
// which writes them off the request threads.
//
// Why the snapshotter folds the log itself rather than copying the committed state: a snapshot
// is only usable with the exact log positions its state includes, and the committed state does
// not know them (an append reports success, not offsets; events of followed topics arrive
// through their own readers). So the snapshotter keeps a shadow copy of the state, taken when
// the store's replay ended (where the positions are exact), and brings it forward by replaying
// from its positions (EventLog::replay_from) to the end of the log, counting each record as it
// folds it: the positions of what it writes are exact by construction, and writers never wait
// for it. The price is a second copy of the state in memory and each event decoded twice.
//
// A snapshot holds more than the service's state: the Store's envelope around it carries the
// requests the store remembers under their Idempotency-Keys, folded beside the shadow, so a start
// from it answers a retry of a request from before its positions without reading back.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "concord/core/binary.hpp"
#include "concord/core/error.hpp"
#include "concord/core/log.hpp"
#include "concord/events/event_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "concord/service/remembered_requests.hpp"

namespace concord::service {

// A service's state as bytes and back. `version` names the layout: a snapshot of another
// version is never decoded, so it must change whenever the layout or the meaning of the state
// changes (each service's State says so beside its definition).
template <class State>
struct StateCodec {
  int version = 0;
  std::function<std::string(const State&)> encode;
  // May throw (binary::Malformed or any std::exception): the snapshot is then not used.
  std::function<State(std::string_view)> decode;
};

// When snapshots are written (CONCORD_SNAPSHOT_EVERY_EVENTS, CONCORD_SNAPSHOT_INTERVAL; the
// README's configuration table). No store: no snapshots, every start replays everything.
struct SnapshotPolicy {
  std::shared_ptr<events::SnapshotStore> store;
  long long every_events = 100'000;                              // once this many events follow the last snapshot
  std::chrono::milliseconds interval{std::chrono::minutes(10)};  // and after this long if any do
};

// The Store's envelope around a service's state in a snapshot: the length of the remembered
// requests' bytes (u64), those bytes, then the state as the service's codec wrote it. Its version
// travels in the snapshot's header (events::Snapshot::envelope), apart from the state's: a
// snapshot written before the store kept its requests there (0), or with another envelope, is
// passed over, never half used.
inline constexpr int kSnapshotEnvelope = 1;

inline std::string wrap_state(const RememberedRequests& remembered, const std::string& state) {
  binary::Writer out;
  out.u64(0);
  remembered.encode(out);
  std::uint64_t length = out.bytes().size() - sizeof(std::uint64_t);
  std::memcpy(out.bytes().data(), &length, sizeof length);
  out.bytes() += state;
  return out.take();
}

// The remembered requests, and the state's bytes (a view into `envelope`). Throws
// binary::Malformed.
inline std::pair<RememberedRequests, std::string_view> unwrap_state(std::string_view envelope) {
  binary::Reader head(envelope);
  auto length = head.u64();
  if (length > envelope.size() - sizeof length) throw binary::Malformed("the remembered requests run past the end");
  binary::Reader requests(envelope.substr(sizeof length, length));
  auto remembered = RememberedRequests::decode(requests);
  if (!requests.done()) throw binary::Malformed("bytes left after the remembered requests");
  return {std::move(remembered), envelope.substr(sizeof length + length)};
}

// What a start from a snapshot found: the state and where it ends, or why none was used.
template <class State>
struct FromSnapshot {
  State state;
  RememberedRequests remembered;  // the requests under Idempotency-Keys its log holds
  events::Snapshot snapshot;      // its state bytes dropped once decoded
};

// The latest snapshot of `service` that is whole, of the store's envelope and the codec's
// version, covers every topic of `topics` and decodes; else the reason it is not used.
template <class State>
std::variant<FromSnapshot<State>, std::string> load_snapshot(events::SnapshotStore& store, const std::string& service,
                                                             const std::vector<std::string>& topics,
                                                             const StateCodec<State>& codec) {
  auto latest = store.latest(service, codec.version);
  if (!latest) return "the snapshot cannot be read: " + latest.error().detail;
  if (auto* none = std::get_if<events::NoSnapshot>(&*latest)) return none->reason;
  auto& snapshot = std::get<events::Snapshot>(*latest);
  if (snapshot.envelope != kSnapshotEnvelope)
    return "the snapshot's envelope is version " + std::to_string(snapshot.envelope) + "; this code reads version " +
           std::to_string(kSnapshotEnvelope) + " (with the requests remembered under Idempotency-Keys)";
  for (const auto& topic : topics)
    if (!snapshot.positions.contains(topic)) return "the snapshot does not cover topic " + topic;
  FromSnapshot<State> out;
  try {
    auto [remembered, state] = unwrap_state(snapshot.state);
    out.remembered = std::move(remembered);
    out.state = codec.decode(state);
  } catch (const std::exception& e) {
    return std::string("the snapshot's state does not decode: ") + e.what();
  }
  snapshot.state = {};
  out.snapshot = std::move(snapshot);
  return out;
}

// The shadow state and the thread that writes its snapshots. Owned by a Store.
template <class State>
class Snapshotter {
 public:
  using Evolve = std::function<void(State&, const std::string& topic, const events::Event&)>;

  Snapshotter(std::string service, std::shared_ptr<events::EventLog> log, std::vector<std::string> topics,
              Evolve evolve, StateCodec<State> codec, SnapshotPolicy policy)
      : service_(std::move(service)),
        log_(std::move(log)),
        topics_(std::move(topics)),
        evolve_(std::move(evolve)),
        codec_(std::move(codec)),
        policy_(std::move(policy)) {}
  ~Snapshotter() { stop(); }
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // Takes the state a replay ended with and the requests it remembers, exactly at `positions`,
  // folding `events` events of which `since_snapshot` came after the snapshot it started from
  // (all of them without one), and starts the thread.
  void start(State state, RememberedRequests remembered, events::Positions positions, long long events,
             long long since_snapshot) {
    {
      std::lock_guard work(work_mutex_);
      shadow_ = std::move(state);
      remembered_ = std::move(remembered);
      positions_ = std::move(positions);
      events_ = events;
      pending_ = since_snapshot;
      last_write_ = std::chrono::steady_clock::now();
    }
    std::lock_guard lock(mutex_);
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
  }

  // After a start from a snapshot: the thread decodes that snapshot again for its shadow, so
  // the start does not wait for a copy of the state. Whatever it finds is consistent: the
  // snapshot's state at its positions, or (should it be gone) an empty state at no position,
  // which the first catch-up brings forward from the log's beginning.
  void start_from_latest_snapshot() {
    std::lock_guard lock(mutex_);
    load_first_ = true;
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // `n` more events were committed or applied: wakes the thread once enough have come. Cheap:
  // writers call it.
  void committed(long long n) {
    std::lock_guard lock(mutex_);
    nudged_ += n;
    if (nudged_ >= policy_.every_events) cv_.notify_all();
  }

  // Brings the shadow to the end of the log and writes its snapshot now (tests, benchmarks).
  // Returns what it wrote, without the state's bytes.
  Result<events::Snapshot> snapshot_now() {
    std::lock_guard work(work_mutex_);
    if (auto s = catch_up(); !s) return fail(s.error());
    return write();
  }

 private:
  void run() {
    if (load_first_) {
      std::lock_guard work(work_mutex_);
      auto loaded = load_snapshot<State>(*policy_.store, service_, topics_, codec_);
      if (auto* found = std::get_if<FromSnapshot<State>>(&loaded)) {
        shadow_ = std::move(found->state);
        remembered_ = std::move(found->remembered);
        positions_ = std::move(found->snapshot.positions);
        events_ = found->snapshot.events;
      } else {
        log::warn("snapshot: the snapshot the start used cannot be read again; the next one is made from the log",
                  {{"service", service_}, {"reason", std::get<std::string>(loaded)}});
      }
      last_write_ = std::chrono::steady_clock::now();
    }
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, policy_.interval, [&] { return stopping_ || nudged_ >= policy_.every_events; });
        if (stopping_) return;
        nudged_ = 0;
      }
      std::lock_guard work(work_mutex_);
      if (auto s = catch_up(); !s) {
        log::warn("snapshot: cannot read the log to bring the snapshot forward; trying again later",
                  {{"service", service_}, {"error", s.error().detail}});
        continue;
      }
      bool due = pending_ >= policy_.every_events ||
                 (pending_ > 0 && std::chrono::steady_clock::now() - last_write_ >= policy_.interval);
      if (!due) continue;
      if (auto written = write(); !written)
        log::warn("snapshot: writing failed; the previous one stays",
                  {{"service", service_}, {"error", written.error().detail}});
    }
  }

  // With work_mutex_: folds what the log holds past the shadow's positions, topic by topic in
  // the order the store replays them, up to a cut taken first.
  //
  // The cut: while the service writes, a transaction over several topics may commit between
  // the reads of two topics. The store lists its topics in the order a transaction writes them,
  // what is harmless alone first (delegations: the private event, which waits for its public
  // one). So the ends are taken in the reverse order: a transaction that commits meanwhile is
  // inside the cut of its earlier topics (harmless alone), never of a later topic without its
  // earlier ones. Then the fold reads, in the store's order, only what lies inside the cut.
  // Taking the cut reads the new events once more (decoded, not folded): background work only.
  Status catch_up() {
    std::map<std::string, std::map<int, long long>> cut;
    for (auto topic = topics_.rbegin(); topic != topics_.rend(); ++topic) {
      auto& end = cut[*topic] = positions_[*topic];
      auto from = end;  // a copy: the visitor moves `end` on
      auto s = log_->replay_from(*topic, from, [&](const events::Record& r) -> Status {
        auto& next = end[r.partition];
        next = std::max(next, r.offset + 1);
        return {};
      });
      if (!s) return s;
    }
    for (const auto& topic : topics_) {
      auto& at = positions_[topic];
      const auto& end = cut[topic];
      if (end == at) continue;
      auto from = at;  // a copy: the visitor moves `at` on
      auto s = log_->replay_from(topic, from, [&](const events::Record& r) -> Status {
        auto stop = end.find(r.partition);
        if (stop == end.end() || r.offset >= stop->second) return {};  // past the cut: next time
        evolve_(shadow_, r.topic, r.event);
        remembered_.take(r.topic, r.event, &r);
        auto& next = at[r.partition];
        next = std::max(next, r.offset + 1);
        ++events_;
        ++pending_;
        return {};
      });
      if (!s) return s;
    }
    return {};
  }

  // With work_mutex_ (never the writers' locks): encodes the shadow and writes it.
  Result<events::Snapshot> write() {
    auto started = std::chrono::steady_clock::now();
    events::Snapshot snapshot{service_, codec_.version, positions_, events_, {}, kSnapshotEnvelope};
    for (const auto& topic : topics_) snapshot.positions[topic];  // every topic named, even empty ones
    Status written;
    try {
      snapshot.state = wrap_state(remembered_, codec_.encode(shadow_));
      written = policy_.store->write(snapshot);
    } catch (const std::exception& e) {
      written = fail(Error::internal(std::string("encoding the state failed: ") + e.what()));
    }
    if (!written) return fail(written.error());
    pending_ = 0;
    last_write_ = std::chrono::steady_clock::now();
    log::info("snapshot written",
              {{"service", service_},
               {"events", snapshot.events},
               {"bytes", snapshot.state.size()},
               {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(last_write_ - started).count()}});
    snapshot.state = {};
    return snapshot;
  }

  std::string service_;
  std::shared_ptr<events::EventLog> log_;
  std::vector<std::string> topics_;
  Evolve evolve_;
  StateCodec<State> codec_;
  SnapshotPolicy policy_;

  // The shadow, where it ends, and the last write: the snapshot thread's (and snapshot_now's).
  std::mutex work_mutex_;
  State shadow_;
  RememberedRequests remembered_;  // beside the shadow, at the same positions
  events::Positions positions_;
  long long events_ = 0;
  long long pending_ = 0;  // folded since the last snapshot written
  std::chrono::steady_clock::time_point last_write_;

  // What writers touch: a counter and the wake-up.
  std::mutex mutex_;
  std::condition_variable cv_;
  long long nudged_ = 0;  // committed since the thread last looked
  bool stopping_ = false;
  bool load_first_ = false;  // the thread makes its shadow from the latest snapshot
  std::thread thread_;
};

}  // namespace concord::service
