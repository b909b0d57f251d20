#pragma once
// The delegations state as the bytes of a snapshot and back (libs/service/snapshots.hpp): every
// map of State (model.hpp) in a compact binary layout, the indexes included, so a decoded state
// is the state that was encoded.
#include <string>
#include <string_view>

#include "delegations/domain/model.hpp"

namespace concord::delegations {

// The layout's version. Bump it whenever State (model.hpp) or this layout changes, or an
// evolve() change means the same events fold into a different state: a snapshot of another
// version is then ignored and the log replayed in full.
inline constexpr int kStateVersion = 2;  // 2: the recent public events (State::recent_public)

std::string encode_state(const State& state);
// Throws binary::Malformed when the bytes do not hold a state of this layout.
State decode_state(std::string_view bytes);

}  // namespace concord::delegations
