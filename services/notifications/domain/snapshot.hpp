#pragma once
// The notifications state as the bytes of a snapshot and back (libs/service snapshots.hpp):
// the views of the other services, every inbox with its indexes, preferences, webhooks with
// their deliveries, and e-mails, in a compact binary layout. The indexes whose keys are
// ordinals given as events arrived (an inbox's order, a webhook's deliveries) are written as
// they are, since a rebuild could not recover them; those keyed by ids alone (meetings by
// participant, webhooks by owner) are rebuilt on decoding (reindex).
#include <string>
#include <string_view>

#include "notifications/domain/state.hpp"

namespace concord::notifications {

// The layout's version. Bump it whenever State (state.hpp and the structs it holds) or this
// layout changes, or an evolve() change means the same events fold into a different state: a
// snapshot of another version is then ignored and the log replayed in full.
// 2: members and meetings are delegations' and scheduling's contract views, then the fields
// notifications alone keeps (the views' layouts are the contracts').
inline constexpr int kStateVersion = 3;

std::string encode_state(const State& state);
// Throws binary::Malformed when the bytes do not hold a state of this layout.
State decode_state(std::string_view bytes);

}  // namespace concord::notifications
