#include "oidc_keys.hpp"

#include "claims.hpp"
#include "concord/core/log.hpp"
#include "strict_json.hpp"

namespace concord::auth::detail {
namespace {

constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";

std::string discovery_url(std::string issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return issuer + std::string(kDiscoveryPath);
}

}  // namespace

OidcKeys::OidcKeys(std::string issuer, std::string ca_file, std::chrono::seconds refetch_interval, HttpsGet fetch)
    : issuer_(std::move(issuer)), ca_file_(std::move(ca_file)), interval_(refetch_interval), fetch_(std::move(fetch)) {}

bool OidcKeys::may_fetch(Timestamp now) const {
  // A clock that went back counts as time passed: otherwise a step back would freeze the keys.
  return !last_attempt_ || now >= *last_attempt_ + interval_ || now < *last_attempt_;
}

Status OidcKeys::refetch() const {
  std::string jwks_uri;
  {
    std::lock_guard lock(mutex_);
    jwks_uri = jwks_uri_;
  }
  if (jwks_uri.empty()) {
    auto body = fetch_(discovery_url(issuer_), ca_file_);
    if (!body) return fail(Error::unavailable("the issuer's discovery document: " + body.error().detail));
    auto doc = parse_json_object(*body);
    if (!doc) return fail(Error::unavailable("the issuer's discovery document " + doc.error()));
    auto iss = doc->find("issuer");
    if (iss == doc->end() || !iss->is_string() || iss->get_ref<const std::string&>() != issuer_)
      return fail(Error::unavailable("the discovery document names another issuer than " + issuer_));
    auto uri = doc->find("jwks_uri");
    if (uri == doc->end() || !uri->is_string() || !uri->get_ref<const std::string&>().starts_with("https://"))
      return fail(Error::unavailable("the discovery document has no https:// jwks_uri"));
    jwks_uri = uri->get<std::string>();
  }
  auto body = fetch_(jwks_uri, ca_file_);
  if (!body) return fail(Error::unavailable("the issuer's JWKS: " + body.error().detail));
  auto keys = parse_jwks(*body);
  if (!keys) return fail(keys.error());
  std::lock_guard lock(mutex_);
  jwks_uri_ = std::move(jwks_uri);
  keys_ = std::make_shared<const KeySet>(std::move(*keys));
  return {};
}

Result<std::shared_ptr<const Jwk>> OidcKeys::key(std::string_view kid, Timestamp now) const {
  auto lookup = [&]() -> std::shared_ptr<const Jwk> {
    if (!keys_) return nullptr;
    auto it = keys_->find(kid);
    return it == keys_->end() ? nullptr : it->second;
  };
  auto refusal = [&]() -> Error {
    if (!keys_)
      return Error::unavailable("the keys of the identity provider " + issuer_ + " could not be fetched" +
                                (last_failure_.empty() ? "" : ": " + last_failure_));
    return Error::unauthorized("the token is signed with a key (kid " + quote_untrusted(kid) +
                               ") that the issuer does not publish");
  };
  {
    std::lock_guard lock(mutex_);
    if (auto found = lookup()) return found;
    if (!may_fetch(now)) return fail(refusal());
  }
  std::lock_guard fetching(fetch_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (auto found = lookup()) return found;  // another thread fetched it meanwhile
    if (!may_fetch(now)) return fail(refusal());
    last_attempt_ = now;
  }
  auto fetched = refetch();
  std::lock_guard lock(mutex_);
  last_failure_ = fetched ? "" : fetched.error().detail;
  if (fetched)
    log::info("oidc: keys fetched", {{"issuer", issuer_}, {"keys", static_cast<long long>(keys_->size())}});
  else
    log::warn("oidc: fetching the issuer's keys failed", {{"issuer", issuer_}, {"error", last_failure_}});
  if (auto found = lookup()) return found;
  return fail(refusal());
}

}  // namespace concord::auth::detail
