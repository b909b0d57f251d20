#pragma once
// What other services keep of scheduling: the meeting snapshots that events of
// concord.scheduling.v1 carry (data.meeting; docs/event-contract.md), as a view struct, with the
// one reader of it from event JSON and the one binary codec of it for the readers' snapshots.
// Documents keeps this view (the signing ceremonies its documents are linked to). Pure: no I/O.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/core/binary.hpp"
#include "concord/core/time.hpp"
#include "scheduling/contract/contract.hpp"

namespace concord::scheduling::contract {

struct MeetingView {
  std::string id;
  std::string visit_id;
  std::string kind;
  std::string status = "scheduled";  // scheduled | cancelled
  Timestamp start{};
  Timestamp end{};
  std::string cancel_reason;  // from the cancellation event
  long long version = 0;
};

// A meeting snapshot as a view: nullopt when it lacks its id, visit or times. Never throws.
std::optional<MeetingView> meeting_view(const nlohmann::json& snapshot);

// Applies one event of concord.scheduling.v1 to a reader's meetings: the meeting snapshot it
// carries replaces the one held unless that one is newer (an event seen twice changes nothing);
// a cancellation also keeps its reason. False for other events and for a snapshot it cannot
// read.
bool apply_public(std::map<std::string, MeetingView>& meetings, std::string_view type, const nlohmann::json& data);

// The binary layout of the view in a reader's snapshot, written once for both directions
// (binary::Writer/Reader::field; io.field(view) finds it). A change here changes the layout of
// every snapshot that holds it: each reader's state version must be raised with it.
template <class Io>
void layout(Io& io, MeetingView& m) {
  io.field(m.id);
  io.field(m.visit_id);
  io.field(m.kind);
  io.field(m.status);
  io.field(m.start);
  io.field(m.end);
  io.field(m.cancel_reason);
  io.field(m.version);
}

void encode(binary::Writer& out, const MeetingView& meeting);
MeetingView decode_meeting_view(binary::Reader& in);

}  // namespace concord::scheduling::contract
