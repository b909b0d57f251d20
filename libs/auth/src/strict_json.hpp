#pragma once
// JOSE header and claims set parsing: a JSON object, nested at most a few levels, with no
// member named twice (RFC 7519 §4 lets a parser take the last one; refusing removes any doubt
// about which one another parser would have taken). Never throws.
#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace concord::auth::detail {

// On failure, the rest of a sentence about the text: "is not valid JSON", "names a member twice", ...
std::expected<nlohmann::json, std::string> parse_json_object(std::string_view text);

}  // namespace concord::auth::detail
