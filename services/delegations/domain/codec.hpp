#pragma once
// JSON of the delegations context: the public snapshots of docs/event-contract.md (event data
// and the roster), the private contact and travel documents, and the API's representations.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "delegations/domain/model.hpp"

namespace concord::delegations {

// {id, visit_id, country, side, name, head_member_id, version}
nlohmann::json delegation_snapshot(const Delegation& d);
Delegation delegation_from_snapshot(const nlohmann::json& j);  // throws nlohmann::json::exception

// {id, delegation_id, visit_id, full_name, position, rank, precedence_order, is_head, languages,
//  time_zone, notification_language, channels, public_key, status, accreditation {status,
//  badge_number}, version}: no contact, no travel.
nlohmann::json member_snapshot(const Member& m);
Member member_from_snapshot(const nlohmann::json& j);  // history and withdrawal reason left empty

nlohmann::json contact_json(const Contact& c);
Contact contact_from_json(const nlohmann::json& j);
// Times as UTC with `Z` plus `local_time` with the offset they were given with.
nlohmann::json travel_json(const Travel& t);
Travel travel_from_json(const nlohmann::json& j);

// What the API shows of a member. The public part is the snapshot with the notification
// settings as the request shape has them ({language, channels}); `personal` adds contact,
// travel, the accreditation history and the withdrawal reason.
nlohmann::json member_view(const Member& m, const Contact* contact, const Travel* travel, bool personal);

// The roster kept in the cache for other services: {delegation, members (active, in protocol
// order, public snapshots), version}.
nlohmann::json roster_document(const State& state, const std::string& delegation_id);
std::string roster_cache_key(std::string_view delegation_id);

// "2025-09-28T07:00:00Z" shown at a fixed offset: "2025-09-28T10:00:00+03:00".
std::string format_at_offset(Timestamp t, int offset_minutes);
// The offset of an RFC 3339 text ("Z" → 0, "+03:00" → 180); nullopt when it has none.
std::optional<int> offset_minutes_of(std::string_view rfc3339);

}  // namespace concord::delegations
