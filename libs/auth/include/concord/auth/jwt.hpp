#pragma once
// JSON Web Tokens (RFC 7519) signed with HS256 (development) or EdDSA/Ed25519 (production).
//
// The algorithm is pinned by configuration, never taken from the token: a token whose header
// names another algorithm ("none", HS256 against an EdDSA verifier, ...) is refused. The
// signature is checked before any claim is read. Required claims: exp, iss, aud, sub, roles
// (and member_id, delegation_id for delegation_member); nbf and iat are checked when present.
// Those member claims are only ever read from Concord's own tokens, and even then the
// delegation is taken from state when the state knows the member (identity.hpp).
// Every failure of verify() and authenticate() is Error::unauthorized (401 with
// WWW-Authenticate) whose detail says what is wrong and never contains key material.
// No OpenSSL type appears here: keys live behind the Verifier's private implementation.
//
// With an OpenID Connect issuer configured (oidc.hpp), a token whose header names a key (kid)
// is verified against that issuer's keys instead: RS256, PS256, ES256 or EdDSA, the algorithm
// matching the key's type (and the key's own alg when the JWKS states one); iss and aud are the
// issuer's; roles and country come from the configured claims; member_id and delegation_id
// claims are ignored (the member is the one linked to the token's issuer + subject). A token without kid is one of
// Concord's own (concord token) and is verified as above, so neither path accepts the other's.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/auth/oidc.hpp"
#include "concord/auth/principal.hpp"
#include "concord/core/config.hpp"
#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::auth {

enum class Algorithm { hs256, eddsa };
std::string_view to_string(Algorithm algorithm);  // "HS256", "EdDSA": the JWS "alg" names

inline constexpr std::size_t kMinHs256SecretBytes = 32;
inline constexpr std::chrono::seconds kMaxLeeway{60};
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;

struct JwtConfig {
  Algorithm algorithm = Algorithm::hs256;
  std::string hs256_secret;             // HS256: at least 32 bytes
  std::string ed25519_public_key_pem;   // EdDSA: verifies
  std::string ed25519_private_key_pem;  // EdDSA: only for minting
  std::string issuer = "concord";
  std::string audience = "concord";
  std::chrono::seconds leeway{60};  // clock skew allowed on exp, nbf and iat; 0..60 s
  std::optional<OidcConfig> oidc;   // tokens of an OpenID Connect issuer, beside Concord's own
};

class Verifier {
 public:
  // Refuses (Error::internal, a configuration problem) a short secret, a public key that is
  // not an Ed25519 PEM, an empty issuer or audience, a leeway outside 0..60 s, an OIDC issuer
  // that is not https:// or is Concord's own issuer, and OIDC without `fetch`.
  // `fetch` gets the issuer's discovery document and JWKS; it is called from verify(), at most
  // once per refetch interval, never concurrently.
  static Result<Verifier> create(JwtConfig config, HttpsGet fetch = {});

  Result<Principal> verify(std::string_view token, Timestamp now) const;
  // The value of the Authorization header: "Bearer <token>", the scheme in any case.
  Result<Principal> authenticate(std::optional<std::string_view> authorization_header, Timestamp now) const;

  Algorithm algorithm() const;

 private:
  struct Impl;
  explicit Verifier(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;  // immutable, so a Verifier is cheap to copy and share across threads
};

struct TokenRequest {
  std::string subject;
  std::vector<Role> roles;
  std::optional<std::string> member_id;
  std::optional<std::string> delegation_id;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2; required for a delegation_officer
  std::chrono::seconds ttl{std::chrono::hours{8}};
  Timestamp issued_at{};
};

// A token the Verifier built from the same configuration accepts: HS256 with the secret,
// EdDSA with the private key. Refuses (Error::bad_request) a request that the verifier would
// refuse: no subject, no roles, a delegation_member without member_id and delegation_id, a
// delegation_officer without a two-letter country, a ttl that is not positive.
Result<std::string> mint(const JwtConfig& config, const TokenRequest& request);

// Reads CONCORD_JWT_ALG (HS256 | EdDSA, default HS256), CONCORD_JWT_SECRET,
// CONCORD_JWT_PUBLIC_KEY, CONCORD_JWT_PRIVATE_KEY (PEM text, or a path to a PEM file),
// CONCORD_JWT_ISSUER, CONCORD_JWT_AUDIENCE (default "concord"), CONCORD_JWT_LEEWAY (seconds,
// at most 60, default 60). With HS256 and no CONCORD_JWT_SECRET the secret is the embedded
// default <data_dir>/jwt-secret, created on first use (32 random bytes as hex, mode 0600).
// CONCORD_OIDC_ISSUER set → oidc from CONCORD_OIDC_AUDIENCE (required), CONCORD_OIDC_ROLES_CLAIM
// (roles), CONCORD_OIDC_ROLE_MAP (value=role,...), CONCORD_OIDC_COUNTRY_CLAIM (country),
// CONCORD_OIDC_CA_FILE, CONCORD_OIDC_REFETCH_INTERVAL (60s).
// A bad value is an Error::internal whose detail names the variable, like ConfigError.
Result<JwtConfig> jwt_config_from_env(const Env& env, const std::string& data_dir);

// A fresh Ed25519 key pair as PEM: {public (SubjectPublicKeyInfo), private (PKCS#8)}.
Result<std::pair<std::string, std::string>> generate_ed25519_keypair_pem();

}  // namespace concord::auth
