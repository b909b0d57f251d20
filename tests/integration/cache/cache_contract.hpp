#pragma once
// What every Cache must do, whatever is behind it. Include in exactly one test file per binary
// and instantiate with the factories of the caches under test:
//   INSTANTIATE_TEST_SUITE_P(Memory, CacheContract, ::testing::Values(factory));
#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cache_test_support.hpp"
#include "concord/cache/cache.hpp"

namespace concord::cache::testing {

// One cache under test and a way to let its time pass.
class CacheHarness {
 public:
  virtual ~CacheHarness() = default;
  virtual Cache& cache() = 0;
  // Destroys the cache (to prove subscriptions may outlive it).
  virtual void drop_cache() = 0;
  // Makes at least `d` of the cache's time pass: a manual clock jumps, a real one is waited for
  // by the caller with eventually().
  virtual void elapse(std::chrono::milliseconds d) = 0;
  // A ttl that is short for the cache but long enough that a value set a moment ago is still
  // there when read back at once.
  virtual std::chrono::milliseconds short_ttl() const = 0;
};

using HarnessFactory = std::function<std::unique_ptr<CacheHarness>()>;

class CacheContract : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override { h_ = GetParam()(); }
  Cache& cache() { return h_->cache(); }
  std::optional<std::string> value_of(std::string_view key) {
    auto v = cache().get(key);
    EXPECT_TRUE(v.has_value()) << v.error().detail;
    return v ? *v : std::nullopt;
  }
  bool absent(std::string_view key) {
    auto v = cache().get(key);
    return v && !v->has_value();
  }
  std::unique_ptr<CacheHarness> h_;
};

TEST_P(CacheContract, a_missing_key_reads_as_empty) {
  EXPECT_EQ(value_of("contract:missing"), std::nullopt);
  EXPECT_TRUE(cache().healthy());
}

TEST_P(CacheContract, a_value_set_is_read_back_and_replaced_by_the_next_set) {
  ASSERT_TRUE(cache().set("contract:k", "one"));
  EXPECT_EQ(value_of("contract:k"), "one");
  ASSERT_TRUE(cache().set("contract:k", "two"));
  EXPECT_EQ(value_of("contract:k"), "two");
}

TEST_P(CacheContract, values_are_binary_safe) {
  std::string value("a\0b\r\nc\xff", 7);
  ASSERT_TRUE(cache().set("contract:bin", value));
  EXPECT_EQ(value_of("contract:bin"), value);
  ASSERT_TRUE(cache().set("contract:empty", ""));
  EXPECT_EQ(value_of("contract:empty"), "");
}

TEST_P(CacheContract, del_removes_a_key_and_is_fine_with_a_missing_one) {
  ASSERT_TRUE(cache().set("contract:d", "x"));
  ASSERT_TRUE(cache().del("contract:d"));
  EXPECT_TRUE(absent("contract:d"));
  EXPECT_TRUE(cache().del("contract:never-set"));
}

TEST_P(CacheContract, a_value_expires_after_its_ttl) {
  auto ttl = h_->short_ttl();
  ASSERT_TRUE(cache().set("contract:ttl", "v", ttl));
  ASSERT_TRUE(cache().set("contract:no-ttl", "v"));
  EXPECT_EQ(value_of("contract:ttl"), "v");
  h_->elapse(ttl);
  EXPECT_TRUE(eventually([&] { return absent("contract:ttl"); }));
  EXPECT_EQ(value_of("contract:no-ttl"), "v");
}

TEST_P(CacheContract, a_set_without_ttl_removes_an_earlier_ttl) {
  auto ttl = h_->short_ttl();
  ASSERT_TRUE(cache().set("contract:keep", "short", ttl));
  ASSERT_TRUE(cache().set("contract:keep", "forever"));
  ASSERT_TRUE(cache().set("contract:marker", "m", ttl));  // set after: expires no earlier
  h_->elapse(ttl);
  ASSERT_TRUE(eventually([&] { return absent("contract:marker"); }));
  EXPECT_EQ(value_of("contract:keep"), "forever");
}

