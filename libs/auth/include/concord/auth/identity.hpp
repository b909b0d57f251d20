#pragma once
// People, not claims: a delegation member is linked to the identity that signs in (the token's
// issuer and subject), and the member's delegation always comes from Concord's state. Every
// service keeps an IdentityLinks of its own, folded from the delegations service's private
// events (its contract's identity link and unlink), and resolves each caller
// with resolve_member() before its handlers run. Pure values: no I/O here.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"

namespace concord::binary {
class Writer;
class Reader;
}  // namespace concord::binary

namespace concord::auth {

struct Identity {
  std::string issuer;
  std::string subject;
  auto operator<=>(const Identity&) const = default;
};

// Which member each identity is linked to: at most one member per identity, at most one
// identity per member.
class IdentityLinks {
 public:
  std::optional<std::string> member_of(const Identity& identity) const;
  std::optional<Identity> identity_of(const std::string& member_id) const;
  // Links `identity` to `member_id`, dropping whatever either was linked to before.
  void link(const Identity& identity, const std::string& member_id);
  void unlink(const std::string& member_id);
  size_t size() const { return member_of_.size(); }
  // Member id → identity, in member id order.
  const std::map<std::string, Identity>& by_member() const { return identity_of_; }

  // Applies the data of a link ({member_id, identity: {issuer, subject}}) or of an unlink
  // ({member_id}) event; false for data it cannot read. The event types are the delegations
  // service's (its contract's apply_identity dispatches on them): this library names no service.
  bool apply_link(const nlohmann::json& data);
  bool apply_unlink(const nlohmann::json& data);

 private:
  std::map<Identity, std::string> member_of_;
  std::map<std::string, Identity> identity_of_;
};

// The links in a service's state snapshot (each service's domain/snapshot.cpp).
void encode_links(binary::Writer& out, const IdentityLinks& links);
IdentityLinks decode_links(binary::Reader& in);
// The same bytes, for a snapshot's layout to name the links as one field (io.field(links)).
void layout(binary::Writer& out, const IdentityLinks& links);
void layout(binary::Reader& in, IdentityLinks& links);

// The delegation a member belongs to in the caller's state; nullopt when the state does not
// know the member.
using DelegationOf = std::function<std::optional<std::string>(const std::string& member_id)>;

enum class Resolution {
  unchanged,  // not a member and not linked: the principal as the token made it
  linked,     // the token's issuer + subject is linked to a member: that member, from state
  claimed,    // a Concord token's member_id claim, with the delegation from state when known
  unlinked,   // a delegation_member without a member: the role is dropped (nothing to act for)
};

// The principal as Concord's state says it is:
//   - a token whose issuer + subject is linked to a member is that delegation_member (the role
//     is added), member_id and delegation_id from state, whatever the token claims;
//   - else a token carrying a member_id claim (Concord's own tokens: `concord token`, console
//     sign-in links; OpenID Connect tokens never carry one, see claims.cpp) keeps it, and its
//     delegation_id is replaced by the state's whenever the state knows the member;
//   - else a delegation_member role without a member is dropped: handlers see a principal
//     that acts for nobody (and one whose roles are then empty may only redeem an invitation).
Resolution resolve_member(Principal& principal, const IdentityLinks& links, const DelegationOf& delegation_of);

}  // namespace concord::auth
