#pragma once
// The HTTP/1.1 server every service runs. One pipeline for every request:
//   limits → correlation id → route (404/405) → authenticate (401) → idempotency → handler
//   → errors to problem+json → metrics and access log.
// /healthz, /readyz and /metrics are built in and public.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/http/router.hpp"

namespace concord::cache {
class Cache;
}

namespace concord::http {

struct ServerOptions {
  std::string service = "concord";      // label on metrics and logs
  std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free one (see Server::port)
  size_t header_limit = 8 * 1024;
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};     // waiting for a request's headers
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // reading a request's body
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  size_t max_connections = 1024;  // beyond it: 429 and close
  size_t rate_limit = 0;          // authenticated requests per caller per window; 0: no limit
  std::chrono::seconds rate_window{60};
  int threads = 4;  // I/O threads; GET and HEAD handlers run on them
  // Other methods' handlers may wait for the event log: they run on a pool of their own, so
  // reads, /healthz and /readyz keep answering while appends are held up. Concurrent writes
  // beyond it wait for a thread (their appends are grouped into one commit anyway).
  int blocking_threads = 64;
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
  std::chrono::milliseconds sse_heartbeat{std::chrono::seconds(15)};
  bool access_log = true;
};

// Authenticates the Authorization header (absent → nullopt); an Error becomes 401.
using Authenticator = std::function<Result<auth::Principal>(std::optional<std::string_view> authorization)>;

// Runs on every request that matched one of the router's routes, before authentication. A
// response it returns is the answer and the route's handler is not run (a replica forwarding a
// write to its service's writer); nullopt lets the request through. It may also add headers to
// the request or wait.
using Interceptor = std::function<std::optional<Response>(Request&)>;
// Runs on every response of a matched route, just before it is sent (positions in headers).
using Finisher = std::function<void(const Request&, Response&)>;

// What a service's log knows of Idempotency-Keys (libs/service's Replica and Store provide it),
// so a retry of a request that was in flight on a writer that died is answered from the log at
// once, not 409 until its claim expires, and never run a second time.
struct LoggedRequest {
  std::string fingerprint;  // of the request the log holds under the key
  Response response;        // what a retry is answered
};
struct IdempotencyLedger {
  // Names this process's current term as its service's writer. An in-flight claim records it:
  // a claim of another term was made by a writer that can no longer commit anything, and what
  // it did commit is in this writer's state.
  std::function<std::string()> term;
  // The request the log holds under `key_hash` (hex SHA-256 of service, caller and key).
  std::function<std::optional<LoggedRequest>(const Request&, const std::string& key_hash)> logged;
  // Around the handler, on its thread: what it appends carries the key's hash and fingerprint.
  std::function<void(const std::string& key_hash, const std::string& fingerprint)> enter;
  std::function<void()> leave;
};

struct Readiness {
  bool ready = false;
  nlohmann::json checks = nlohmann::json::object();  // e.g. {"event_log": "ok", "replay": "done"}
};

class Server {
 public:
  Server(ServerOptions options, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_authenticator(Authenticator authenticator);
  void set_readiness(std::function<Readiness()> readiness);
  void set_interceptor(Interceptor interceptor);
  void set_finisher(Finisher finisher);
  // Idempotency-Key records live here (DESIGN §4); without a cache the header is ignored.
  void set_idempotency_store(cache::Cache* cache, std::chrono::seconds ttl = std::chrono::hours(24));
  // With it, a key whose claim is held by a writer that is gone is answered from the log.
  void set_idempotency_ledger(IdempotencyLedger ledger);
  // Counters for ServerOptions::rate_limit (shared by every replica through the cache); without
  // a cache, or with a limit of 0, there are no rate limits.
  void set_rate_limit_store(cache::Cache* cache);

  // This server's routes for another server of the process to mount (the console in `concord
  // serve`), which authenticates, limits and logs the request: each runs what follows
  // authentication here — the interceptor, the Idempotency-Key (claimed under this server's
  // service and the request's principal, its events stamped through this server's ledger), the
  // handler, the finisher — so a request that comes that way is the same request as one that
  // comes here. The mounting server must not claim their keys itself (RouteOptions::idempotent).
  Router in_process_routes() const;

  Status start();  // binds and starts serving; an Error when the address cannot be bound
  unsigned short port() const;
  // Stops accepting, lets in-flight requests finish within the grace period, closes idle
  // connections and streams, then returns. Safe to call more than once, from any thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks until SIGTERM or SIGINT arrives.
void wait_for_shutdown_signal();

}  // namespace concord::http