TEST_P(CacheContract, a_ttl_must_be_positive) {
  auto zero = cache().set("contract:z", "v", std::chrono::milliseconds(0));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::internal);
  auto negative = cache().set_if_absent("contract:z", "v", std::chrono::milliseconds(-5));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, ErrorCode::internal);
  EXPECT_TRUE(absent("contract:z"));
}

TEST_P(CacheContract, set_if_absent_sets_only_an_absent_key) {
  auto first = cache().set_if_absent("contract:nx", "first");
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto second = cache().set_if_absent("contract:nx", "second");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  EXPECT_EQ(value_of("contract:nx"), "first");
  ASSERT_TRUE(cache().del("contract:nx"));
  auto third = cache().set_if_absent("contract:nx", "third");
  ASSERT_TRUE(third);
  EXPECT_TRUE(*third);
}

TEST_P(CacheContract, set_if_absent_succeeds_again_once_the_key_expired) {
  auto ttl = h_->short_ttl();
  ASSERT_TRUE(cache().set_if_absent("contract:nx-ttl", "a", ttl).value_or(false));
  EXPECT_FALSE(cache().set_if_absent("contract:nx-ttl", "b", ttl).value_or(true));
  h_->elapse(ttl);
  EXPECT_TRUE(eventually([&] { return cache().set_if_absent("contract:nx-ttl", "c", ttl).value_or(false); }));
  EXPECT_EQ(value_of("contract:nx-ttl"), "c");
}

TEST_P(CacheContract, increment_counts_from_zero_by_any_step) {
  EXPECT_EQ(cache().increment("contract:n").value_or(0), 1);
  EXPECT_EQ(cache().increment("contract:n", 41).value_or(0), 42);
  EXPECT_EQ(cache().increment("contract:n", -50).value_or(0), -8);
  EXPECT_EQ(value_of("contract:n"), "-8");
  ASSERT_TRUE(cache().set("contract:m", "10"));
  EXPECT_EQ(cache().increment("contract:m", 5).value_or(0), 15);
}

TEST_P(CacheContract, increment_of_text_or_past_the_limit_is_a_conflict) {
  ASSERT_TRUE(cache().set("contract:text", "ten"));
  auto text = cache().increment("contract:text");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::conflict) << text.error().detail;
  EXPECT_EQ(value_of("contract:text"), "ten");
  ASSERT_TRUE(cache().set("contract:big", std::to_string(std::numeric_limits<long long>::max())));
  auto big = cache().increment("contract:big");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::conflict) << big.error().detail;
}

TEST_P(CacheContract, an_incremented_key_with_a_ttl_expires_and_keeps_its_first_expiry) {
  auto ttl = h_->short_ttl();
  EXPECT_EQ(cache().increment("contract:window", 1, ttl).value_or(0), 1);
  // A later increment with a far longer ttl must not push the expiry back (a fixed window).
  EXPECT_EQ(cache().increment("contract:window", 1, std::chrono::hours(1)).value_or(0), 2);
  h_->elapse(ttl);
  EXPECT_TRUE(eventually([&] { return absent("contract:window"); }));
  EXPECT_EQ(cache().increment("contract:window", 1, ttl).value_or(0), 1);
}

TEST_P(CacheContract, messages_arrive_in_publish_order_on_their_channel_only) {
  Inbox inbox, other;
  auto sub = cache().subscribe("contract.news", inbox.handler());
  ASSERT_TRUE(sub) << sub.error().detail;
  auto other_sub = cache().subscribe("contract.other", other.handler());
  ASSERT_TRUE(other_sub);
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(cache().publish("contract.news", "m" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return inbox.size() >= kCount; }));
  auto got = inbox.snapshot();
  ASSERT_EQ(got.size(), std::size_t(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(got[i].first, "contract.news");
    EXPECT_EQ(got[i].second, "m" + std::to_string(i));
  }
  EXPECT_EQ(other.size(), 0u);
}

