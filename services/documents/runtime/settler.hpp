#pragma once
// The documents service's background work: follows delegations and scheduling into the store
// (members' keys, delegations' countries, ceremonies, identity links), and appends the steps
// the service takes on its own (a linked ceremony moved or cancelled, a date of entry into
// force reached) through the same Store::write as a request. It settles after a poll that
// brought records, when a read found a step owed (request()), and at every tick, since dates
// come with time alone. One thread: the follower's.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "concord/events/event_log.hpp"
#include "concord/service/api.hpp"
#include "concord/service/follower.hpp"
#include "concord/service/store.hpp"
#include "documents/domain/decide.hpp"

namespace concord::documents {

class Settler {
 public:
  // The topics it follows, in the order a replay reads them (before documents' own).
  static std::vector<std::string> topics();

  Settler(std::shared_ptr<events::EventLog> log, service::Store<State>& store, const service::api::EventFactory& events,
          std::chrono::milliseconds tick);

  void start();  // from where the store's replay ended; settles once first
  void stop();
  // A read found a step owed: settle at the next poll. Cheap: readers call it.
  void request() { requested_ = true; }

 private:
  // Appends what the state calls for, round by round.
  Status settle();
  void after_poll(bool got_records);

  service::Store<State>& store_;
  const service::api::EventFactory& events_;
  std::chrono::milliseconds tick_;
  service::Follower follower_;
  std::atomic<bool> requested_{false};
  bool dirty_ = true;  // on the follower's thread only
  std::chrono::steady_clock::time_point last_tick_;
};

}  // namespace concord::documents
