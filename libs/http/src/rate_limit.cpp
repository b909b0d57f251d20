#include "rate_limit.hpp"

#include "concord/cache/cache.hpp"
#include "concord/core/log.hpp"

namespace concord::http {

RateLimiter::RateLimiter(cache::Cache& cache, std::string service, size_t limit, std::chrono::seconds window, Now now)
    : cache_(cache),
      service_(std::move(service)),
      limit_(limit),
      window_(std::max(window, std::chrono::seconds(1))),
      now_(now ? std::move(now) : Now([] { return std::chrono::system_clock::now(); })) {}

std::optional<Response> RateLimiter::check(const Request& request) {
  if (!request.principal) return std::nullopt;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
  long long window = window_.count();
  long long index = seconds / window;
  // One key per caller, service and window: a fixed window that every replica shares.
  std::string key = "rate:" + service_ + ":" + request.principal->subject + ":" + std::to_string(index);
  auto count = cache_.increment(key, 1, std::chrono::duration_cast<std::chrono::milliseconds>(window_));
  if (!count) {
    log::warn("rate limit store unavailable; serving without limits", {{"error", count.error().detail}});
    return std::nullopt;
  }
  if (*count <= static_cast<long long>(limit_)) return std::nullopt;
  long long retry_after = window - seconds % window;
  Error e = Error::of(ErrorCode::too_many_requests, "more than " + std::to_string(limit_) + " requests in " +
                                                        std::to_string(window) + " s; retry after " +
                                                        std::to_string(retry_after) + " s");
  e.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return Response::problem(e, request.path);
}

}  // namespace concord::http
