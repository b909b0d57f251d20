#include <gtest/gtest.h>

#include <set>

#include "concord/core/id.hpp"

using namespace concord;

TEST(Uuid, v7_has_version_and_variant_bits) {
  auto id = new_uuid_v7();
  ASSERT_TRUE(is_uuid(id));
  EXPECT_EQ(id[14], '7');
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

TEST(Uuid, v7_sorts_by_creation_even_within_one_millisecond) {
  ManualClock clock{Timestamp{std::chrono::milliseconds{1'759'000'000'000}}};
  UuidV7Generator gen(clock);
  std::string previous = gen.next();
  std::set<std::string> seen{previous};
  for (int i = 0; i < 10000; ++i) {
    auto next = gen.next();
    EXPECT_LT(previous, next);
    seen.insert(next);
    previous = next;
  }
  EXPECT_EQ(seen.size(), 10001u);
}

TEST(Uuid, v7_embeds_the_clock_time) {
  ManualClock clock{Timestamp{std::chrono::milliseconds{0x01A0'8A2B'3C4D}}};
  UuidV7Generator gen(clock);
  auto id = gen.next();
  EXPECT_EQ(id.substr(0, 13), "01a08a2b-3c4d");
}

TEST(Uuid, recognises_only_canonical_form) {
  EXPECT_TRUE(is_uuid("01998a2b-3c4d-7000-8000-000000000001"));
  EXPECT_FALSE(is_uuid("01998a2b3c4d70008000000000000001"));
  EXPECT_FALSE(is_uuid("01998a2b-3c4d-7000-8000-00000000000g"));
  EXPECT_FALSE(is_uuid(""));
}

TEST(Uuid, sequential_generator_is_repeatable) {
  SequentialIdGenerator a, b;
  EXPECT_EQ(a.next(), "00000000-0000-7000-8000-000000000001");
  b.next();
  EXPECT_EQ(a.next(), b.next());
}

TEST(Uuid, request_ids_are_v7_shaped_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_request_id();
    ASSERT_TRUE(is_uuid(id));
    EXPECT_EQ(id[14], '7');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}
