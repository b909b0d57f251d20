#include "scheduling/runtime/delegations_follower.hpp"

namespace concord::scheduling {

std::vector<std::string> DelegationsFollower::topics() {
  return {std::string(kDelegationsTopic), std::string(kDelegationsPrivateTopic)};
}

DelegationsFollower::DelegationsFollower(std::shared_ptr<events::EventLog> log, service::Store<State>& store)
    : store_(store), follower_("the delegations topics", std::move(log), topics()) {}

void DelegationsFollower::start() {
  follower_.start(store_.replayed(), [this](const events::Record& r) { store_.apply(r.topic, r.event); });
}

void DelegationsFollower::stop() {
  follower_.stop();
}

}  // namespace concord::scheduling
