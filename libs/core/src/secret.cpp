#include "concord/core/secret.hpp"

#include "concord/crypto/crypto.hpp"

namespace concord {

namespace {

bool starts_secret(std::string_view rest) {
  for (auto prefix : kSecretPrefixes)
    if (rest.starts_with(prefix)) return true;
  return false;
}

}  // namespace

std::string new_secret(std::string_view prefix) {
  return std::string(prefix) + crypto::to_hex(crypto::random_bytes(32));
}

bool is_secret(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix) || text.size() != prefix.size() + 64) return false;
  for (char c : text.substr(prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
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
