// The Redis cache against a server that dies, freezes, comes back, or wants a password.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cache_test_support.hpp"
#include "concord/cache/redis_cache.hpp"
#include "redis_server.hpp"

namespace concord::cache::testing {
namespace {

using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

// Far below every command and connect timeout used here: a call this quick did not wait.
constexpr Ms kFast = 200ms;

template <class F>
Ms timed(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
}

// Every operation of the interface, each expected to fail at once with `unavailable`.
void expect_every_call_fails_fast(Cache& cache) {
  auto error_of = [](const auto& result) { return result ? std::nullopt : std::optional<Error>(result.error()); };
  std::vector<std::pair<const char*, std::function<std::optional<Error>()>>> calls = {
      {"get", [&] { return error_of(cache.get("k")); }},
      {"set", [&] { return error_of(cache.set("k", "v")); }},
      {"del", [&] { return error_of(cache.del("k")); }},
      {"set_if_absent", [&] { return error_of(cache.set_if_absent("k", "v", 1s)); }},
      {"increment", [&] { return error_of(cache.increment("n", 1, 1s)); }},
      {"publish", [&] { return error_of(cache.publish("ch", "m")); }},
      {"subscribe", [&] { return error_of(cache.subscribe("ch2", [](auto, auto) {})); }},
  };
  for (auto& [name, call] : calls) {
    std::optional<Error> error;
    auto took = timed([&] { error = call(); });
    ASSERT_TRUE(error.has_value()) << name << " succeeded against a dead server";
    EXPECT_EQ(error->code, ErrorCode::unavailable) << name << ": " << error->detail;
    EXPECT_EQ(error->detail.rfind("redis unavailable: ", 0), 0u) << error->detail;
    EXPECT_LT(took, kFast) << name << " took " << took.count() << " ms";
  }
}

RedisOptions options(const RedisServer& server, Ms command_timeout = 1000ms) {
  return {.url = server.url(),
          .connect_timeout = 300ms,
          .command_timeout = command_timeout,
          .reconnect_backoff_max = 200ms};
}

TEST(RedisFaults, calls_fail_fast_while_the_server_is_down_and_the_client_recovers_by_itself) {
  RedisServer server;
  auto made = RedisCache::connect(options(server));
  ASSERT_TRUE(made) << made.error().detail;
  auto& cache = **made;
  Inbox inbox;
  auto sub = cache.subscribe("faults.news", inbox.handler());
  ASSERT_TRUE(sub) << sub.error().detail;
  ASSERT_TRUE(cache.set("k", "before"));
  ASSERT_TRUE(cache.healthy());

  server.kill();
  // At once, before the client may even have noticed: no call waits for its timeout.
  expect_every_call_fails_fast(cache);
  ASSERT_TRUE(eventually([&] { return !cache.healthy(); }, 1s));
  expect_every_call_fails_fast(cache);

  ASSERT_TRUE(server.start());
  ASSERT_TRUE(eventually([&] { return cache.healthy(); }, 5s)) << "no recovery";
  EXPECT_EQ(cache.get("k").value(), std::nullopt);  // a new, empty server
  ASSERT_TRUE(cache.set("k", "after"));
  EXPECT_EQ(cache.get("k").value(), "after");
  // The subscription made before the outage was renewed.
  ASSERT_TRUE(cache.publish("faults.news", "after the outage"));
  ASSERT_TRUE(eventually([&] { return inbox.size() == 1; }, 2s));
  EXPECT_EQ(inbox.snapshot()[0].second, "after the outage");
}

TEST(RedisFaults, a_frozen_server_times_commands_out_and_then_calls_fail_fast) {
  RedisServer server;
  constexpr Ms kTimeout = 300ms;
  auto made = RedisCache::connect(options(server, kTimeout));
  ASSERT_TRUE(made) << made.error().detail;
  auto& cache = **made;
  ASSERT_TRUE(cache.set("k", "v"));

  server.freeze();
  Result<std::optional<std::string>> r;
  auto took = timed([&] { r = cache.get("k"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable) << r.error().detail;
  EXPECT_GE(took, kTimeout - 10ms) << "failed before the timeout: " << r.error().detail;
  EXPECT_LT(took, kTimeout + kFast);
  // The unanswering connection is given up, so the next callers do not each wait.
  ASSERT_TRUE(eventually([&] { return !cache.healthy(); }, 2s));
  auto next = timed([&] { r = cache.get("k"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_LT(next, kFast);

  server.thaw();
  ASSERT_TRUE(eventually([&] { return cache.healthy(); }, 5s)) << "no recovery";
  EXPECT_EQ(cache.get("k").value(), "v");
}

// A subscriber with nothing to say sends nothing: without its heartbeat, a link that went
// silent (a frozen server, a network that swallows bytes) was never noticed, and the cache
// stayed "healthy" on a subscription that could no longer deliver.
TEST(RedisFaults, an_idle_subscriber_notices_a_silent_server_by_itself_and_resubscribes) {
  RedisServer server;
  auto made = RedisCache::connect(options(server, 300ms));
  ASSERT_TRUE(made) << made.error().detail;
  auto& cache = **made;
  Inbox inbox;
  auto sub = cache.subscribe("faults.idle", inbox.handler());
  ASSERT_TRUE(sub) << sub.error().detail;
  ASSERT_TRUE(cache.healthy());

  server.freeze();  // and no call at all from here on
  ASSERT_TRUE(eventually([&] { return !cache.healthy(); }, 10s)) << "the silent link went unnoticed";
  server.thaw();
  ASSERT_TRUE(eventually([&] { return cache.healthy(); }, 5s)) << "no recovery";
  ASSERT_TRUE(cache.publish("faults.idle", "still subscribed"));
  ASSERT_TRUE(eventually([&] { return inbox.size() == 1; }, 2s));
  EXPECT_EQ(inbox.snapshot()[0].second, "still subscribed");
}

TEST(RedisFaults, a_cache_made_while_the_server_is_down_works_once_it_is_up) {
  RedisServer server({}, /*start_now=*/false);
  auto made = RedisCache::connect(options(server));
  ASSERT_TRUE(made) << "an unreachable server must not stop a service: " << made.error().detail;
  auto& cache = **made;
  EXPECT_FALSE(cache.healthy());
  expect_every_call_fails_fast(cache);
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(eventually([&] { return cache.healthy(); }, 5s));
  ASSERT_TRUE(cache.set("k", "v"));
  EXPECT_EQ(cache.get("k").value(), "v");
}

// Answers the handshake PING of the two connections it accepts, then resets the first one
// (SO_LINGER 0: an RST, not a FIN) as soon as more than the handshake arrives.
class ResettingServer {
 public:
  ResettingServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ResettingServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    for (int fd : kept_) ::close(fd);
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    for (int i = 0; i < 2; ++i) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      char buf[64];
      if (::read(fd, buf, sizeof buf) <= 0) return;  // *1 $4 PING
      (void)!::write(fd, "+PONG\r\n", 7);
      kept_.push_back(fd);
    }
    char buf[64];
    if (::read(kept_[0], buf, sizeof buf) <= 0) return;  // the pipeline starts
    linger reset{1, 0};
    ::setsockopt(kept_[0], SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(kept_[0]);
    kept_.erase(kept_.begin());
  }
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::vector<int> kept_;
};

TEST(RedisFaults, a_connection_reset_in_the_middle_of_a_pipeline_fails_it_at_once) {
  ResettingServer server;
  auto made = RedisCache::connect({.url = server.url(), .command_timeout = 20s, .reconnect_backoff_max = 200ms});
  ASSERT_TRUE(made) << made.error().detail;
  ASSERT_TRUE(eventually([&] { return (*made)->healthy(); }, 2s));
  // Far more than the socket buffers hold, so the client is still writing when the RST comes.
  std::vector<RedisCommand> batch(2000, RedisCommand{"SET", "k", std::string(16 * 1024, 'x')});
  Result<std::vector<RedisReply>> replies;
  auto took = timed([&] { replies = (*made)->pipeline(batch); });
  ASSERT_FALSE(replies);
  EXPECT_EQ(replies.error().code, ErrorCode::unavailable) << replies.error().detail;
  EXPECT_NE(replies.error().detail.find("reset"), std::string::npos) << replies.error().detail;
  EXPECT_LT(took, 10s) << "waited for the timeout";
  EXPECT_FALSE((*made)->healthy()) << replies.error().detail << " after " << took.count() << " ms";
}

class RedisAuth : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "p@ss:w/rd";  // percent-encoded in URLs
  static constexpr const char* kEncoded = "p%40ss%3Aw%2Frd";
  RedisServer server_{{"--requirepass", kPassword}};
};

TEST_F(RedisAuth, the_password_in_the_url_authenticates) {
  auto made = RedisCache::connect({.url = server_.url(std::string(":") + kEncoded)});
  ASSERT_TRUE(made) << made.error().detail;
  ASSERT_TRUE((*made)->set("k", "v"));
  EXPECT_EQ((*made)->get("k").value(), "v");
  Inbox inbox;
  auto sub = (*made)->subscribe("auth.ch", inbox.handler());  // the pub/sub connection too
  ASSERT_TRUE(sub) << sub.error().detail;
  ASSERT_TRUE((*made)->publish("auth.ch", "m"));
  EXPECT_TRUE(eventually([&] { return inbox.size() == 1; }));
}

TEST_F(RedisAuth, a_user_and_password_authenticate_as_that_user) {
  auto made = RedisCache::connect({.url = server_.url(std::string("default:") + kEncoded)});
  ASSERT_TRUE(made) << made.error().detail;
  EXPECT_TRUE((*made)->set("k", "v"));
}

TEST_F(RedisAuth, a_wrong_or_missing_password_is_refused_at_once) {
  for (auto credentials : {std::string(":wrong"), std::string()}) {
    Result<std::unique_ptr<RedisCache>> made;
    auto took = timed([&] { made = RedisCache::connect({.url = server_.url(credentials), .connect_timeout = 2s}); });
    ASSERT_FALSE(made) << "credentials '" << credentials << "' accepted";
    EXPECT_EQ(made.error().code, ErrorCode::unavailable);
    EXPECT_NE(made.error().detail.find("refused"), std::string::npos) << made.error().detail;
    EXPECT_LT(took, 1s) << "waited for the connect timeout instead of the server's answer";
  }
}

}  // namespace
}  // namespace concord::cache::testing
