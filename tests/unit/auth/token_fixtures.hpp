#pragma once
// Test helpers: a fixed "now", test keys, and a signer written directly against OpenSSL, so
// the tests can build any token (hostile ones included) without trusting the library's own
// minting code.
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/auth/jwt.hpp"

namespace concord::auth::testing {

using namespace std::chrono_literals;

inline const Timestamp kNow{std::chrono::seconds{1'760'000'000}};  // 2025-10-09T08:53:20Z
inline const std::string kSecret = "test-only-hs256-secret-0123456789abcdef";

std::int64_t seconds_of(Timestamp t);

std::string b64url(std::string_view bytes);
std::string hmac_sha256(std::string_view key, std::string_view input);
std::string ed25519_sign(std::string_view private_pem, std::string_view input);
// Another kind of key, for "not an Ed25519 key" checks.
std::string ec_p256_public_key_pem();

struct KeyPair {
  std::string public_pem;
  std::string private_pem;
};
const KeyPair& test_keys();   // one pair for the whole test run
const KeyPair& other_keys();  // a second, unrelated pair

JwtConfig config_for(Algorithm algorithm);
Verifier verifier_for(const JwtConfig& config);

nlohmann::json standard_header(Algorithm algorithm);
// iss and aud "concord", sub "user-1", iat now, exp now + 1 h, roles [protocol_officer].
nlohmann::json standard_claims();

// "<header>.<payload>.<signature>" with the segments exactly as given and a signature made
// with the configuration's key by `algorithm`'s method (which may differ from the config's).
std::string sign_segments(std::string_view header_segment, std::string_view payload_segment, Algorithm algorithm,
                          const JwtConfig& config);
std::string sign(const nlohmann::json& header, const nlohmann::json& claims, const JwtConfig& config);
std::string sign_claims(const nlohmann::json& claims, const JwtConfig& config);  // standard header

struct TokenParts {
  std::string header, payload, signature;
};
TokenParts parts_of(std::string_view token);

// A fresh directory under the system temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace concord::auth::testing
