#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "crc32c.hpp"

using concord::events::detail::crc32c;
using concord::events::detail::crc32c_portable;

TEST(Crc32c, matches_the_published_check_values) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c_portable("123456789", 9), 0xE3069283u);
  std::vector<unsigned char> zeros(32, 0), ones(32, 0xFF);
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(crc32c("", 0), 0u);
}

TEST(Crc32c, hardware_and_table_paths_agree_and_chain) {
  std::mt19937 rng(7);
  std::string data(10'000, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (size_t len : {1u, 7u, 8u, 9u, 63u, 4096u, 10'000u}) {
    for (size_t skew : {0u, 1u, 3u}) {
      if (skew + len > data.size()) continue;
      const char* p = data.data() + skew;
      EXPECT_EQ(crc32c(p, len), crc32c_portable(p, len)) << len << "+" << skew;
      size_t half = len / 2;
      EXPECT_EQ(crc32c(p + half, len - half, crc32c(p, half)), crc32c(p, len));
    }
  }
}

TEST(Crc32c, notices_a_flipped_bit) {
  std::string text = "{\"id\":\"x\"}";
  auto before = crc32c(text.data(), text.size());
  text[3] ^= 0x04;
  EXPECT_NE(crc32c(text.data(), text.size()), before);
}
