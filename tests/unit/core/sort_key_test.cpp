#include "concord/core/sort_key.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

using concord::SortKey;

namespace {
std::string key(std::int64_t n, const std::string& s) {
  return SortKey().add(n).add(s).str();
}
}  // namespace

TEST(SortKey, integers_sort_as_numbers_negatives_first) {
  std::vector<std::int64_t> values{0, -1, 1, INT64_MIN, INT64_MAX, 255, 256, -256, 1'700'000'000'000'000};
  std::vector<std::string> keys;
  for (auto v : values) keys.push_back(SortKey().add(v).str());
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  for (size_t i = 1; i < order.size(); ++i) EXPECT_LT(values[order[i - 1]], values[order[i]]);
}

TEST(SortKey, compound_keys_sort_like_tuples_even_with_prefixes_and_nul_bytes) {
  std::mt19937 rng(7);
  std::vector<std::string> alphabet{"", "a", "ab", "b", std::string("a\0b", 3), std::string("a\0", 2), "\xFF", "Ж"};
  std::vector<std::tuple<std::int64_t, std::string, std::string>> tuples;
  for (int i = 0; i < 400; ++i)
    tuples.emplace_back(static_cast<std::int64_t>(rng() % 5) - 2, alphabet[rng() % alphabet.size()],
                        alphabet[rng() % alphabet.size()]);
  for (const auto& a : tuples)
    for (const auto& b : tuples) {
      auto ka = SortKey().add(std::get<0>(a)).add(std::get<1>(a)).add(std::get<2>(a)).str();
      auto kb = SortKey().add(std::get<0>(b)).add(std::get<1>(b)).add(std::get<2>(b)).str();
      ASSERT_EQ(a < b, ka < kb);
      ASSERT_EQ(a == b, ka == kb);
    }
}

TEST(SortKey, a_string_sorts_before_its_extensions) {
  EXPECT_LT(key(1, "Ivan"), key(1, "Ivanov"));
  EXPECT_LT(key(1, "Ivanov"), key(2, "A"));
}
