#pragma once
// A Verifier that remembers the tokens it has accepted, so a client sending the same token on
// every request pays for the signature and the JSON once. A remembered token is still refused
// from the moment it expires; nothing else about a token can change, since its bytes are signed.
#include <mutex>
#include <string>
#include <unordered_map>

#include "concord/auth/jwt.hpp"

namespace concord::auth {

class CachedVerifier {
 public:
  explicit CachedVerifier(Verifier verifier, size_t capacity = 10000);
  Result<Principal> authenticate(std::optional<std::string_view> authorization_header, Timestamp now) const;

 private:
  Verifier verifier_;
  size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Principal> accepted_;
};

}  // namespace concord::auth
