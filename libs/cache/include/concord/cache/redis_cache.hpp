#pragma once
// The Redis cache (REDIS_URL set): hiredis driven by Asio on a thread of its own. No hiredis or
// Asio type appears here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "concord/cache/cache.hpp"

namespace concord::cache {

struct RedisOptions {
  std::string url;                                 // redis://[[user]:password@]host[:port][/db]
  std::chrono::milliseconds connect_timeout{500};  // TCP connect plus AUTH/SELECT
  std::chrono::milliseconds command_timeout{500};  // longest wait for any reply
  std::chrono::milliseconds reconnect_backoff_max{2000};
};

struct RedisEndpoint {
  std::string host;  // a name or an address; an IPv6 address without brackets
  std::uint16_t port = 6379;
  std::string username;  // empty: AUTH <password> as the default user
  std::string password;  // empty: no AUTH
  int db = 0;
};

// Percent-decodes user and password. Rejects other schemes (rediss:// too: hiredis 0.14 has no
// TLS), a missing host, a port outside 1..65535, a db that is not a small non-negative number,
// a user without a password, a query and a fragment.
Result<RedisEndpoint> parse_redis_url(std::string_view url);

// A reply copied out of hiredis. An error reply is a reply here, not an Error.
struct RedisReply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  std::string str;  // status, error and string
  long long integer = 0;
  std::vector<RedisReply> elements;
};
using RedisCommand = std::vector<std::string>;  // e.g. {"SET", "k", "v"}

// Two connections: one for commands, one in subscribe mode. Both reconnect by themselves with
// bounded exponential back-off (and resubscribe); while either is down every call that needs
// it fails at once with Error::unavailable and healthy() is false. A connection that leaves a
// command unanswered for command_timeout is presumed dead and replaced.
class RedisCache final : public Cache {
 public:
  // Fails on a bad URL and when the server refuses the handshake (wrong password, bad db).
  // An unreachable server is not a failure: the cache starts unhealthy and keeps trying.
  static Result<std::unique_ptr<RedisCache>> connect(RedisOptions options);
  ~RedisCache() override;

  Result<std::optional<std::string>> get(std::string_view key) override;
  Status set(std::string_view key, std::string_view value, Ttl ttl = std::nullopt) override;
  Status del(std::string_view key) override;
  Result<bool> set_if_absent(std::string_view key, std::string_view value, Ttl ttl = std::nullopt) override;
  Result<long long> increment(std::string_view key, long long by = 1, Ttl ttl = std::nullopt) override;
  Status publish(std::string_view channel, std::string_view message) override;
  Result<std::unique_ptr<Subscription>> subscribe(std::string_view channel, MessageHandler handler) override;
  bool healthy() override;

  // Writes every command in one go and waits (command_timeout in all) for every reply, in order.
  Result<std::vector<RedisReply>> pipeline(std::span<const RedisCommand> commands);

  struct Impl;

 private:
  explicit RedisCache(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

Result<std::unique_ptr<Cache>> make_redis_cache(RedisOptions options);

}  // namespace concord::cache
