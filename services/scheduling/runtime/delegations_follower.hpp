#pragma once
// Keeps scheduling's view of delegations current (delegations and members for precedence and
// participants, identity links for who a caller is): follows the delegations topics from where
// the store's replay ended and applies every record to the store, on a thread of its own.
#include <memory>
#include <string>
#include <vector>

#include "concord/events/event_log.hpp"
#include "concord/service/follower.hpp"
#include "concord/service/store.hpp"
#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

class DelegationsFollower {
 public:
  // The topics it follows, in the order a replay reads them (before scheduling's own).
  static std::vector<std::string> topics();

  DelegationsFollower(std::shared_ptr<events::EventLog> log, service::Store<State>& store);

  void start();  // from where the store's replay ended
  void stop();

 private:
  service::Store<State>& store_;
  service::Follower follower_;
};

}  // namespace concord::scheduling
