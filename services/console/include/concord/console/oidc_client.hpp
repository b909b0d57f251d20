#pragma once
// The console's OpenID Connect sign-in: the browser signs people in at the organisation's
// issuer (authorization code with PKCE, as a public client: no secret) and calls the services
// with the issuer's access token, which they verify as any other (CONCORD_OIDC_*). The console
// serves which issuer and client to use, and lets the browser reach that issuer's origin
// (discovery, token endpoint) in its Content-Security-Policy, and no other.
#include <optional>
#include <string>
#include <string_view>

#include "concord/core/config.hpp"
#include "concord/core/error.hpp"
#include "concord/http/router.hpp"

namespace concord::console {

struct OidcClient {
  std::string issuer;     // CONCORD_OIDC_ISSUER: the issuer the services accept tokens of
  std::string client_id;  // CONCORD_CONSOLE_OIDC_CLIENT_ID: the console's public client there
  std::string scopes;     // CONCORD_CONSOLE_OIDC_SCOPES ("openid"), space-separated
};

// nullopt without CONCORD_CONSOLE_OIDC_CLIENT_ID (the one-time links only). A client id without
// an issuer, or malformed, is a configuration error.
Result<std::optional<OidcClient>> oidc_client_from_env(const Env& env);

// "https://host[:port]" of an https:// URL (what a CSP source and a browser's Origin are);
// nullopt for anything else.
std::optional<std::string> https_origin(std::string_view url);

// GET /console/v1/config (public, no-store):
//   {"oidc": {"issuer", "client_id", "scopes"}}  or  {"oidc": null}
void mount_config(http::Router& router, const std::optional<OidcClient>& oidc);

}  // namespace concord::console
