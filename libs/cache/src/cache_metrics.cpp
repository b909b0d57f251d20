#include "cache_metrics.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <string>

#include "concord/core/metrics.hpp"

namespace concord::cache::detail {
namespace {

constexpr std::array<const char*, 7> kOps = {"get", "set", "del", "set_if_absent", "increment", "publish", "subscribe"};
constexpr std::array<const char*, 4> kOutcomes = {"hit", "miss", "ok", "error"};

// Series are created on first use (so none shows up that never happened) and then reached
// without the registry's lock.
std::array<std::atomic<metrics::Counter*>, kOps.size() * kOutcomes.size()> counters{};

}  // namespace

void count(Op op, Outcome outcome) {
  auto o = static_cast<std::size_t>(op), r = static_cast<std::size_t>(outcome);
  auto& slot = counters[o * kOutcomes.size() + r];
  auto* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = &metrics::global().counter("concord_cache_requests_total", "Cache requests by operation and result",
                                         {{"op", kOps[o]}, {"result", kOutcomes[r]}});
    slot.store(counter, std::memory_order_release);
  }
  counter->inc();
}

}  // namespace concord::cache::detail
