#include "concord/core/secret.hpp"

#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace concord {

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex(const unsigned char* bytes, size_t n) {
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

bool starts_secret(std::string_view rest) {
  for (auto prefix : kSecretPrefixes)
    if (rest.starts_with(prefix)) return true;
  return false;
}

}  // namespace

std::string new_secret(std::string_view prefix) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
  return std::string(prefix) + hex(raw, sizeof raw);
}

bool is_secret(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix) || text.size() != prefix.size() + 64) return false;
  for (char c : text.substr(prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex(digest, n);
}

std::string redact_secrets(std::string_view target) {
  static_assert(kFeedSecretPrefix.size() == 3 && kTicketSecretPrefix.size() == 3);
  if (target.find('_') == std::string_view::npos) return std::string(target);  // the common case
  auto delimiter = [](char c) { return c == '/' || c == '?' || c == '&' || c == '#' || c == '='; };
  std::string out;
  out.reserve(target.size());
  size_t i = 0;
  while (i < target.size()) {
    bool boundary = i == 0 || delimiter(target[i - 1]);
    if (boundary && starts_secret(target.substr(i))) {
      out.append(target.substr(i, 3));
      out += "REDACTED";
      i += 3;
      while (i < target.size() && !delimiter(target[i])) ++i;
      continue;
    }
    out += target[i++];
  }
  return out;
}

}  // namespace concord
