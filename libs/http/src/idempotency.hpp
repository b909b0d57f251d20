#pragma once
// Idempotency-Key (DESIGN §4): the same key and body replays the first response; the same key
// with another body is 422; a duplicate while the first is still being served is 409. Records
// live in the shared cache, scoped by service and caller, and expire after the TTL.
// With the service's IdempotencyLedger (its writer's log), a claim is also answered from the
// log: a key whose request the log holds replays its outcome there (even when the cache lost
// or never got the response), and a claim left in flight by a writer that is gone is taken over
// at once instead of answering 409 until it expires.
#include <chrono>
#include <optional>
#include <string>

#include "concord/http/message.hpp"
#include "concord/http/server.hpp"

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
    std::string key_hash;  // set when the handler should run: what its events are stamped with
  };
  Decision begin(const Request& request, std::string_view key, const IdempotencyLedger* ledger = nullptr);
  void finish(const Decision& claim, const Response& response);
  // The outcome the log holds for the claim's key, once the handler was refused: nullopt when
  // it holds none.
  std::optional<Response> replay_from_log(const Request& request, const Decision& claim,
                                          const IdempotencyLedger& ledger);

 private:
  // The log's answer for `key_hash`: a replay, a 422 for another request, or nullopt.
  std::optional<Response> answer_from_log(const Request& request, const std::string& key_hash,
                                          const std::string& fingerprint, const IdempotencyLedger* ledger);

  cache::Cache& cache_;
  std::string service_;
  std::chrono::seconds ttl_;
};

}  // namespace concord::http
