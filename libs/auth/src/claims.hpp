#pragma once
// The claims set of a token whose signature has already been verified, checked against what
// this service expects and turned into a Principal.
#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::auth::detail {

struct Expectations {
  std::string_view issuer;
  std::string_view audience;
  std::chrono::seconds leeway;
};

// Failures are Error::unauthorized.
Result<Principal> read_claims(const nlohmann::json& claims, const Expectations& expected, Timestamp now);

// At most 40 printable ASCII characters of untrusted text, quoted, for an error detail.
std::string quote_untrusted(std::string_view untrusted);

}  // namespace concord::auth::detail
