#pragma once
// Public keys of a JSON Web Key Set (RFC 7517, 7518 §6, 8037) and the JWS algorithms they
// verify: RS256 and PS256 (RSA, 2048 bits or more), ES256 (EC P-256), EdDSA (OKP Ed25519).
// Private to libs/auth.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/core/error.hpp"
#include "crypto.hpp"

namespace concord::auth::detail {

enum class JwsAlg { rs256, ps256, es256, eddsa };
std::optional<JwsAlg> parse_jws_alg(std::string_view name);  // exact, case-sensitive; "Ed25519" is EdDSA
std::string_view to_string(JwsAlg alg);

enum class KeyType { rsa, ec_p256, ed25519 };
std::string_view to_string(KeyType type);
// The key type an algorithm needs: a token's alg must match its key's type.
KeyType key_type_for(JwsAlg alg);

struct Jwk {
  std::string kid;
  KeyType type = KeyType::rsa;
  std::optional<JwsAlg> alg;  // the key's own "alg", when the set states one
  Pkey key;
};
using KeySet = std::map<std::string, std::shared_ptr<const Jwk>, std::less<>>;

// Keys that are not for signatures (use other than "sig"), of types or curves this verifier
// does not use, or without a kid are skipped; a malformed key of a supported type is skipped
// too (one bad key must not hide the others). An error only when the text is not a JWKS.
Result<KeySet> parse_jwks(std::string_view text);

// `signature` as JWS carries it (raw r||s for ES256).
bool verify_jws(JwsAlg alg, EVP_PKEY& key, std::string_view signing_input, std::string_view signature);

}  // namespace concord::auth::detail
