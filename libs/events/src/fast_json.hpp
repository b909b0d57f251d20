#pragma once
// A fast reader for the JSON that serialize() writes, into nlohmann::json. It takes a subset:
// objects, arrays, strings (UTF-8, with the two-character escapes), integers, true, false and
// null, nested at most kMaxDepth deep. For anything else — \u escapes, fractions, exponents,
// errors — it answers nullopt and the caller parses with nlohmann::json instead, so whatever it
// does accept it reads exactly as nlohmann::json::parse would (a test checks both agree).
// nlohmann's lexer keeps every character for its error messages; this one does not, which
// makes replays about a third faster.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace concord::events::detail {

inline constexpr int kMaxDepth = 64;

// The whole text must be one value (with white space around it).
std::optional<nlohmann::json> parse_json_subset(std::string_view text);
// One value at the start of `text`; `used` is how many bytes it took.
std::optional<nlohmann::json> read_json_subset(std::string_view text, size_t& used);

}  // namespace concord::events::detail
