#include <algorithm>
#include <cctype>
#include <exception>

#include <openssl/crypto.h>

#include "claims.hpp"
#include "concord/auth/jwt.hpp"
#include "concord/core/ascii.hpp"
#include "concord/crypto/crypto.hpp"
#include "jwk.hpp"
#include "oidc_keys.hpp"
#include "strict_json.hpp"

namespace concord::auth {
namespace {

Error unauthorized(std::string detail) {
  return Error::unauthorized(std::move(detail));
}

struct Segments {
  std::string_view header, payload, signature, signing_input;
};

Result<Segments> split(std::string_view token) {
  if (token.empty()) return fail(unauthorized("the bearer token is empty"));
  if (token.size() > kMaxTokenBytes) return fail(unauthorized("the token is larger than 8 KiB"));
  auto dots = std::count(token.begin(), token.end(), '.');
  if (dots != 2)
    return fail(
        unauthorized("the token must be three base64url segments separated by '.' (header.payload.signature), not " +
                     std::to_string(dots + 1)));
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  return Segments{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
                  token.substr(0, second)};
}

// RFC 7515 §4.1.9: typ is advisory; when present it must say this is a JWT and not some other
// kind of object signed with the same key.
bool acceptable_typ(std::string_view typ) {
  if (typ.size() > 12 && ascii_iequals(typ.substr(0, 12), "application/")) typ.remove_prefix(12);
  return ascii_iequals(typ, "JWT") || ascii_iequals(typ, "at+jwt");
}

Result<nlohmann::json> parse_header(std::string_view encoded) {
  auto text = crypto::base64url_decode(encoded);
  if (!text) return fail(unauthorized("the token header is not base64url without padding"));
  auto header = detail::parse_json_object(*text);
  if (!header) return fail(unauthorized("the token header " + header.error()));
  if (header->contains("crit"))
    return fail(unauthorized("the token header lists critical extensions (crit), which this service does not support"));
  auto typ = header->find("typ");
  if (typ != header->end() && (!typ->is_string() || !acceptable_typ(typ->get_ref<const std::string&>())))
    return fail(unauthorized("the token header's typ is not JWT"));
  return std::move(*header);
}

Status check_pinned_alg(const nlohmann::json& header, Algorithm pinned) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return fail(unauthorized("the token header has no algorithm (alg)"));
  const auto& name = alg->get_ref<const std::string&>();
  if (name != to_string(pinned))
    return fail(unauthorized("the token is signed with " + detail::quote_untrusted(name) +
                             " but this service accepts only " + std::string(to_string(pinned))));
  return {};
}

Result<std::string_view> signature_of(const Segments& segments, std::string& storage) {
  auto signature = crypto::base64url_decode(segments.signature);
  if (!signature) return fail(unauthorized("the token signature is not base64url without padding"));
  if (signature->empty()) return fail(unauthorized("the token is not signed"));
  storage = std::move(*signature);
  return std::string_view(storage);
}

Result<nlohmann::json> payload_of(const Segments& segments) {
  auto text = crypto::base64url_decode(segments.payload);
  if (!text) return fail(unauthorized("the token payload is not base64url without padding"));
  auto claims = detail::parse_json_object(*text);
  if (!claims) return fail(unauthorized("the token payload " + claims.error()));
  return std::move(*claims);
}

// The OpenID Connect issuer's tokens: the key named by kid, an algorithm of that key's type.
struct OidcPath {
  std::string issuer;
  std::string audience;
  detail::ClaimMapping mapping;
  std::unique_ptr<detail::OidcKeys> keys;

  Result<Principal> verify(const Segments& segments, const nlohmann::json& header, std::chrono::seconds leeway,
                           Timestamp now) const {
    auto alg_member = header.find("alg");
    if (alg_member == header.end() || !alg_member->is_string())
      return fail(unauthorized("the token header has no algorithm (alg)"));
    const auto& name = alg_member->get_ref<const std::string&>();
    auto alg = detail::parse_jws_alg(name);
    if (!alg)
      return fail(unauthorized("the token is signed with " + detail::quote_untrusted(name) +
                               " but this service accepts only RS256, PS256, ES256 or EdDSA from " + issuer));
    const auto& kid_member = header.at("kid");
    if (!kid_member.is_string() || kid_member.get_ref<const std::string&>().empty())
      return fail(unauthorized("the token header's key id (kid) must be a non-empty string"));
    std::string signature_bytes;
    auto signature = signature_of(segments, signature_bytes);
    if (!signature) return fail(signature.error());
    auto key = keys->key(kid_member.get_ref<const std::string&>(), now);
    if (!key) return fail(key.error());
    const detail::Jwk& jwk = **key;
    if (detail::key_type_for(*alg) != jwk.type || (jwk.alg && *jwk.alg != *alg))
      return fail(unauthorized("the token is signed with " + std::string(detail::to_string(*alg)) + " but its key (" +
                               std::string(detail::to_string(jwk.type)) +
                               (jwk.alg ? ", " + std::string(detail::to_string(*jwk.alg)) : std::string()) +
                               ") is not for that algorithm"));
    if (!detail::verify_jws(*alg, *jwk.key, segments.signing_input, *signature))
      return fail(unauthorized("the token signature does not verify"));
    auto claims = payload_of(segments);
    if (!claims) return fail(claims.error());
    return detail::read_claims(*claims, {issuer, audience, leeway, &mapping}, now);
  }
};

}  // namespace

std::string_view to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::hs256:
      return "HS256";
    case Algorithm::eddsa:
      return "EdDSA";
  }
  return "unknown";
}

