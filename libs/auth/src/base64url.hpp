#pragma once
// Base64url without padding (RFC 7515 §2), decoded strictly: '=' padding, characters outside
// the URL-safe alphabet, an impossible length and non-zero unused trailing bits are all
// refused, so every byte string has exactly one accepted encoding.
#include <optional>
#include <string>
#include <string_view>

namespace concord::auth::detail {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace concord::auth::detail
