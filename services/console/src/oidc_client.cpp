#include "concord/console/oidc_client.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

namespace concord::console {
namespace {

Error bad(const std::string& name, const std::string& expected, const std::string& got) {
  return Error::internal(name + ": expected " + expected + ", got " + got);
}

// Printable ASCII without spaces: what a client id or a scope token is (RFC 6749 A.1, A.4).
bool is_token(std::string_view s) {
  for (char c : s)
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  return !s.empty();
}

}  // namespace

std::optional<std::string> https_origin(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  auto rest = url.substr(kScheme.size());
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  for (char c : authority)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return std::nullopt;
  return std::string(kScheme) + std::string(authority);
}

Result<std::optional<OidcClient>> oidc_client_from_env(const Env& env) {
  auto client_id = env.get("CONCORD_CONSOLE_OIDC_CLIENT_ID");
  if (!client_id) return std::optional<OidcClient>{};
  if (client_id->size() > 255 || !is_token(*client_id))
    return fail(bad("CONCORD_CONSOLE_OIDC_CLIENT_ID", "the console's client id at the issuer (printable, no spaces)",
                    "'" + *client_id + "'"));
  auto issuer = env.get("CONCORD_OIDC_ISSUER");
  if (!issuer || !https_origin(*issuer))
    return fail(bad("CONCORD_OIDC_ISSUER", "the issuer's https:// URL (the console signs in there)",
                    issuer ? "'" + *issuer + "'" : "nothing"));
  OidcClient client{*issuer, *client_id, env.string("CONCORD_CONSOLE_OIDC_SCOPES", "openid")};
  // Space-separated scope tokens, openid among them (the nonce comes back in the ID token).
  std::string normalised;
  bool openid = false;
  for (size_t at = 0; at < client.scopes.size();) {
    auto end = client.scopes.find(' ', at);
    if (end == std::string::npos) end = client.scopes.size();
    std::string_view scope(client.scopes.data() + at, end - at);
    if (!scope.empty()) {
      if (!is_token(scope))
        return fail(bad("CONCORD_CONSOLE_OIDC_SCOPES", "space-separated scopes", "'" + client.scopes + "'"));
      openid = openid || scope == "openid";
      normalised += (normalised.empty() ? "" : " ") + std::string(scope);
    }
    at = end + 1;
  }
  if (!openid) return fail(bad("CONCORD_CONSOLE_OIDC_SCOPES", "scopes that include openid", "'" + client.scopes + "'"));
  client.scopes = normalised;
  return std::optional<OidcClient>(std::move(client));
}

void mount_config(http::Router& router, const std::optional<OidcClient>& oidc) {
  nlohmann::json body{{"oidc", nullptr}};
  if (oidc) body["oidc"] = {{"issuer", oidc->issuer}, {"client_id", oidc->client_id}, {"scopes", oidc->scopes}};
  router.get(
      "/console/v1/config",
      [body](http::Request&) -> Result<http::Response> {
        auto r = http::Response::json(200, body);
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      http::RouteOptions{.public_route = true, .body_limit = 0, .idempotent = false});
}

}  // namespace concord::console
