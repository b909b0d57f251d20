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
    for (const auto& topic : topics) {
      auto status = log_->replay(topic, [&](const events::Record& r) -> Status {
        evolve_(state_, r.topic, r.event);
        events::advance(replayed_, r);
        return {};
      });
      if (!status) return status;
    }
    return {};
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
  template <class Decide>
  Result<std::vector<Append>> write(Decide&& decide) {
    std::unique_lock lock(mutex_);
    Result<std::vector<Append>> decided = decide(static_cast<const State&>(state_));
    if (!decided) return decided;
    for (const auto& append : *decided) {
      if (append.events.empty()) continue;
      if (auto status = log_->append(append.topic, append.key, append.events); !status) return fail(status.error());
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
  std::shared_ptr<events::EventLog> log_;
  Evolve evolve_;
  mutable std::shared_mutex mutex_;
  State state_;
  events::Positions replayed_;
};

}  // namespace concord::service
