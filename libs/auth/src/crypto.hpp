#pragma once
// The few OpenSSL 3 operations JWTs need, behind value-returning functions. Private to
// libs/auth: nothing outside this directory includes an OpenSSL header through us.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "concord/core/error.hpp"

namespace concord::auth::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

inline constexpr std::size_t kHs256Bytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

std::optional<std::string> hmac_sha256(std::string_view key, std::string_view data);
// CRYPTO_memcmp over equal lengths; the lengths themselves are public (fixed by the algorithm).
bool equal_in_constant_time(std::string_view a, std::string_view b);

// The detail of a failure says what kind of text it was, never the text itself.
Result<Pkey> load_ed25519_public_key(std::string_view pem);
Result<Pkey> load_ed25519_private_key(std::string_view pem);
std::optional<std::string> raw_public_key(const EVP_PKEY& key);

std::optional<std::string> ed25519_sign(EVP_PKEY& private_key, std::string_view data);
bool ed25519_verify(EVP_PKEY& public_key, std::string_view data, std::string_view signature);

std::optional<std::string> random_bytes(std::size_t n);
std::string to_hex(std::string_view bytes);

}  // namespace concord::auth::detail
