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

using Ttl = std::optional<std::chrono::milliseconds>;

class Subscription {
 public:
  virtual ~Subscription() = default;  // unsubscribes
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
  virtual Result<long long> increment(std::string_view key, long long by = 1, Ttl ttl = std::nullopt) = 0;
  virtual Status publish(std::string_view channel, std::string_view message) = 0;
  // Messages arrive on the cache's own thread; keep handlers short. A subscription survives
  // reconnects (it is renewed when the backend comes back).
  virtual Result<std::unique_ptr<Subscription>> subscribe(std::string_view channel, MessageHandler handler) = 0;
  virtual bool healthy() = 0;
};

}  // namespace concord::cache
