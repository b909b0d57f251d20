#pragma once
// Everything a request goes through between the socket and the handler, with no Beast in it,
// so it is tested without a network and compiled without Beast's templates.
#include <atomic>
#include <memory>

#include "concord/http/server.hpp"

namespace concord::http {

class IdempotencyGuard;
class RateLimiter;

struct Prepared {
  size_t body_limit;  // the matched route's limit, or the default for unmatched paths
  MatchResult match;
};

class Pipeline {
 public:
  Pipeline(ServerOptions options, Router router);
  ~Pipeline();

  void set_authenticator(Authenticator a) { authenticator_ = std::move(a); }
  void set_readiness(std::function<Readiness()> r) { readiness_ = std::move(r); }
  void set_interceptor(Interceptor i) { interceptor_ = std::move(i); }
  void set_finisher(Finisher f) { finisher_ = std::move(f); }
  void set_idempotency_store(cache::Cache* cache, std::chrono::seconds ttl);
  void set_idempotency_ledger(IdempotencyLedger ledger) { ledger_ = std::move(ledger); }
  // Per-principal limits (options().rate_limit per options().rate_window); off when the limit is 0.
  void set_rate_limit_store(cache::Cache* cache);

  // Splits the target into path and query and picks the body limit, once the headers are in.
  // An Error here (a target that does not parse) is answered before the body is read.
  Result<Prepared> prepare(Request& request) const;
  // The rest of the pipeline; never throws, always answers.
  Response handle(Request& request, Prepared& prepared);
  // A request another server of the process authenticated, for one of this pipeline's routes
  // (Server::in_process_routes): what follows authentication here, as if it had come here.
  Response in_process(Request& request, const Route& route);
  const Router& router() const { return router_; }
  // For responses the session writes itself (413, 431, 408, 429): counted and logged alike.
  void record(const Request& request, int status, std::chrono::steady_clock::time_point started);

  const ServerOptions& options() const { return options_; }

 private:
  Response dispatch(Request& request, Prepared& prepared);
  Response builtin(const Request& request, bool& handled);
  std::optional<Response> intercept(Request& request, const Route& route);
  // Idempotency-Key → handler → finisher, for an authenticated request.
  Response run(Request& request, const Route& route);

  ServerOptions options_;
  Router router_;
  Authenticator authenticator_;
  std::function<Readiness()> readiness_;
  Interceptor interceptor_;
  Finisher finisher_;
  std::unique_ptr<IdempotencyGuard> idempotency_;
  std::optional<IdempotencyLedger> ledger_;
  std::unique_ptr<RateLimiter> rate_limiter_;
};

std::string valid_correlation_id(std::optional<std::string_view> header);

}  // namespace concord::http
