#include "redis_errors.hpp"

#include <array>
#include <string_view>

namespace concord::cache::detail {
namespace {

constexpr std::array<std::string_view, 9> kNotNow = {"LOADING", "BUSY",     "MASTERDOWN",  "NOAUTH",    "READONLY",
                                                     "OOM",     "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"};

Error unexpected(const RedisReply& reply) {
  return Error::internal("redis: unexpected reply of type " + std::to_string(static_cast<int>(reply.type)));
}

}  // namespace

Error error_of(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::error) return unexpected(reply);
  std::string_view text = reply.str;
  auto prefix = text.substr(0, text.find(' '));
  for (auto p : kNotNow) {
    if (prefix == p) return Error::unavailable("redis unavailable: " + reply.str);
  }
  // INCRBY on text or past LLONG_MAX, or an operation on a list or a hash.
  if (prefix == "WRONGTYPE" || text.find("not an integer") != std::string_view::npos ||
      text.find("overflow") != std::string_view::npos) {
    return Error::conflict("cache: " + reply.str);
  }
  return Error::internal("redis: " + reply.str);
}

Status expect_ok(const Result<RedisReply>& reply) {
  if (!reply) return fail(reply.error());
  if (reply->type == RedisReply::Type::status && reply->str == "OK") return {};
  return fail(error_of(*reply));
}

Result<long long> expect_integer(const Result<RedisReply>& reply) {
  if (!reply) return fail(reply.error());
  if (reply->type == RedisReply::Type::integer) return reply->integer;
  return fail(error_of(*reply));
}

}  // namespace concord::cache::detail
