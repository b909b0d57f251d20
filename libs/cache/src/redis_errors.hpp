#pragma once
// Redis replies to Concord errors. A reply with an error is not a broken connection: only the
// replies saying the server cannot serve now (LOADING, BUSY, OOM, READONLY...) are unavailable.
#include "concord/cache/redis_cache.hpp"

namespace concord::cache::detail {

Error error_of(const RedisReply& error_reply);
Status expect_ok(const Result<RedisReply>& reply);                  // +OK
Result<long long> expect_integer(const Result<RedisReply>& reply);  // :n

}  // namespace concord::cache::detail
