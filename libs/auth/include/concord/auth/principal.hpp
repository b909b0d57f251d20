#pragma once
// Who is calling, as established from a verified token: the roles of DESIGN §4, and for a
// delegation member the member and delegation they act for. Plain values, so domain code can
// take a Principal in its context without knowing anything about JWTs.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/core/time.hpp"

namespace concord::auth {

// host_officer: the host side's protocol officers (the programme, venues, every delegation and
// its accreditation, documents for every party). delegation_officer: one country's officer
// (their own delegation's roster, contact and travel, their party's approvals and signatory
// changes; reads the programme), scoped by the Principal's country. protocol_officer is the
// name wave 1 gave host_officer; it stays as its development alias (same value, same rights).
enum class Role {
  host_officer,
  delegation_officer,
  delegation_member,
  integrator,
  admin,
  protocol_officer = host_officer
};

// "host_officer" (also "protocol_officer"), "delegation_officer", "delegation_member",
// "integrator", "admin"; anything else is nullopt.
std::optional<Role> parse_role(std::string_view text);
std::string_view to_string(Role role);

struct Principal {
  std::string subject;
  std::vector<Role> roles;  // never empty, no duplicates
  // For a delegation_member, the member and delegation they act for. Concord's own tokens carry
  // them as claims; an OpenID Connect token never does: there a delegation_member role comes
  // without them, and each service fills them in from its state (identity.hpp), or drops the
  // role, before any handler sees the principal. Handlers may rely on both being present
  // whenever roles include delegation_member.
  std::optional<std::string> member_id;
  std::optional<std::string> delegation_id;
  Timestamp expires_at{};              // the token's exp, e.g. to end a long-lived stream
  std::optional<std::string> country;  // ISO 3166-1 alpha-2; always present for a delegation_officer
  std::string issuer;                  // the token's iss: Concord's own, or the OpenID Connect issuer

  bool has(Role role) const;
  bool has_any(std::initializer_list<Role> any_of) const;
};

}  // namespace concord::auth
