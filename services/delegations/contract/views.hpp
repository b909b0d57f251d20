#pragma once
// What other services keep of delegations: the snapshots that every event of
// concord.delegations.v1 carries (data.delegation, data.member; docs/event-contract.md), as view
// structs, with the one reader of them from event JSON and the one binary codec of them for the
// readers' snapshots. Scheduling and documents keep these views: a field one of them needs is
// added here, once. Pure: no I/O.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/binary.hpp"
#include "delegations/contract/contract.hpp"

namespace concord::delegations::contract {

using Localized = std::map<std::string, std::string>;  // {"en": "...", "ru": "..."}

struct DelegationView {
  std::string id;
  std::string visit_id;
  std::string country;  // ISO 3166-1 alpha-2: which delegation officers act for it
  std::string side;     // host | guest
  Localized name;
  std::optional<std::string> head_member_id;
  long long version = 0;
};

struct MemberView {
  std::string id;
  std::string delegation_id;
  std::string visit_id;
  Localized full_name;
  Localized position;
  std::string rank;
  std::optional<long long> precedence_order;
  bool is_head = false;
  std::vector<std::string> languages;
  std::string time_zone;
  std::string notification_language;
  std::string status = "active";  // active | withdrawn
  std::string public_key;         // base64 Ed25519, "" when none
  long long version = 0;
};

// A snapshot of an event's data as a view: nullopt when it lacks what identifies it (a
// delegation's id and visit; a member's id, delegation and visit). Other fields that are absent
// or of another type read as empty. Never throws.
std::optional<DelegationView> delegation_view(const nlohmann::json& snapshot);
std::optional<MemberView> member_view(const nlohmann::json& snapshot);

// Applies one event of concord.delegations.v1 to a reader's views: the delegation or member
// snapshot it carries replaces the one held unless that one is newer, so an event seen twice
// changes nothing. False for other events and for a snapshot it cannot read.
template <class Delegations, class Members>
bool apply_public(Delegations& delegations, Members& members, std::string_view type, const nlohmann::json& data);

// The binary layout of the views in a reader's snapshot, written once for both directions
// (binary::Writer/Reader::field; io.field(view) finds these). A change here changes the layout
// of every snapshot that holds them: each reader's state version must be raised with it.
template <class Io>
void layout(Io& io, DelegationView& d) {
  io.field(d.id);
  io.field(d.visit_id);
  io.field(d.country);
  io.field(d.side);
  io.field(d.name);
  io.field(d.head_member_id);
  io.field(d.version);
}

template <class Io>
void layout(Io& io, MemberView& m) {
  io.field(m.id);
  io.field(m.delegation_id);
  io.field(m.visit_id);
  io.field(m.full_name);
  io.field(m.position);
  io.field(m.rank);
  io.field(m.precedence_order);
  io.field(m.is_head);
  io.field(m.languages);
  io.field(m.time_zone);
  io.field(m.notification_language);
  io.field(m.status);
  io.field(m.public_key);
  io.field(m.version);
}

void encode(binary::Writer& out, const DelegationView& delegation);
void encode(binary::Writer& out, const MemberView& member);
DelegationView decode_delegation_view(binary::Reader& in);
MemberView decode_member_view(binary::Reader& in);

// --- the template above ---

namespace detail {
template <class Map, class View>
bool upsert(Map& map, std::optional<View> view) {
  if (!view) return false;
  auto held = map.find(view->id);
  if (held != map.end() && held->second.version > view->version) return false;
  auto id = view->id;
  map[std::move(id)] = std::move(*view);
  return true;
}
const nlohmann::json& snapshot_in(const nlohmann::json& data, const char* key);
}  // namespace detail

template <class Delegations, class Members>
bool apply_public(Delegations& delegations, Members& members, std::string_view type, const nlohmann::json& data) {
  if (type.starts_with(kDelegationPrefix))
    return detail::upsert(delegations, delegation_view(detail::snapshot_in(data, "delegation")));
  if (type.starts_with(kMemberPrefix) || type.starts_with(kAccreditationPrefix))
    return detail::upsert(members, member_view(detail::snapshot_in(data, "member")));
  return false;
}

}  // namespace concord::delegations::contract
