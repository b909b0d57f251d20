// The cache contract against a real redis-server, one for the whole binary.
#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "cache_contract.hpp"
#include "concord/cache/redis_cache.hpp"
#include "redis_server.hpp"

namespace concord::cache::testing {
namespace {

using namespace std::chrono_literals;

RedisServer& shared_server() {
  static RedisServer server;  // killed when the binary exits
  return server;
}

class RedisHarness final : public CacheHarness {
 public:
  RedisHarness() {
    auto cache = RedisCache::connect({.url = shared_server().url()});
    if (!cache) throw std::runtime_error(cache.error().detail);
    cache_ = std::move(*cache);
    RedisCommand flush = {"FLUSHALL"};
    if (!cache_->pipeline({&flush, 1})) throw std::runtime_error("FLUSHALL failed");
  }
  Cache& cache() override { return *cache_; }
  void drop_cache() override { cache_.reset(); }
  void elapse(std::chrono::milliseconds) override {}  // Redis keeps its own time: tests poll
  std::chrono::milliseconds short_ttl() const override { return 250ms; }

 private:
  std::unique_ptr<RedisCache> cache_;
};

INSTANTIATE_TEST_SUITE_P(Redis, CacheContract,
                         ::testing::Values(HarnessFactory([] { return std::make_unique<RedisHarness>(); })));

}  // namespace
}  // namespace concord::cache::testing
