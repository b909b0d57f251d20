#include "concord/console/console.hpp"
#include "concord/core/log.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/service/api.hpp"

namespace concord::console {

SignIn::SignIn(auth::JwtConfig jwt, const Clock& clock, Options options)
    : jwt_(std::move(jwt)), clock_(clock), options_(std::move(options)) {}

std::string SignIn::issue() {
  return issue(
      Grant{.subject = options_.subject, .roles = {auth::Role::host_officer}, .member_id = {}, .delegation_id = {}});
}

std::string SignIn::issue(Grant grant) {
  std::string code = crypto::base64url_encode(crypto::random_bytes(32));
  std::lock_guard lock(mutex_);
  auto now = clock_.now();
  std::erase_if(codes_, [&](const auto& entry) { return entry.second.expires <= now; });
  codes_[crypto::sha256_hex(code)] = Pending{now + options_.code_ttl, std::move(grant)};
  return code;
}

Result<nlohmann::json> SignIn::exchange(std::string_view code) {
  auto refused = Error::unauthorized("this sign-in link is unknown, already used or expired; ask for a new one");
  if (code.empty() || code.size() > 128) return fail(refused);
  auto now = clock_.now();
  Grant grant;
  {
    std::lock_guard lock(mutex_);
    auto it = codes_.find(crypto::sha256_hex(code));
    if (it == codes_.end()) return fail(refused);
    bool expired = it->second.expires <= now;
    grant = std::move(it->second.grant);
    codes_.erase(it);  // used once, whatever happens next
    if (expired) return fail(refused);
  }
  auth::TokenRequest request;
  request.subject = grant.subject;
  request.roles = grant.roles;
  request.member_id = grant.member_id;
  request.delegation_id = grant.delegation_id;
  request.ttl = options_.session_ttl;
  request.issued_at = now;
  auto token = auth::mint(jwt_, request);
  if (!token) return fail(token.error());
  log::info("console sign-in link used", {{"subject", grant.subject}});
  nlohmann::json roles = nlohmann::json::array();
  for (auto role : grant.roles) roles.push_back(std::string(auth::to_string(role)));
  nlohmann::json session{{"token", *token},
                         {"expires_at", format_rfc3339_utc(now + options_.session_ttl)},
                         {"subject", grant.subject},
                         {"roles", roles}};
  if (grant.member_id) session["member_id"] = *grant.member_id;
  if (grant.delegation_id) session["delegation_id"] = *grant.delegation_id;
  return session;
}

void SignIn::mount(http::Router& router) {
  router.post(
      "/console/v1/sign-in",
      [this](http::Request& req) -> Result<http::Response> {
        auto body = service::api::body_object(req);
        if (!body) return fail(body.error());
        if (!body->contains("code") || !(*body)["code"].is_string())
          return fail(Error::validation("/code", "the sign-in code from the link is required"));
        auto session = exchange((*body)["code"].get<std::string>());
        if (!session) return fail(session.error());
        auto r = http::Response::json(200, *session);
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      // Public (the code is the credential) and never replayed by an Idempotency-Key.
      http::RouteOptions{.public_route = true, .body_limit = 4096, .idempotent = false});
}

}  // namespace concord::console
