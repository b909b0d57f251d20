#pragma once
// Tokens from an organisation's OpenID Connect issuer (Keycloak, Entra ID, ...): where its keys
// are found, which claims carry roles and country, and how its role names map to Concord's.
// The keys are fetched over HTTPS by a function the caller supplies (libs/http's client in
// the services), so nothing here knows about sockets or TLS.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"

namespace concord::auth {

struct OidcConfig {
  std::string issuer;                     // https://…, exactly as the tokens' iss and the discovery document say
  std::string audience;                   // a token's aud must include it
  std::string roles_claim = "roles";      // a dotted path into the claims, e.g. realm_access.roles
  std::string country_claim = "country";  // likewise; an ISO 3166-1 alpha-2 code when present
  // Claim value → Concord role. Empty: a value that is a Concord role's name is that role.
  // Values that map to nothing are ignored (issuers put their own roles beside ours).
  std::vector<std::pair<std::string, Role>> role_map;
  std::string ca_file;  // a PEM file of CAs trusted for the issuer beside the system's
  // A token signed by a key the cached JWKS lacks makes the keys be fetched again, but not
  // sooner than this after the last fetch: rotation is followed, a flood of made-up key ids
  // is not a flood of fetches.
  std::chrono::seconds refetch_interval{60};
};

// GET an https:// URL; the body of a 200, else an Error saying why (unavailable).
using HttpsGet = std::function<Result<std::string>(const std::string& url, const std::string& ca_file)>;

}  // namespace concord::auth
