#pragma once
// Applies one committed event to the state: the scheduling service's own events, and the
// delegation and member snapshots of concord.delegations.v1. The same function runs on replay
// and after every append. Snapshots are upserts guarded by version, so an event seen twice (a
// replay followed by a live subscription) changes nothing the second time; an event it cannot
// read is skipped.
#include <string_view>

#include <nlohmann/json.hpp>

#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

void evolve(State& state, std::string_view topic, std::string_view type, const nlohmann::json& data, Timestamp time);

}  // namespace concord::scheduling
