#pragma once
// Shared caches, never the truth: everything here can be rebuilt from the event log. Calls are
// synchronous and bounded in time; while the backend is down they fail fast with an
// `unavailable` Error and callers carry on without the cache.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/core/error.hpp"

namespace concord::cache {

// A time to live must be positive; a zero or negative one is a bug (Error::internal).
using Ttl = std::optional<std::chrono::milliseconds>;

class Subscription {
 public:
  Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  // Unsubscribes. Once it returns the handler is not running and never runs again (when it is
  // the handler itself that destroys its subscription, that call simply returns).
  virtual ~Subscription() = default;
};

using MessageHandler = std::function<void(std::string_view channel, std::string_view message)>;

class Cache {
 public:
  virtual ~Cache() = default;
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual Status set(std::string_view key, std::string_view value, Ttl ttl = std::nullopt) = 0;
  virtual Status del(std::string_view key) = 0;
  // True when the key was absent and is now set (Redis SET NX).
  virtual Result<bool> set_if_absent(std::string_view key, std::string_view value, Ttl ttl = std::nullopt) = 0;
  // Adds `by` (an absent key counts as 0) and returns the new value. With a ttl, a key left
  // without an expiry (in practice: the one this call created) expires after it; an existing
  // expiry is kept, so a counter with a ttl is a fixed window. A value that is not an integer,
  // or an overflow, is Error::conflict.
  virtual Result<long long> increment(std::string_view key, long long by = 1, Ttl ttl = std::nullopt) = 0;
  virtual Status publish(std::string_view channel, std::string_view message) = 0;
  // Once subscribe() returns, every message later published on `channel` reaches the handler,
  // in publish order, one at a time, on the cache's own delivery thread (never the caller's),
  // so a handler may call the cache. Keep handlers short: they delay the messages behind them.
  // A subscription survives reconnects (it is renewed when the backend comes back; messages
  // published while the backend was unreachable are lost, as Redis pub/sub loses them).
  // A subscription may outlive its cache (destroying it then does nothing); a cache must not be
  // destroyed from inside one of its handlers.
  virtual Result<std::unique_ptr<Subscription>> subscribe(std::string_view channel, MessageHandler handler) = 0;
  virtual bool healthy() = 0;
};

}  // namespace concord::cache
