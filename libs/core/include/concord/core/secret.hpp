#pragma once
// Bearer secrets that travel in URLs (calendar feed addresses, browser stream tickets): made
// from 256 random bits, kept only as their SHA-256 (a hash is enough for a secret with that much
// entropy: no salt or slow hash is needed, and the lookup is one map find), and never written to
// a log: every secret begins with one of kSecretPrefixes, and redact_secrets() masks it wherever
// it stands in a path or a query.
#include <array>
#include <string>
#include <string_view>

namespace concord {

inline constexpr std::string_view kFeedSecretPrefix = "cf_";    // calendar feed addresses
inline constexpr std::string_view kTicketSecretPrefix = "st_";  // browser stream tickets
inline constexpr std::array<std::string_view, 2> kSecretPrefixes = {kFeedSecretPrefix, kTicketSecretPrefix};

// `prefix` followed by 64 lowercase hex digits (32 bytes from the CSPRNG).
std::string new_secret(std::string_view prefix);
// True when `text` has the shape new_secret(prefix) gives.
bool is_secret(std::string_view text, std::string_view prefix);
// (The SHA-256 of a secret, as it is kept: concord::crypto::sha256_hex.)
// `target` (a path, or a path and query) with every secret-shaped piece — a path segment or a
// query value that begins with one of kSecretPrefixes — cut to its prefix and "REDACTED":
// "/v1/calendar-feeds/cf_0123…/programme.ics" → "/v1/calendar-feeds/cf_REDACTED/programme.ics".
// A mangled secret is masked too: whatever follows the prefix, up to the next '/', '?', '&' or
// '#', goes.
std::string redact_secrets(std::string_view target);

}  // namespace concord
