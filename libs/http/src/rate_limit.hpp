#pragma once
// Per-principal rate limits (DESIGN §1: rate limits live in the shared cache): each caller may
// make `limit` authenticated requests to a service per fixed window; beyond it, 429 with
// Retry-After until the window turns. The counters are in the shared cache (Redis in
// production), so every replica of a service counts against one budget. While the cache is
// down, requests are let through: the cache is never the truth, and refusing everyone because
// Redis is away would be worse than a window without limits.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "concord/http/message.hpp"

namespace concord::cache {
class Cache;
}

namespace concord::http {

class RateLimiter {
 public:
  using Now = std::function<std::chrono::system_clock::time_point()>;
  RateLimiter(cache::Cache& cache, std::string service, size_t limit, std::chrono::seconds window, Now now = {});

  // A 429 problem when the caller is over the limit; nothing when the request may go on.
  std::optional<Response> check(const Request& request);

 private:
  cache::Cache& cache_;
  std::string service_;
  size_t limit_;
  std::chrono::seconds window_;
  Now now_;
};

}  // namespace concord::http
