#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "concord/auth/jwt.hpp"
#include "concord/crypto/crypto.hpp"

namespace concord::auth {
namespace {

constexpr long long kLastNumericDate = 253402300799;  // 9999-12-31T23:59:59Z, as the verifier accepts

// Refuse to mint what the verifier would refuse, so a mistake shows up here, not as a 401.
Status check_request(const TokenRequest& r) {
  if (r.subject.empty()) return fail(Error::bad_request("a token needs a subject", "/subject"));
  if (r.roles.empty()) return fail(Error::bad_request("a token needs at least one role", "/roles"));
  if (r.member_id && r.member_id->empty()) return fail(Error::bad_request("member_id must not be empty", "/member_id"));
  if (r.delegation_id && r.delegation_id->empty())
    return fail(Error::bad_request("delegation_id must not be empty", "/delegation_id"));
  bool member = std::find(r.roles.begin(), r.roles.end(), Role::delegation_member) != r.roles.end();
  if (member && (!r.member_id || !r.delegation_id))
    return fail(Error::bad_request("a delegation_member token needs member_id and delegation_id", "/roles"));
  bool delegation_officer = std::find(r.roles.begin(), r.roles.end(), Role::delegation_officer) != r.roles.end();
  if (r.country && (r.country->size() != 2 || !std::isalpha(static_cast<unsigned char>((*r.country)[0])) ||
                    !std::isalpha(static_cast<unsigned char>((*r.country)[1]))))
    return fail(Error::bad_request("country must be a two-letter code (ISO 3166-1 alpha-2)", "/country"));
  if (delegation_officer && !r.country)
    return fail(Error::bad_request("a delegation_officer token needs the officer's country", "/country"));
  if (r.ttl <= std::chrono::seconds{0}) return fail(Error::bad_request("the token's ttl must be positive", "/ttl"));
  if (r.issued_at < Timestamp{}) return fail(Error::bad_request("issued_at must not be before 1970", "/issued_at"));
  auto iat = std::chrono::floor<std::chrono::seconds>(r.issued_at.time_since_epoch()).count();
  if (r.ttl.count() > kLastNumericDate - iat)
    return fail(Error::bad_request("the token would expire after the year 9999", "/ttl"));
  return {};
}

nlohmann::json claims_of(const JwtConfig& config, const TokenRequest& r) {
  auto iat = std::chrono::floor<std::chrono::seconds>(r.issued_at.time_since_epoch()).count();
  nlohmann::json roles = nlohmann::json::array();
  std::vector<Role> seen;
  for (Role role : r.roles) {
    if (std::find(seen.begin(), seen.end(), role) != seen.end()) continue;
    seen.push_back(role);
    roles.push_back(std::string(to_string(role)));
  }
  nlohmann::json claims = {
      {"iss", config.issuer}, {"aud", config.audience},     {"sub", r.subject},
      {"iat", iat},           {"exp", iat + r.ttl.count()}, {"roles", std::move(roles)},
  };
  if (r.member_id) claims["member_id"] = *r.member_id;
  if (r.delegation_id) claims["delegation_id"] = *r.delegation_id;
  if (r.country) {
    std::string code = *r.country;
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    claims["country"] = code;
  }
  return claims;
}

}  // namespace

Result<std::string> mint(const JwtConfig& config, const TokenRequest& request) {
  if (auto ok = check_request(request); !ok) return fail(ok.error());
  if (config.issuer.empty() || config.audience.empty())
    return fail(Error::internal("the JWT issuer and audience must not be empty"));

  nlohmann::json header = {{"alg", std::string(to_string(config.algorithm))}, {"typ", "JWT"}};
  std::string signing_input =
      crypto::base64url_encode(header.dump()) + "." + crypto::base64url_encode(claims_of(config, request).dump());
  std::optional<std::string> signature;
  switch (config.algorithm) {
    case Algorithm::hs256:
      if (config.hs256_secret.size() < kMinHs256SecretBytes)
        return fail(Error::internal("the HS256 secret must be at least 32 bytes, got " +
                                    std::to_string(config.hs256_secret.size())));
      signature = crypto::hmac_sha256(config.hs256_secret, signing_input);
      break;
    case Algorithm::eddsa: {
      if (config.ed25519_private_key_pem.empty())
        return fail(Error::internal("minting an EdDSA token needs the Ed25519 private key"));
      auto key = crypto::ed25519_private_key_from_pem(config.ed25519_private_key_pem);
      if (!key) return fail(Error::internal("the EdDSA private key: " + key.error()));
      signature = crypto::ed25519_sign(*key, signing_input);
      break;
    }
  }
  if (!signature) return fail(Error::internal("signing the token failed"));
  return signing_input + "." + crypto::base64url_encode(*signature);
}

}  // namespace concord::auth
