#include "concord/auth/cached_verifier.hpp"

namespace concord::auth {

CachedVerifier::CachedVerifier(Verifier verifier, size_t capacity)
    : verifier_(std::move(verifier)), capacity_(capacity) {}

Result<Principal> CachedVerifier::authenticate(std::optional<std::string_view> header, Timestamp now) const {
  if (header) {
    std::lock_guard lock(mutex_);
    auto it = accepted_.find(std::string(*header));
    if (it != accepted_.end()) {
      // The verifier allows up to kMaxLeeway past exp; the cache allows none, so it can only
      // refuse earlier than the verifier would, never later.
      if (now < it->second.expires_at) return it->second;
      accepted_.erase(it);
    }
  }
  auto principal = verifier_.authenticate(header, now);
  if (principal && header) {
    std::lock_guard lock(mutex_);
    if (accepted_.size() >= capacity_) accepted_.clear();  // crude but bounded; refills at once
    accepted_.emplace(std::string(*header), *principal);
  }
  return principal;
}

}  // namespace concord::auth
