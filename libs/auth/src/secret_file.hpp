#pragma once
// The embedded default HS256 secret: <data_dir>/jwt-secret, 32 random bytes as 64 hex digits,
// created on first use with mode 0600 and published atomically (a fully written temporary file
// renamed into place without replacing), so processes that start together agree on one secret.
#include <string>

#include "concord/core/error.hpp"

namespace concord::auth::detail {

Result<std::string> embedded_secret(const std::string& data_dir);

}  // namespace concord::auth::detail
