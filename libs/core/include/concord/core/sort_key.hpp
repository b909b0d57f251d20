#pragma once
// Sort keys whose byte order is the order of their parts, so one std::map<std::string, …> can
// index items by a compound order (start time, then id; head first, then rank, then name…) and
// a list cursor can name a position in it as plain bytes.
//   - integers: 16 hex digits of the value with its sign bit flipped (negatives first);
//   - strings: bytes as they are, 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01, so a string
//     sorts before every longer string it is a prefix of.
#include <cstdint>
#include <string>
#include <string_view>

namespace concord {

class SortKey {
 public:
  SortKey& add(std::int64_t value) {
    auto bits = static_cast<std::uint64_t>(value) ^ (std::uint64_t{1} << 63);
    static constexpr char hex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) key_ += hex[(bits >> shift) & 0xF];
    return *this;
  }
  SortKey& add(std::string_view text) {
    for (char c : text) {
      key_ += c;
      if (c == '\0') key_ += '\xFF';
    }
    key_ += '\0';
    key_ += '\x01';
    return *this;
  }
  std::string str() && { return std::move(key_); }
  const std::string& str() const& { return key_; }

 private:
  std::string key_;
};

}  // namespace concord
