#include "idempotency.hpp"

#include "concord/cache/cache.hpp"
#include "concord/core/log.hpp"
#include "concord/crypto/crypto.hpp"

namespace concord::http {
namespace {

// The request's identity: method, path and body. Hex SHA-256.
std::string fingerprint(const Request& r) {
  std::string identity(to_string(r.method));
  identity += '\n';
  identity += r.path;
  identity += '\n';
  identity += r.body;
  return crypto::sha256_hex(identity);
}

// Without a ledger, a crashed request frees its key after this; with one, a retry that reaches
// the next writer takes the claim over at once.
constexpr std::chrono::seconds kInFlightTtl{120};

Response different_request(const Request& request) {
  return Response::problem(Error::unprocessable("this Idempotency-Key was used with a different request"),
                           request.path);
}

}  // namespace

IdempotencyGuard::IdempotencyGuard(cache::Cache& cache, std::string service, std::chrono::seconds ttl)
    : cache_(cache), service_(std::move(service)), ttl_(ttl) {}

std::optional<Response> IdempotencyGuard::answer_from_log(const Request& request, const std::string& key_hash,
                                                          const std::string& print, const IdempotencyLedger* ledger) {
  if (!ledger) return std::nullopt;
  auto logged = ledger->logged(request, key_hash);
  if (!logged) return std::nullopt;
  if (logged->fingerprint != print) return different_request(request);
  logged->response.headers.set("Idempotent-Replayed", "true");
  return std::move(logged->response);
}

IdempotencyGuard::Decision IdempotencyGuard::begin(const Request& request, std::string_view key,
                                                   const IdempotencyLedger* ledger) {
  if (key.empty() || key.size() > 255)
    return {Response::problem(Error::validation("", "Idempotency-Key must be 1 to 255 characters"), request.path)};
  std::string caller = request.principal ? request.principal->subject : "anonymous";
  std::string record_key = "idem:" + service_ + ":" + caller + ":" + std::string(key);
  std::string print = fingerprint(request);
  std::string key_hash = crypto::sha256_hex(record_key);
  std::string term = ledger ? ledger->term() : std::string();
  Decision run{std::nullopt, record_key, print, key_hash};
  // Answered from the log: remembered in the cache too, so the next retry is answered there.
  auto from_log = [&]() -> std::optional<Decision> {
    auto answer = answer_from_log(request, key_hash, print, ledger);
    if (!answer) return std::nullopt;
    if (answer->status < 300) finish(run, *answer);
    return Decision{std::move(answer)};
  };
  nlohmann::json claim = {{"state", "in_flight"}, {"fingerprint", print}, {"term", term}};
  auto claimed = cache_.set_if_absent(record_key, claim.dump(), kInFlightTtl);
  if (!claimed) {
    // The cache is down: serve without its replay, yet the log still answers a key it holds
    // and the writer still refuses to write one twice.
    log::warn("idempotency store unavailable; serving without replay protection", {{"error", claimed.error().detail}});
    if (auto answered = from_log()) return std::move(*answered);
    return {std::nullopt, {}, print, key_hash};
  }
  if (*claimed) {
    // A fresh claim: the key's record may have expired, or never been written (the writer died
    // between its commit and the record), while the log holds the request.
    if (auto answered = from_log()) return std::move(*answered);
    return run;
  }
  auto existing = cache_.get(record_key);
  if (!existing || !*existing) return {std::nullopt, {}, print, key_hash};  // expired between the two calls
  auto record = nlohmann::json::parse(**existing, nullptr, false);
  if (record.is_discarded() || !record.is_object()) return {std::nullopt, {}, print, key_hash};
  if (record.value("fingerprint", "") != print) return {different_request(request)};
  if (record.value("state", "") == "in_flight") {
    if (!ledger || record.value("term", "") == term)
      return {
          Response::problem(Error::conflict("a request with this Idempotency-Key is still in progress"), request.path)};
    // Claimed by a writer that is gone: whatever it committed is in this writer's state.
    if (auto answered = from_log()) return std::move(*answered);
    if (auto taken = cache_.set(record_key, claim.dump(), kInFlightTtl); !taken)
      log::warn("could not take over an idempotency claim", {{"error", taken.error().detail}});
    return run;
  }
  Response replay;
  replay.status = record.value("status", 200);
  replay.body = record.value("body", "");
  if (record.contains("headers") && record["headers"].is_array())
    for (const auto& h : record["headers"])
      if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
        replay.headers.add(h[0].get<std::string>(), h[1].get<std::string>());
  replay.headers.set("Idempotent-Replayed", "true");
  return {std::move(replay)};
}

std::optional<Response> IdempotencyGuard::replay_from_log(const Request& request, const Decision& claim,
                                                          const IdempotencyLedger& ledger) {
  return answer_from_log(request, claim.key_hash, claim.fingerprint, &ledger);
}

void IdempotencyGuard::finish(const Decision& claim, const Response& response) {
  const auto& record_key = claim.record_key;
  if (record_key.empty()) return;
  // A 5xx (the log was down) is not an answer to remember: the client should retry it.
  if (response.status >= 500 || response.on_stream) {
    (void)cache_.del(record_key);
    return;
  }
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [k, v] : response.headers.fields())
    if (k != "X-Request-Id") headers.push_back({k, v});
  nlohmann::json record = {{"state", "done"},
                           {"fingerprint", claim.fingerprint},
                           {"status", response.status},
                           {"headers", headers},
                           {"body", response.body}};
  if (auto stored = cache_.set(record_key, record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), ttl_);
      !stored)
    log::warn("could not store idempotency record", {{"error", stored.error().detail}});
}

}  // namespace concord::http
