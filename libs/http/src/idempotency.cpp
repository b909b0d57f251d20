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

constexpr std::chrono::seconds kInFlightTtl{120};  // a crashed request frees its key after this

}  // namespace

IdempotencyGuard::IdempotencyGuard(cache::Cache& cache, std::string service, std::chrono::seconds ttl)
    : cache_(cache), service_(std::move(service)), ttl_(ttl) {}

IdempotencyGuard::Decision IdempotencyGuard::begin(const Request& request, std::string_view key) {
  if (key.empty() || key.size() > 255)
    return {
        Response::problem(Error::validation("", "Idempotency-Key must be 1 to 255 characters"), request.path), {}, {}};
  std::string caller = request.principal ? request.principal->subject : "anonymous";
  std::string record_key = "idem:" + service_ + ":" + caller + ":" + std::string(key);
  std::string print = fingerprint(request);
  nlohmann::json claim = {{"state", "in_flight"}, {"fingerprint", print}};
  auto claimed = cache_.set_if_absent(record_key, claim.dump(), kInFlightTtl);
  if (!claimed) {
    // The cache is down: serve without the guarantee rather than refuse every write.
    log::warn("idempotency store unavailable; serving without replay protection", {{"error", claimed.error().detail}});
    return {std::nullopt, {}, {}};
  }
  if (*claimed) return {std::nullopt, record_key, print};
  auto existing = cache_.get(record_key);
  if (!existing || !*existing) return {std::nullopt, {}, {}};  // expired between the two calls
  auto record = nlohmann::json::parse(**existing, nullptr, false);
  if (record.is_discarded() || !record.is_object()) return {std::nullopt, {}, {}};
  if (record.value("fingerprint", "") != print)
    return {
        Response::problem(Error::unprocessable("this Idempotency-Key was used with a different request"), request.path),
        {},
        {}};
  if (record.value("state", "") == "in_flight")
    return {
        Response::problem(Error::conflict("a request with this Idempotency-Key is still in progress"), request.path),
        {},
        {}};
  Response replay;
  replay.status = record.value("status", 200);
  replay.body = record.value("body", "");
  if (record.contains("headers") && record["headers"].is_array())
    for (const auto& h : record["headers"])
      if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
        replay.headers.add(h[0].get<std::string>(), h[1].get<std::string>());
  replay.headers.set("Idempotent-Replayed", "true");
  return {std::move(replay), {}};
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
