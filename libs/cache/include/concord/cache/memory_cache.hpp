#pragma once
// The embedded cache (no REDIS_URL): one process, nothing persisted, nothing shared.
#include <memory>

#include "concord/cache/cache.hpp"
#include "concord/core/time.hpp"

namespace concord::cache {

// Expiry is judged by `clock` (a ManualClock in tests, so no test sleeps); it must outlive the
// cache. Expired entries are dropped when touched and swept now and then on writes. Pub/sub is
// delivered asynchronously, on the cache's own delivery thread, exactly as the Redis cache does
// it, so code behaves the same on both. The cache is always healthy.
std::unique_ptr<Cache> make_memory_cache(const Clock& clock);

}  // namespace concord::cache
