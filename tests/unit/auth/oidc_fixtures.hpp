#pragma once
// An OpenID Connect issuer in memory for the verifier's unit tests: RSA, EC P-256 and Ed25519
// keys made with OpenSSL, their JWKS, tokens signed by any of them with any algorithm (hostile
// ones included), and the fetch function the verifier is given, serving the discovery document
// and the JWKS and counting what it is asked. The real provider over HTTPS is tests/oidc.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/jwt.hpp"
#include "token_fixtures.hpp"

namespace concord::auth::testing {

inline const std::string kIssuer = "https://idp.example/realms/concord";
inline const std::string kOidcAudience = "concord-api";

enum class KeyKind { rsa, ec, ed25519, rsa_1024 };

class TestKey {
 public:
  explicit TestKey(KeyKind kind, std::string kid);
  ~TestKey();
  TestKey(TestKey&&) noexcept;
  const std::string& kid() const { return kid_; }
  // The public JWK; `alg` added when not empty.
  nlohmann::json jwk(const std::string& alg = "") const;
  // A signature over `input` made with the key by `alg` ("RS256", "PS256", "ES256", "EdDSA").
  std::string sign(const std::string& alg, std::string_view input) const;
  std::string public_pem() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string kid_;
};

const TestKey& rsa_key();      // kid "rsa-1"
const TestKey& ec_key();       // kid "ec-1"
const TestKey& ed25519_key();  // kid "ed-1"

class FakeIssuer {
 public:
  FakeIssuer();
  nlohmann::json jwks = nlohmann::json{{"keys", nlohmann::json::array()}};
  nlohmann::json discovery;
  bool down = false;
  int discovery_fetches = 0;
  int jwks_fetches = 0;
  HttpsGet fetcher();  // counts and answers from the members above; must outlive the verifier
};

OidcConfig oidc_config();  // kIssuer, kOidcAudience, realm_access.roles, role map below, 60 s
JwtConfig config_with_oidc();

// iss kIssuer, aud [kOidcAudience, "account"], sub "officer-kg", exp now + 1 h,
// realm_access.roles ["offline_access", "concord-officer"], country "kg".
nlohmann::json oidc_claims();
std::string oidc_token(const TestKey& key, const std::string& alg, const nlohmann::json& claims = oidc_claims(),
                       nlohmann::json header = nlohmann::json::object());

}  // namespace concord::auth::testing
