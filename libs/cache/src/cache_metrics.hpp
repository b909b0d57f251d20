#pragma once
// concord_cache_requests_total{op,result}: result is hit or miss for get, ok otherwise, and
// error for every failure (unavailable included).
#include "concord/core/error.hpp"

namespace concord::cache::detail {

enum class Op { get, set, del, set_if_absent, increment, publish, subscribe };
enum class Outcome { hit, miss, ok, error };

void count(Op op, Outcome outcome);

template <class T>
const Result<T>& counted(Op op, const Result<T>& result) {
  count(op, result ? Outcome::ok : Outcome::error);
  return result;
}

}  // namespace concord::cache::detail
