// Per-principal rate limits: a caller over its budget gets 429 problem+json with Retry-After,
// other callers are untouched, every replica of a service counts against one budget (the
// shared cache: a real redis-server here, as in production), and a cache that is down lets
// requests through rather than refusing everyone.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "../integration/cache/redis_server.hpp"
#include "concord/cache/redis_cache.hpp"
#include "concord/core/log.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"

using namespace concord;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<http::Server> replica(cache::Cache& cache, size_t limit) {
  http::ServerOptions options{.service = "ratelimited", .access_log = false};
  options.rate_limit = limit;
  options.rate_window = std::chrono::seconds(3600);  // the window never turns during the test
  http::Router router;
  router.get("/v1/things", [](http::Request&) -> Result<http::Response> { return http::Response::json(200, {}); });
  auto server = std::make_unique<http::Server>(options, std::move(router));
  server->set_authenticator([](std::optional<std::string_view> header) -> Result<auth::Principal> {
    if (!header) return fail(Error::unauthorized("a bearer token is required"));
    return auth::Principal{std::string(header->substr(7)), {auth::Role::integrator}, {}, {}, {}};
  });
  server->set_rate_limit_store(&cache);
  EXPECT_TRUE(server->start());
  return server;
}

http::ClientResponse get(const http::Server& server, const std::string& who, const std::string& path = "/v1/things") {
  http::ClientRequest req{.url = "http://127.0.0.1:" + std::to_string(server.port()) + path};
  req.headers.set("Authorization", "Bearer " + who);
  auto r = http::fetch(req);
  EXPECT_TRUE(r);
  return r ? *r : http::ClientResponse{};
}

class RateLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::error);
    auto c = cache::make_redis_cache({.url = redis_.url()});
    ASSERT_TRUE(c) << c.error().detail;
    cache_ = std::move(*c);
  }
  cache::testing::RedisServer redis_;
  std::unique_ptr<cache::Cache> cache_;
};

TEST_F(RateLimits, a_caller_over_the_limit_gets_429_with_retry_after_and_others_do_not) {
  auto server = replica(*cache_, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get(*server, "erp-1").status, 200) << i;
  auto refused = get(*server, "erp-1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.get("Content-Type").value_or(""), "application/problem+json");
  auto retry = std::stoll(std::string(refused.headers.get("Retry-After").value_or("0")));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 3600);
  EXPECT_EQ(get(*server, "erp-2").status, 200);
  // Health, readiness and metrics are not counted (no caller to count them against).
  for (int i = 0; i < 10; ++i) EXPECT_EQ(get(*server, "erp-1", "/healthz").status, 200);
  server->stop();
}

TEST_F(RateLimits, every_replica_counts_against_one_budget_through_redis) {
  auto other = cache::make_redis_cache({.url = redis_.url()});
  ASSERT_TRUE(other);
  auto a = replica(*cache_, 6);
  auto b = replica(**other, 6);
  int ok = 0, limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto s = get(i % 2 ? *a : *b, "erp-shared").status;
    ok += s == 200;
    limited += s == 429;
  }
  EXPECT_EQ(ok, 6);
  EXPECT_EQ(limited, 4);
  a->stop();
  b->stop();
}

TEST_F(RateLimits, while_redis_is_down_requests_are_served_without_limits) {
  auto server = replica(*cache_, 1);
  EXPECT_EQ(get(*server, "erp-3").status, 200);
  EXPECT_EQ(get(*server, "erp-3").status, 429);
  redis_.kill();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(*server, "erp-3").status, 200);
  server->stop();
}

}  // namespace
