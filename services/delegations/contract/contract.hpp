#pragma once
// The delegations service's public contract for the other services: the topics it writes and
// the event types they read (docs/event-contract.md describes the events). Every other service
// names these through this header, never as literals. Pure: no I/O.
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/auth/identity.hpp"

namespace concord::delegations::contract {

inline constexpr std::string_view kService = "delegations";

// Delegations, members and accreditation: public, documented for integrators.
inline constexpr std::string_view kTopic = "concord.delegations.v1";
// Personal data (contact, travel) and identity links: Concord's services only.
inline constexpr std::string_view kPrivateTopic = "concord.delegations.private.v1";

// Every event type starts with kPrefix; the aggregate's prefixes follow.
inline constexpr std::string_view kPrefix = "concord.delegations.";
inline constexpr std::string_view kDelegationPrefix = "concord.delegations.delegation.";
inline constexpr std::string_view kMemberPrefix = "concord.delegations.member.";
inline constexpr std::string_view kAccreditationPrefix = "concord.delegations.accreditation.";

// On the private topic.
inline constexpr std::string_view kContactSet = "concord.delegations.member_contact.set";
inline constexpr std::string_view kIdentityLinked = "concord.delegations.member_identity.linked";
inline constexpr std::string_view kIdentityUnlinked = "concord.delegations.member_identity.unlinked";

// Applies one event of the private topic to `links` when it is an identity link or unlink;
// false for any other event and for one it cannot read. What every service folds its
// IdentityLinks with (libs/auth reads the data, this contract knows the types).
inline bool apply_identity(auth::IdentityLinks& links, std::string_view type, const nlohmann::json& data) {
  if (type == kIdentityLinked) return links.apply_link(data);
  if (type == kIdentityUnlinked) return links.apply_unlink(data);
  return false;
}

}  // namespace concord::delegations::contract
