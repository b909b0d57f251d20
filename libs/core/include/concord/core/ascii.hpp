#pragma once
// ASCII case-insensitive comparison, for what protocols define as case-insensitive (HTTP
// schemes, media types, JOSE header values, algorithm names): never locale-dependent.
#include <algorithm>
#include <string_view>

namespace concord {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace concord