struct Verifier::Impl {
  Algorithm algorithm = Algorithm::hs256;
  std::string hmac_key;
  std::string public_key;  // raw Ed25519
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{};
  std::optional<OidcPath> oidc;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { OPENSSL_cleanse(hmac_key.data(), hmac_key.size()); }

  bool signature_verifies(std::string_view signing_input, std::string_view signature) const {
    switch (algorithm) {
      case Algorithm::hs256: {
        return crypto::equal_in_constant_time(crypto::hmac_sha256(hmac_key, signing_input), signature);
      }
      case Algorithm::eddsa:
        return crypto::ed25519_verify(public_key, signing_input, signature);
    }
    return false;
  }

  Result<Principal> verify(std::string_view token, Timestamp now) const {
    auto segments = split(token);
    if (!segments) return fail(segments.error());
    auto header = parse_header(segments->header);
    if (!header) return fail(header.error());
    // A key id means the OpenID Connect issuer's key; Concord's own tokens carry none. The
    // payload is never looked at to choose: only the header, then the signature, then claims.
    if (oidc && header->contains("kid")) return oidc->verify(*segments, *header, leeway, now);
    if (auto ok = check_pinned_alg(*header, algorithm); !ok) return fail(ok.error());

    std::string signature_bytes;
    auto signature = signature_of(*segments, signature_bytes);
    if (!signature) return fail(signature.error());
    if (!signature_verifies(segments->signing_input, *signature))
      return fail(unauthorized("the token signature does not verify"));

    // Only now, with the signature verified, is anything in the payload looked at.
    auto claims = payload_of(*segments);
    if (!claims) return fail(claims.error());
    return detail::read_claims(*claims, {issuer, audience, leeway}, now);
  }
};

Verifier::Verifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<Verifier> Verifier::create(JwtConfig config, HttpsGet fetch) {
  if (config.leeway < std::chrono::seconds{0} || config.leeway > kMaxLeeway)
    return fail(
        Error::internal("the JWT leeway must be from 0 to 60 seconds, got " + std::to_string(config.leeway.count())));
  if (config.issuer.empty()) return fail(Error::internal("the JWT issuer must not be empty"));
  if (config.audience.empty()) return fail(Error::internal("the JWT audience must not be empty"));

  auto impl = std::make_shared<Impl>();
  impl->algorithm = config.algorithm;
  switch (config.algorithm) {
    case Algorithm::hs256:
      if (config.hs256_secret.size() < kMinHs256SecretBytes)
        return fail(Error::internal("the HS256 secret must be at least 32 bytes, got " +
                                    std::to_string(config.hs256_secret.size())));
      impl->hmac_key = std::move(config.hs256_secret);
      break;
    case Algorithm::eddsa: {
      auto key = crypto::ed25519_public_key_from_pem(config.ed25519_public_key_pem);
      if (!key) return fail(Error::internal("the EdDSA public key: " + key.error()));
      impl->public_key = std::move(*key);
      break;
    }
  }
  OPENSSL_cleanse(config.hs256_secret.data(), config.hs256_secret.size());
  if (config.oidc) {
    auto& o = *config.oidc;
    if (!o.issuer.starts_with("https://"))
      return fail(Error::internal("the OpenID Connect issuer must be an https:// URL, got '" + o.issuer + "'"));
    if (o.issuer == config.issuer)
      return fail(Error::internal("the OpenID Connect issuer must differ from Concord's own token issuer"));
    if (o.audience.empty()) return fail(Error::internal("the OpenID Connect audience must not be empty"));
    if (o.roles_claim.empty() || o.country_claim.empty())
      return fail(Error::internal("the OpenID Connect roles and country claims must not be empty"));
    if (o.refetch_interval < std::chrono::seconds{1})
      return fail(Error::internal("the OpenID Connect key refetch interval must be at least one second"));
    if (!fetch) return fail(Error::internal("OpenID Connect needs a way to fetch the issuer's keys"));
    OidcPath path;
    path.issuer = o.issuer;
    path.audience = o.audience;
    path.mapping = {o.roles_claim, o.country_claim, o.role_map};
    path.keys = std::make_unique<detail::OidcKeys>(o.issuer, o.ca_file, o.refetch_interval, std::move(fetch));
    impl->oidc.emplace(std::move(path));
  }
  impl->issuer = std::move(config.issuer);
  impl->audience = std::move(config.audience);
  impl->leeway = config.leeway;
  return Verifier(std::move(impl));
}

Algorithm Verifier::algorithm() const {
  return impl_->algorithm;
}

Result<Principal> Verifier::verify(std::string_view token, Timestamp now) const {
  try {
    return impl_->verify(token, now);
  } catch (const std::exception&) {
    // Nothing above is expected to throw; if something does (allocation), it is still a 401.
    return fail(unauthorized("the token could not be read"));
  }
}

Result<Principal> Verifier::authenticate(std::optional<std::string_view> authorization_header, Timestamp now) const {
  if (!authorization_header)
    return fail(unauthorized("the request has no Authorization header; send Authorization: Bearer <token>"));
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  std::string_view value = *authorization_header;
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  auto end_of_scheme = std::find_if(value.begin(), value.end(), is_space);
  std::string_view scheme(value.begin(), end_of_scheme);
  if (!ascii_iequals(scheme, "Bearer"))
    return fail(unauthorized("the Authorization header must use the Bearer scheme: Authorization: Bearer <token>"));
  std::string_view token(end_of_scheme, value.end());
  while (!token.empty() && is_space(token.front())) token.remove_prefix(1);
  if (token.empty()) return fail(unauthorized("the Authorization header has no bearer token"));
  return verify(token, now);
}

}  // namespace concord::auth
