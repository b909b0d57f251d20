#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "cache_contract.hpp"
#include "concord/cache/memory_cache.hpp"
#include "concord/core/time.hpp"

namespace concord::cache::testing {
namespace {

using namespace std::chrono_literals;

const Timestamp kStart = std::chrono::sys_days(std::chrono::year(2025) / 9 / 28) + 7h;

class MemoryHarness final : public CacheHarness {
 public:
  MemoryHarness() : cache_(make_memory_cache(clock_)) {}
  Cache& cache() override { return *cache_; }
  void drop_cache() override { cache_.reset(); }
  void elapse(std::chrono::milliseconds d) override { clock_.advance(d); }
  std::chrono::milliseconds short_ttl() const override { return 30s; }  // no real time passes

 private:
  ManualClock clock_{kStart};
  std::unique_ptr<Cache> cache_;
};

INSTANTIATE_TEST_SUITE_P(Memory, CacheContract,
                         ::testing::Values(HarnessFactory([] { return std::make_unique<MemoryHarness>(); })));

// Beyond the contract: with a manual clock the expiry instant can be pinned exactly.
TEST(MemoryCache, a_value_lives_until_the_last_millisecond_of_its_ttl) {
  ManualClock clock(kStart);
  auto cache = make_memory_cache(clock);
  ASSERT_TRUE(cache->set("k", "v", 1000ms));
  clock.advance(999ms);
  EXPECT_EQ(cache->get("k").value(), "v");
  clock.advance(1ms);
  EXPECT_EQ(cache->get("k").value(), std::nullopt);
}

TEST(MemoryCache, an_increment_with_a_ttl_gives_an_unexpiring_counter_an_expiry) {
  ManualClock clock(kStart);
  auto cache = make_memory_cache(clock);
  EXPECT_EQ(cache->increment("n").value(), 1);
  EXPECT_EQ(cache->increment("n", 1, 100ms).value(), 2);
  clock.advance(100ms);
  EXPECT_EQ(cache->get("n").value(), std::nullopt);
}

TEST(MemoryCache, expired_entries_are_swept_without_being_read) {
  ManualClock clock(kStart);
  auto cache = make_memory_cache(clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(cache->set("old" + std::to_string(i), "v", 10ms));
  clock.advance(10ms);
  // Writes trigger sweeps; then an expired key set long ago must not come back.
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(cache->set("new" + std::to_string(i % 10), "v"));
  for (int i = 0; i < 1000; i += 97) EXPECT_EQ(cache->get("old" + std::to_string(i)).value(), std::nullopt);
}

TEST(MemoryCache, is_always_healthy) {
  ManualClock clock(kStart);
  EXPECT_TRUE(make_memory_cache(clock)->healthy());
}

}  // namespace
}  // namespace concord::cache::testing
