#pragma once
// Helpers for cache tests: bounded polling, a message collector, the request counters.
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "concord/cache/cache.hpp"
#include "concord/core/metrics.hpp"

namespace concord::cache::testing {

// Polls `condition` (once more after the bound) every few milliseconds, for at most `bound`.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds bound = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

// Collects what a handler receives.
struct Inbox {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> messages;
  MessageHandler handler() {
    return [this](std::string_view channel, std::string_view message) {
      std::lock_guard lock(mutex);
      messages.emplace_back(channel, message);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
  std::vector<std::pair<std::string, std::string>> snapshot() {
    std::lock_guard lock(mutex);
    return messages;
  }
};

inline double requests(const std::string& op, const std::string& result) {
  auto& counter = metrics::global().counter("concord_cache_requests_total", "Cache requests by operation and result",
                                            {{"op", op}, {"result", result}});
  return counter.value();
}

}  // namespace concord::cache::testing
