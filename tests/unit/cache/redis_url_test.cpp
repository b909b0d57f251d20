#include <string>

#include <gtest/gtest.h>

#include "concord/cache/redis_cache.hpp"

namespace concord::cache {
namespace {

TEST(RedisUrl, host_and_port) {
  auto ep = parse_redis_url("redis://127.0.0.1:6380");
  ASSERT_TRUE(ep) << ep.error().detail;
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 0);
  EXPECT_TRUE(ep->password.empty());
  EXPECT_TRUE(ep->username.empty());
}

TEST(RedisUrl, the_port_defaults_to_6379_and_a_bare_slash_to_db_0) {
  auto ep = parse_redis_url("redis://localhost/");
  ASSERT_TRUE(ep) << ep.error().detail;
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->db, 0);
}

TEST(RedisUrl, password_and_db) {
  auto ep = parse_redis_url("redis://:s3cret@cache.internal:1234/2");
  ASSERT_TRUE(ep) << ep.error().detail;
  EXPECT_EQ(ep->host, "cache.internal");
  EXPECT_EQ(ep->port, 1234);
  EXPECT_EQ(ep->password, "s3cret");
  EXPECT_TRUE(ep->username.empty());
  EXPECT_EQ(ep->db, 2);
}

TEST(RedisUrl, user_and_percent_encoded_password) {
  auto ep = parse_redis_url("redis://concord:p%40ss%3Aw%2Frd@10.0.0.5:6379/15");
  ASSERT_TRUE(ep) << ep.error().detail;
  EXPECT_EQ(ep->username, "concord");
  EXPECT_EQ(ep->password, "p@ss:w/rd");
  EXPECT_EQ(ep->db, 15);
}

TEST(RedisUrl, an_ipv6_host_loses_its_brackets) {
  auto ep = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(ep) << ep.error().detail;
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 7000);
}

class BadRedisUrl : public ::testing::TestWithParam<const char*> {};

TEST_P(BadRedisUrl, is_rejected_as_a_bad_request) {
  auto ep = parse_redis_url(GetParam());
  ASSERT_FALSE(ep) << GetParam() << " parsed as host " << ep->host;
  EXPECT_EQ(ep.error().code, ErrorCode::bad_request);
  EXPECT_NE(ep.error().detail.find("REDIS_URL"), std::string::npos) << ep.error().detail;
}

INSTANTIATE_TEST_SUITE_P(Urls, BadRedisUrl,
                         ::testing::Values("",                             // nothing
                                           "localhost:6379",               // no scheme
                                           "http://localhost:6379",        // another scheme
                                           "rediss://localhost:6379",      // TLS
                                           "redis://",                     // no host
                                           "redis://:6379",                // no host, a port
                                           "redis://localhost:0",          // port 0
                                           "redis://localhost:65536",      // port too large
                                           "redis://localhost:63a9",       // not a number
                                           "redis://localhost:6379/x",     // db not a number
                                           "redis://localhost:6379/-1",    // negative db
                                           "redis://localhost:6379/1/2",   // more path
                                           "redis://user@localhost:6379",  // user, no password
                                           "redis://:@localhost:6379",     // empty password
                                           "redis://localhost:6379?db=1",  // a query
                                           "redis://localhost:6379#top",   // a fragment
                                           "redis://local host:6379"));    // not a URL

}  // namespace
}  // namespace concord::cache