TEST_P(CacheContract, every_subscriber_of_a_channel_gets_each_message) {
  Inbox a, b;
  auto sa = cache().subscribe("contract.fan", a.handler());
  auto sb = cache().subscribe("contract.fan", b.handler());
  ASSERT_TRUE(sa && sb);
  ASSERT_TRUE(cache().publish("contract.fan", "hello"));
  ASSERT_TRUE(eventually([&] { return a.size() == 1 && b.size() == 1; }));
  EXPECT_EQ(a.snapshot()[0].second, "hello");
  EXPECT_EQ(b.snapshot()[0].second, "hello");
}

TEST_P(CacheContract, a_destroyed_subscription_receives_nothing_more) {
  Inbox gone, stays;
  auto sg = cache().subscribe("contract.unsub", gone.handler());
  auto ss = cache().subscribe("contract.unsub", stays.handler());
  ASSERT_TRUE(sg && ss);
  ASSERT_TRUE(cache().publish("contract.unsub", "before"));
  ASSERT_TRUE(eventually([&] { return gone.size() == 1 && stays.size() == 1; }));
  sg->reset();
  ASSERT_TRUE(cache().publish("contract.unsub", "after"));
  // Both handlers would get "after" from the same delivery: once `stays` has it, `gone` would too.
  ASSERT_TRUE(eventually([&] { return stays.size() == 2; }));
  EXPECT_EQ(gone.size(), 1u);

  // The channel's last subscriber leaves, and a new one is served again.
  ss->reset();
  Inbox again;
  auto sa = cache().subscribe("contract.unsub", again.handler());
  ASSERT_TRUE(sa);
  ASSERT_TRUE(cache().publish("contract.unsub", "again"));
  ASSERT_TRUE(eventually([&] { return again.size() == 1; }));
  EXPECT_EQ(again.snapshot()[0].second, "again");
  EXPECT_EQ(stays.size(), 2u);
}

TEST_P(CacheContract, a_handler_may_use_the_cache_and_end_its_own_subscription) {
  std::unique_ptr<Subscription> self;
  std::atomic<int> calls{0};
  std::atomic<bool> ended{false};
  auto sub = cache().subscribe("contract.reentrant", [&](std::string_view, std::string_view message) {
    ++calls;
    EXPECT_TRUE(cache().set("contract:seen", message));
    self.reset();  // ends its own subscription from inside the handler
    ended = true;
  });
  ASSERT_TRUE(sub);
  self = std::move(*sub);
  ASSERT_TRUE(cache().publish("contract.reentrant", "first"));
  ASSERT_TRUE(eventually([&] { return ended.load(); }));
  EXPECT_EQ(value_of("contract:seen"), "first");
  ASSERT_TRUE(cache().publish("contract.reentrant", "second"));
  // A marker on a second channel, published after: once it arrived, "second" would have too.
  Inbox marker;
  auto sm = cache().subscribe("contract.marker", marker.handler());
  ASSERT_TRUE(sm);
  ASSERT_TRUE(cache().publish("contract.marker", "m"));
  ASSERT_TRUE(eventually([&] { return marker.size() == 1; }));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(value_of("contract:seen"), "first");
}

TEST_P(CacheContract, a_subscription_may_outlive_its_cache) {
  Inbox inbox;
  auto sub = cache().subscribe("contract.outlive", inbox.handler());
  ASSERT_TRUE(sub);
  h_->drop_cache();
  sub->reset();  // must neither crash nor hang
  SUCCEED();
}

TEST_P(CacheContract, requests_are_counted_by_operation_and_result) {
  auto hits = requests("get", "hit"), misses = requests("get", "miss"), sets = requests("set", "ok");
  auto errors = requests("increment", "error");
  ASSERT_TRUE(cache().set("contract:counted", "v"));
  (void)cache().get("contract:counted");
  (void)cache().get("contract:counted");
  (void)cache().get("contract:not-there");
  (void)cache().increment("contract:counted");
  EXPECT_EQ(requests("get", "hit") - hits, 2);
  EXPECT_EQ(requests("get", "miss") - misses, 1);
  EXPECT_EQ(requests("set", "ok") - sets, 1);
  EXPECT_EQ(requests("increment", "error") - errors, 1);
}

}  // namespace concord::cache::testing
