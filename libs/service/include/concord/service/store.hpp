#pragma once
// The write path of an event-sourced service, in one place: decide against the current state,
// append what was decided, and only once it is durable evolve the state. Writers are
// serialized, so two requests can never both pass a check against the same state (two
// officers booking one slot); readers share the state between writes.
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "concord/core/error.hpp"
#include "concord/events/event_log.hpp"

namespace concord::service {

// One atomic append: events for one key of one topic.
struct Append {
  std::string topic;
  std::string key;
  std::vector<events::Event> events;
};

template <class State>
class Store {
 public:
  // evolve(state, topic, event) applies one committed event; the same function runs on replay.
  using Evolve = std::function<void(State&, const std::string& topic, const events::Event&)>;

  Store(std::shared_ptr<events::EventLog> log, Evolve evolve) : log_(std::move(log)), evolve_(std::move(evolve)) {}

  // Replays topics in the given order (e.g. the private topic before the public one does not
  // matter for correctness, but the order is kept for repeatability).
  Status replay(const std::vector<std::string>& topics) {
    std::unique_lock lock(mutex_);
    topics_ = topics;
    return rebuild_locked();
  }

  // Where the replay ended: the positions to follow other services' topics from.
  events::Positions replayed() const {
    std::shared_lock lock(mutex_);
    return replayed_;
  }

  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(mutex_);
    return f(static_cast<const State&>(state_));
  }

  // decide(state) → Result<std::vector<Append>>. Appends go out in order; when there are
  // several (a private topic and a public one), put first what is harmless alone: if a later
  // one fails, replay must still make sense of the earlier ones (evolve ignores orphans).
  // Returns the appended events, already applied to the state.
  //
  // An append whose outcome is unknown (Kafka: the commit was sent and no answer came) may or
  // may not be in the log, so the state may be behind it: the next write first rebuilds the
  // state from the log, and until that succeeds writes fail as unavailable.
  template <class Decide>
  Result<std::vector<Append>> write(Decide&& decide) {
    std::unique_lock lock(mutex_);
    if (stale_) {
      if (auto rebuilt = rebuild_locked(); !rebuilt)
        return fail(events::log_error(events::LogFailure::unavailable,
                                      "the state is being rebuilt after an append of unknown outcome: " +
                                          rebuilt.error().detail));
    }
    Result<std::vector<Append>> decided = decide(static_cast<const State&>(state_));
    if (!decided) return decided;
    for (const auto& append : *decided) {
      if (append.events.empty()) continue;
      if (auto status = log_->append(append.topic, append.key, append.events); !status) {
        if (outcome_unknown(status.error())) stale_ = true;
        return fail(status.error());
      }
      for (const auto& e : append.events) evolve_(state_, append.topic, e);
    }
    return decided;
  }

  // Applies events written elsewhere (a consumed topic of another service).
  void apply(const std::string& topic, const events::Event& event) {
    std::unique_lock lock(mutex_);
    evolve_(state_, topic, event);
  }

 private:
  static bool outcome_unknown(const Error& error) {
    auto it = error.extensions.find("commit_outcome");
    return it != error.extensions.end() && *it == "unknown";
  }

  // The state as the log has it: every topic of replay() into a fresh state, which replaces
  // the current one only when all of it was read.
  Status rebuild_locked() {
    State fresh;
    events::Positions positions;
    for (const auto& topic : topics_) {
      auto status = log_->replay(topic, [&](const events::Record& r) -> Status {
        evolve_(fresh, r.topic, r.event);
        events::advance(positions, r);
        return {};
      });
      if (!status) return status;
    }
    state_ = std::move(fresh);
    replayed_ = std::move(positions);
    stale_ = false;
    return {};
  }

  std::shared_ptr<events::EventLog> log_;
  Evolve evolve_;
  mutable std::shared_mutex mutex_;
  State state_;
  std::vector<std::string> topics_;
  events::Positions replayed_;
  bool stale_ = false;
};

}  // namespace concord::service
