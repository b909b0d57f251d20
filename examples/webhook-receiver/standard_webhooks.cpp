#include "standard_webhooks.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <optional>

namespace concord_example {
namespace {

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string base64_encode(const unsigned char* bytes, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> signing_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (!secret.starts_with(prefix)) return std::nullopt;
  return base64_decode(secret.substr(prefix.size()));
}

std::string expected_signature(const std::string& key, const Delivery& d) {
  std::string message;
  message.reserve(d.id.size() + d.timestamp.size() + d.body.size() + 2);
  message.append(d.id).append(".").append(d.timestamp).append(".").append(d.body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &mac_size);
  return base64_encode(mac, mac_size);
}

// Constant time in the signature's content, so a forger learns nothing from timing.
bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

const char* describe(Verdict verdict) {
  switch (verdict) {
    case Verdict::verified:
      return "verified";
    case Verdict::missing_headers:
      return "webhook-id, webhook-timestamp and webhook-signature are required";
    case Verdict::bad_timestamp:
      return "webhook-timestamp is not a number of seconds";
    case Verdict::stale_timestamp:
      return "webhook-timestamp is too far from now";
    case Verdict::no_valid_secret:
      return "no configured secret is a whsec_ secret";
    case Verdict::signature_mismatch:
      return "no signature matches";
  }
  return "unknown";
}

Verdict verify(const std::vector<std::string>& secrets, const Delivery& d, long long now, long long tolerance_seconds) {
  if (d.id.empty() || d.timestamp.empty() || d.signatures.empty()) return Verdict::missing_headers;
  long long timestamp = 0;
  auto [end, ec] = std::from_chars(d.timestamp.data(), d.timestamp.data() + d.timestamp.size(), timestamp);
  if (ec != std::errc() || end != d.timestamp.data() + d.timestamp.size() || timestamp < 0)
    return Verdict::bad_timestamp;
  long long skew = now > timestamp ? now - timestamp : timestamp - now;
  if (skew > tolerance_seconds) return Verdict::stale_timestamp;

  std::vector<std::string> expected;
  for (const auto& secret : secrets)
    if (auto key = signing_key(secret)) expected.push_back(expected_signature(*key, d));
  if (expected.empty()) return Verdict::no_valid_secret;

  std::string_view rest = d.signatures;
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    std::string_view token = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    constexpr std::string_view version = "v1,";
    if (!token.starts_with(version)) continue;  // other schemes (v1a: asymmetric) are not Concord's
    for (const auto& e : expected)
      if (same(token.substr(version.size()), e)) return Verdict::verified;
  }
  return Verdict::signature_mismatch;
}

}  // namespace concord_example
