#pragma once
// Concord's one crypto library: SHA-256, HMAC-SHA256, base64 and base64url, Ed25519, constant-time
// comparison and the CSPRNG. OpenSSL does the work underneath; no OpenSSL type or header appears
// here. Bytes travel as std::string (raw, not text). Pure computation, no I/O: domain code may
// call it.
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace concord::crypto {

inline constexpr std::size_t kSha256Bytes = 32;
inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519PrivateKeyBytes = 32;  // the seed (RFC 8032 §5.1.5)
inline constexpr std::size_t kEd25519SignatureBytes = 64;

// SHA-256 (FIPS 180-4): 32 raw bytes, or 64 lowercase hex digits.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 (RFC 2104, RFC 4231): 32 raw bytes. Any key length.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Whether a and b hold the same bytes, in time that depends on their length only (the lengths
// themselves are taken as public).
bool equal_in_constant_time(std::string_view a, std::string_view b);

// n bytes from the operating system's CSPRNG (through OpenSSL's DRBG). Throws std::runtime_error
// when no randomness is to be had: nothing secret may be made without it.
std::string random_bytes(std::size_t n);

// Lowercase hex of raw bytes.
std::string to_hex(std::string_view bytes);

// Base64url without padding (RFC 4648 §5, as JOSE uses it, RFC 7515 §2). decode is strict:
// '=' padding, characters outside the URL-safe alphabet, an impossible length and non-zero
// unused trailing bits are all refused, so every byte string has exactly one accepted encoding.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 with padding (RFC 4648 §4). decode is strict: anything else (the URL-safe
// alphabet, whitespace, missing or misplaced padding, non-zero unused bits) is nullopt.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// Ed25519 (RFC 8032) on raw keys: a 32-byte public key, a 32-byte private key (the seed).
// ed25519_sign returns the 64-byte signature, nullopt for a malformed key.
std::optional<std::string> ed25519_sign(std::string_view private_key, std::string_view message);
// Whether `signature` is a valid signature of `message` under `public_key`; anything malformed
// is simply false.
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);
// The public key that belongs to a private key; nullopt for a malformed key.
std::optional<std::string> ed25519_public_key_of(std::string_view private_key);

// Keys in PEM (SubjectPublicKeyInfo "-----BEGIN PUBLIC KEY-----", unencrypted PKCS#8
// "-----BEGIN PRIVATE KEY-----"), read to raw keys. The error says what kind of text it was,
// never the text itself. An encrypted key fails to load: nothing ever prompts for a pass phrase.
std::expected<std::string, std::string> ed25519_public_key_from_pem(std::string_view pem);
std::expected<std::string, std::string> ed25519_private_key_from_pem(std::string_view pem);
// A fresh key pair as PEM: {public, private}.
std::expected<std::pair<std::string, std::string>, std::string> ed25519_generate_pem();

}  // namespace concord::crypto
