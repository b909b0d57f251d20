#pragma once
// concord-console: the web console of protocol officers and delegation members. Stateless: it
// serves the application compiled into the binary and gives the browser one origin for every
// service's API:
//   GET /, /index.html, /assets/...         the application (hashed assets cached for a year)
//   GET /console/v1/config                   how to sign in: the OpenID Connect issuer and client,
//                                            or null (oidc_client.hpp)
//   POST /console/v1/sign-in                 a one-time sign-in code → a session token
//   POST /console/v1/members/{id}/sign-in-link   an officer issues a member's one-time code
//   GET /console/v1/visits/{id}/changes      Server-Sent Events: the visit's programme or
//                                            documents changed (read from the log)
//   /api/<service>/v1/...                    the service's own /v1/... (in process in
//                                            `concord serve`, forwarded by concord-console,
//                                            live streams included)
// Every response carries the security headers below.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/jwt.hpp"
#include "concord/console/assets.hpp"
#include "concord/core/time.hpp"
#include "concord/http/router.hpp"

namespace concord::console {

// Content-Security-Policy (no inline script, no framing), X-Content-Type-Options,
// Referrer-Policy, X-Frame-Options, Cross-Origin-Opener-Policy, Permissions-Policy.
// `connect_also`: one more origin the application may fetch from (the OpenID Connect issuer's,
// oidc_client.hpp); connect-src is 'self' alone without it.
void add_security_headers(http::Headers& headers, std::string_view connect_also = {});
// The same router with the security headers added to every route's response.
http::Router with_security_headers(const http::Router& router, std::string_view connect_also = {});

// Which stored variant answers an Accept-Encoding: "br", "gzip" or "" (identity). Honours q=0.
std::string_view choose_encoding(std::optional<std::string_view> accept_encoding, bool has_brotli, bool has_gzip);

// GET / and every asset; any other GET path is 404.
void mount_assets(http::Router& router, std::span<const Asset> assets);

// One-time sign-in codes, as Jupyter prints its token link: the code travels in the link's
// fragment (never sent to a server by the browser on its own), the application exchanges it
// once for a session token and drops it from the address bar. A code is for a protocol officer
// (the printed link) or for one delegation member (issued by an officer, see
// mount_member_links).
class SignIn {
 public:
  struct Options {
    std::chrono::seconds session_ttl{std::chrono::hours(8)};
    std::chrono::seconds code_ttl{std::chrono::hours(12)};
    std::string subject = "protocol-officer";
  };
  // Whom a code signs in.
  struct Grant {
    std::string subject;
    std::vector<auth::Role> roles;
    std::optional<std::string> member_id;
    std::optional<std::string> delegation_id;
  };
  SignIn(auth::JwtConfig jwt, const Clock& clock, Options options);
  std::string issue();             // a new one-time code for a protocol officer
  std::string issue(Grant grant);  // a new one-time code for anyone
  Timestamp code_expiry() const { return clock_.now() + options_.code_ttl; }
  // {"token", "expires_at", "subject", "roles"[, "member_id", "delegation_id"]}; 401 for a code
  // that is unknown, used or expired.
  Result<nlohmann::json> exchange(std::string_view code);
  void mount(http::Router& router);

 private:
  struct Pending {
    Timestamp expires;
    Grant grant;
  };
  auth::JwtConfig jwt_;
  const Clock& clock_;
  Options options_;
  std::mutex mutex_;
  std::map<std::string, Pending> codes_;  // SHA-256 of the code (hex) → when it expires, whom for
};

// POST /console/v1/members/{id}/sign-in-link (protocol officers and admins): a one-time
// sign-in code for that delegation member, {"code", "path": "/#signin=<code>", "expires_at",
// "member_id", "delegation_id"}. The member is read through `api` (the console's own
// /api/delegations/ route, in process or forwarded, with the officer's own credentials), so
// their delegation comes from the delegations service's state, and a withdrawn or unknown
// member gets no link (409, 404).
void mount_member_links(http::Router& router, SignIn& sign_in, std::shared_ptr<const http::Router> api);

// /api/<name>/<path> → the service's own route /<path>, in this process, with the target and path
// the service would see (/<path>); pass the host's in_process_routes(), so a write's answer
// carries Concord-Position, a read with Concord-Min-Position waits on any replica, and an
// Idempotency-Key is the service's, claimed under the signed-in user as a request sent to the
// service itself would be (the console claims none of its own on these routes).
void mount_in_process(http::Router& router, const std::string& name, const http::Router& service_routes);
// /api/<name>/<path> → forwarded to base_url (http://host:port) + /<path>, headers and body as
// they came. A GET accepting text/event-stream goes through `streams`, which passes a live
// stream on as it arrives (stream_forward.hpp); without it such a request is 404.
class StreamForwarder;
void mount_forward(http::Router& router, const std::string& name, const std::string& base_url,
                   std::shared_ptr<StreamForwarder> streams);
// /api/<anything else> → 404 as problem+json (rather than the application).
void mount_api_not_found(http::Router& router);

}  // namespace concord::console
