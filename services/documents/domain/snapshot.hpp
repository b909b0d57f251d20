#pragma once
// The documents state as the bytes of a snapshot and back (libs/service/snapshots.hpp): the
// documents with their versions (contents included), approvals, signatures and audit trail,
// the indexes by visit and by status, and the views of members, delegations and meetings, in a
// compact binary layout; the other indexes are rebuilt on decoding (reindex).
#include <string>
#include <string_view>

#include "documents/domain/model.hpp"

namespace concord::documents {

// The layout's version. Bump it whenever State (model.hpp) or this layout changes, or an
// evolve() change means the same events fold into a different state: a snapshot of another
// version is then ignored and the log replayed in full.
// 2: the views of members, delegations and meetings in the layout of their services' contracts.
inline constexpr int kStateVersion = 2;

std::string encode_state(const State& state);
// Throws binary::Malformed when the bytes do not hold a state of this layout.
State decode_state(std::string_view bytes);

}  // namespace concord::documents
