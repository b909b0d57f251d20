#pragma once
// The signing keys of one OpenID Connect issuer: found through its discovery document
// (/.well-known/openid-configuration), fetched from its jwks_uri, cached. A key id the cache
// lacks makes everything be fetched again, at most once per refetch interval and never by two
// threads at once, so a key rotation is followed without a restart and a flood of made-up key
// ids costs at most one fetch per interval. A fetch replaces the whole set: a key the issuer
// has withdrawn stops verifying.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "concord/auth/oidc.hpp"
#include "concord/core/time.hpp"
#include "jwk.hpp"

namespace concord::auth::detail {

class OidcKeys {
 public:
  OidcKeys(std::string issuer, std::string ca_file, std::chrono::seconds refetch_interval, HttpsGet fetch);

  // Error::unauthorized for a key id the issuer does not have (after a refetch, or while a
  // refetch is not yet allowed); Error::unavailable when the keys could never be fetched.
  Result<std::shared_ptr<const Jwk>> key(std::string_view kid, Timestamp now) const;

 private:
  Status refetch() const;  // under fetch_mutex_
  bool may_fetch(Timestamp now) const;

  std::string issuer_;
  std::string ca_file_;
  std::chrono::seconds interval_;
  HttpsGet fetch_;

  mutable std::mutex fetch_mutex_;  // one fetch at a time
  mutable std::mutex mutex_;        // the fields below
  mutable std::string jwks_uri_;    // from discovery, once it succeeded
  mutable std::shared_ptr<const KeySet> keys_;
  mutable std::optional<Timestamp> last_attempt_;
  mutable std::string last_failure_;
};

}  // namespace concord::auth::detail
