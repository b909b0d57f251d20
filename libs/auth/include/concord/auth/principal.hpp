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

enum class Role { protocol_officer, delegation_member, integrator, admin };

// "protocol_officer", "delegation_member", "integrator", "admin"; anything else is nullopt.
std::optional<Role> parse_role(std::string_view text);
std::string_view to_string(Role role);

struct Principal {
  std::string issuer;                        // the token's iss: Concord's own, or the OpenID Connect issuer
  std::string subject;
  std::vector<Role> roles;                   // never empty, no duplicates
  std::optional<std::string> member_id;      // present whenever roles include delegation_member
  std::optional<std::string> delegation_id;  // likewise
  std::optional<std::string> country;        // ISO 3166-1 alpha-2, from the issuer's country claim
  Timestamp expires_at{};                    // the token's exp, e.g. to end a long-lived stream

  bool has(Role role) const;
  bool has_any(std::initializer_list<Role> any_of) const;
};

}  // namespace concord::auth
