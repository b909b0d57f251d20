#pragma once
// Idempotency-Key (DESIGN §4): the same key and body replays the first response; the same key
// with another body is 422; a duplicate while the first is still being served is 409. Records
// live in the shared cache, scoped by service and caller, and expire after the TTL.
#include <chrono>
#include <optional>
#include <string>

#include "concord/http/message.hpp"

namespace concord::cache {
class Cache;
}

namespace concord::http {

class IdempotencyGuard {
 public:
  IdempotencyGuard(cache::Cache& cache, std::string service, std::chrono::seconds ttl);

  // What to do with a request that carries a key: run the handler (claim taken), or answer
  // at once (a replay, a 409 or a 422).
  struct Decision {
    std::optional<Response> answer;
    std::string record_key;  // set when the handler should run and its result be stored
    std::string fingerprint;
  };
  Decision begin(const Request& request, std::string_view key);
  void finish(const Decision& claim, const Response& response);

 private:
  cache::Cache& cache_;
  std::string service_;
  std::chrono::seconds ttl_;
};

}  // namespace concord::http
