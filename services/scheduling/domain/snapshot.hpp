#pragma once
// The scheduling state as the bytes of a snapshot and back (libs/service/snapshots.hpp): what
// the log folded into (venues, visits, meetings, feeds, the delegations view) in a compact
// binary layout; the indexes derived from it (by start, by venue, by participant, feeds by
// secret and by visit) are rebuilt on decoding rather than stored.
#include <string>
#include <string_view>

#include "scheduling/domain/model.hpp"

namespace concord::scheduling {

// The layout's version. Bump it whenever State (model.hpp) or this layout changes, or an
// evolve() change means the same events fold into a different state: a snapshot of another
// version is then ignored and the log replayed in full.
// 2: members and delegations in the layout of delegations' contract (members with public_key).
inline constexpr int kStateVersion = 2;

std::string encode_state(const State& state);
// Throws binary::Malformed when the bytes do not hold a state of this layout.
State decode_state(std::string_view bytes);

}  // namespace concord::scheduling
