// The Redis client's own behaviour beyond the contract: pipelines and concurrent callers.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "concord/cache/redis_cache.hpp"
#include "redis_server.hpp"

namespace concord::cache::testing {
namespace {

class RedisClient : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    auto c = RedisCache::connect({.url = server_->url()});
    ASSERT_TRUE(c) << c.error().detail;
    cache_ = std::move(*c);
  }
  static RedisServer* server_;
  std::unique_ptr<RedisCache> cache_;
};
RedisServer* RedisClient::server_ = nullptr;

TEST_F(RedisClient, a_pipeline_returns_every_reply_in_order) {
  std::vector<RedisCommand> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back({"SET", "p:" + std::to_string(i), "v" + std::to_string(i)});
  for (int i = 0; i < 1000; ++i) batch.push_back({"GET", "p:" + std::to_string(i)});
  auto replies = cache_->pipeline(batch);
  ASSERT_TRUE(replies) << replies.error().detail;
  ASSERT_EQ(replies->size(), 2000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ((*replies)[i].type, RedisReply::Type::status);
    EXPECT_EQ((*replies)[i].str, "OK");
    EXPECT_EQ((*replies)[1000 + i].type, RedisReply::Type::string);
    EXPECT_EQ((*replies)[1000 + i].str, "v" + std::to_string(i));
  }
}

TEST_F(RedisClient, an_error_reply_is_a_reply_and_the_rest_of_the_pipeline_goes_on) {
  std::vector<RedisCommand> batch = {{"SET", "e:text", "abc"},
                                     {"INCR", "e:text"},
                                     {"LPUSH", "e:list", "x"},
                                     {"GET", "e:missing"},
                                     {"LRANGE", "e:list", "0", "-1"}};
  auto replies = cache_->pipeline(batch);
  ASSERT_TRUE(replies) << replies.error().detail;
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_EQ((*replies)[1].type, RedisReply::Type::error);
  EXPECT_NE((*replies)[1].str.find("not an integer"), std::string::npos);
  EXPECT_EQ((*replies)[2].type, RedisReply::Type::integer);
  EXPECT_EQ((*replies)[2].integer, 1);
  EXPECT_EQ((*replies)[3].type, RedisReply::Type::nil);
  ASSERT_EQ((*replies)[4].type, RedisReply::Type::array);
  ASSERT_EQ((*replies)[4].elements.size(), 1u);
  EXPECT_EQ((*replies)[4].elements[0].str, "x");
  // Through the Cache interface a key of another type is a conflict, not a broken cache.
  auto wrong = cache_->get("e:list");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::conflict) << wrong.error().detail;
  EXPECT_TRUE(cache_->healthy());
}

TEST_F(RedisClient, an_empty_pipeline_is_empty) {
  auto replies = cache_->pipeline({});
  ASSERT_TRUE(replies);
  EXPECT_TRUE(replies->empty());
}

TEST_F(RedisClient, concurrent_callers_share_the_connection_safely) {
  constexpr int kThreads = 8, kEach = 250;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!cache_->increment("c:shared")) ++failures;
        auto key = "c:" + std::to_string(t) + ":" + std::to_string(i);
        if (!cache_->set(key, key)) ++failures;
        auto back = cache_->get(key);
        if (!back || *back != key) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(cache_->get("c:shared").value(), std::to_string(kThreads * kEach));
}

TEST_F(RedisClient, a_db_in_the_url_is_selected) {
  auto other = RedisCache::connect({.url = server_->url() + "/3"});
  ASSERT_TRUE(other) << other.error().detail;
  ASSERT_TRUE((*other)->set("db:key", "in three"));
  EXPECT_EQ(cache_->get("db:key").value(), std::nullopt);  // db 0
  EXPECT_EQ((*other)->get("db:key").value(), "in three");
  auto bad = RedisCache::connect({.url = server_->url() + "/99999"});
  ASSERT_FALSE(bad);  // SELECT refused: out of range
}

}  // namespace
}  // namespace concord::cache::testing
