#include <gtest/gtest.h>

#include "concord/core/config.hpp"

using namespace concord;
using namespace std::chrono_literals;

TEST(Config, defaults_apply_when_unset_or_empty) {
  auto env = Env::from_map({{"EMPTY", ""}});
  EXPECT_EQ(env.string("EMPTY", "fallback"), "fallback");
  EXPECT_EQ(env.integer("MISSING", 7, 0, 10), 7);
  EXPECT_EQ(env.duration("MISSING", 5s), 5s);
}

TEST(Config, bad_values_name_the_variable_and_what_was_expected) {
  auto env = Env::from_map({{"PORT", "eighty"}, {"FLAG", "maybe"}, {"WAIT", "5 minutes"}, {"ADDR", "localhost"}});
  try {
    (void)env.integer("PORT", 1, 1, 65535);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "PORT: expected an integer from 1 to 65535, got 'eighty'");
  }
  EXPECT_THROW((void)env.boolean("FLAG", false), ConfigError);
  EXPECT_THROW((void)env.duration("WAIT", 1s), ConfigError);
  EXPECT_THROW((void)env.address("ADDR", "127.0.0.1:1"), ConfigError);
}

TEST(Config, durations_and_lists) {
  auto env = Env::from_map({{"RETRY", "5s,30s,2m,10m,1h"}, {"T", "250ms"}, {"BAD", "5s,,2m"}});
  auto list = env.durations("RETRY", {});
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[2], 2min);
  EXPECT_EQ(list[4], 1h);
  EXPECT_EQ(env.duration("T", 1s), 250ms);
  EXPECT_THROW((void)env.durations("BAD", {}), ConfigError);
}

TEST(Config, address_accepts_port_only_and_keeps_default_host) {
  auto env = Env::from_map({{"A", ":9000"}, {"B", "0.0.0.0:8081"}, {"C", "[::1]:8082"}});
  EXPECT_EQ(env.address("A", "127.0.0.1:8081"), "127.0.0.1:9000");
  EXPECT_EQ(env.address("B", "127.0.0.1:8081"), "0.0.0.0:8081");
  auto hp = parse_host_port("[::1]:8082");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->port, 8082);
  EXPECT_FALSE(parse_host_port("host:70000"));
}

TEST(Config, one_of_lists_the_allowed_values) {
  auto env = Env::from_map({{"ALG", "RS256"}});
  try {
    (void)env.one_of("ALG", "HS256", {"HS256", "EdDSA"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "ALG: expected one of HS256, EdDSA, got 'RS256'");
  }
}
