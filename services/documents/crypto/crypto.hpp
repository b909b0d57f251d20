#pragma once
// The few cryptographic operations the documents service needs, on OpenSSL: SHA-256 (version
// digests and the audit chain), Ed25519 verification (digital signatures) and base64. Pure
// computation, no I/O, so the domain may call it.
#include <optional>
#include <string>
#include <string_view>

namespace concord::documents::crypto {

std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

// Standard base64 (RFC 4648 §4) with padding. decode refuses anything else (URL-safe
// alphabet, whitespace, wrong padding) with nullopt.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// Whether `signature` (64 bytes) is a valid Ed25519 signature of `message` under the raw
// 32-byte `public_key`. Anything malformed is simply false.
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

}  // namespace concord::documents::crypto
