#pragma once
// The claims set of a token whose signature has already been verified, checked against what
// this service expects and turned into a Principal.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::auth::detail {

// An OpenID Connect issuer's claims: where its roles and country are (dotted paths) and how
// its role names map to Concord's.
struct ClaimMapping {
  std::string roles_claim;
  std::string country_claim;
  std::vector<std::pair<std::string, Role>> role_map;  // empty: a Concord role's name maps to it
};

struct Expectations {
  std::string_view issuer;
  std::string_view audience;
  std::chrono::seconds leeway;
  const ClaimMapping* mapping = nullptr;  // null: Concord's own token (a "roles" claim of role names)
};

// Failures are Error::unauthorized.
Result<Principal> read_claims(const nlohmann::json& claims, const Expectations& expected, Timestamp now);

// At most 40 printable ASCII characters of untrusted text, quoted, for an error detail.
std::string quote_untrusted(std::string_view untrusted);

}  // namespace concord::auth::detail
