#include "pipeline.hpp"

#include <unordered_map>

#include <boost/url/parse.hpp>

#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "concord/core/metrics.hpp"
#include "concord/core/secret.hpp"
#include "idempotency.hpp"
#include "rate_limit.hpp"

namespace concord::http {
namespace {

constexpr std::string_view kUnmatched = "unmatched";

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

std::string valid_correlation_id(std::optional<std::string_view> header) {
  if (header && !header->empty() && header->size() <= 128 && printable(*header)) return std::string(*header);
  return new_request_id();
}

Pipeline::Pipeline(ServerOptions options, Router router) : options_(std::move(options)), router_(std::move(router)) {}
Pipeline::~Pipeline() = default;

void Pipeline::set_idempotency_store(cache::Cache* cache, std::chrono::seconds ttl) {
  idempotency_ = cache ? std::make_unique<IdempotencyGuard>(*cache, options_.service, ttl) : nullptr;
}

void Pipeline::set_rate_limit_store(cache::Cache* cache) {
  rate_limiter_ =
      cache && options_.rate_limit > 0
          ? std::make_unique<RateLimiter>(*cache, options_.service, options_.rate_limit, options_.rate_window)
          : nullptr;
}

Result<Prepared> Pipeline::prepare(Request& request) const {
  request.correlation_id = valid_correlation_id(request.headers.get("X-Request-Id"));
  // Bodies are taken as sent: a compressed one would only fail later as JSON that does not
  // parse, and inflating it would make the body limit meaningless (a zip bomb).
  if (auto encoding = request.headers.get("Content-Encoding");
      encoding && !encoding->empty() && *encoding != "identity")
    return fail(Error::of(ErrorCode::unsupported_media, "Content-Encoding '" + std::string(encoding->substr(0, 40)) +
                                                            "' is not accepted; send the body uncompressed"));
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return fail(Error::bad_request("the request target is not a valid origin-form URI"));
  request.path = std::string(url->path());
  if (request.path.empty()) request.path = "/";
  for (auto param : url->params()) {
    // The first value of a repeated parameter wins; lists travel comma-separated (?participants=a,b).
    request.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
  Prepared prepared{RouteOptions{}.body_limit, router_.match(request.method, request.path)};
  if (auto* m = std::get_if<RouteMatch>(&prepared.match)) prepared.body_limit = m->route->options.body_limit;
  return prepared;
}

Response Pipeline::builtin(const Request& request, bool& handled) {
  handled = true;
  if (request.path == "/healthz") return Response::json(200, {{"status", "ok"}, {"service", options_.service}});
  if (request.path == "/readyz") {
    Readiness r = readiness_ ? readiness_() : Readiness{true, {}};
    return Response::json(
        r.ready ? 200 : 503,
        {{"status", r.ready ? "ready" : "not_ready"}, {"service", options_.service}, {"checks", r.checks}});
  }
  if (request.path == "/metrics")
    return Response::text(200, metrics::global().render(), "text/plain; version=0.0.4; charset=utf-8");
  handled = false;
  return {};
}

Response Pipeline::dispatch(Request& request, Prepared& prepared) {
  if (request.method == Method::get || request.method == Method::head) {
    bool handled = false;
    auto r = builtin(request, handled);
    if (handled) {
      request.route = request.path;
      return r;
    }
  }
  auto& match = prepared.match;
  if (std::holds_alternative<NoSuchPath>(match))
    return Response::problem(Error::not_found("no resource at " + redact_secrets(request.path)),
                             redact_secrets(request.path));
  if (auto* wrong = std::get_if<WrongMethod>(&match)) {
    Error e = Error::of(ErrorCode::method_not_allowed,
                        std::string(to_string(request.method)) + " is not allowed here; use " + wrong->allow);
    e.headers.emplace_back("Allow", wrong->allow);
    return Response::problem(e, redact_secrets(request.path));
  }
  auto& m = std::get<RouteMatch>(match);
  const Route& route = *m.route;
  request.route = route.pattern;
  request.path_params = std::move(m.params);

  if (auto answered = intercept(request, route)) return std::move(*answered);

  if (!route.options.public_route) {
    if (!authenticator_)
      return Response::problem(Error::unauthorized("no authenticator is configured"), redact_secrets(request.path));
    auto header = request.headers.get("Authorization");
    auto principal = !header && route.options.header_free_credential ? route.options.header_free_credential(request)
                                                                     : authenticator_(header);
    if (!principal) {
      Error e = principal.error();
      if (e.code == ErrorCode::unauthorized && e.headers.empty())
        e.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"concord\"");
      return Response::problem(e, redact_secrets(request.path));
    }
    request.principal = std::move(*principal);
    if (rate_limiter_)
      if (auto refused = rate_limiter_->check(request)) return std::move(*refused);
  }
  return run(request, route);
}

std::optional<Response> Pipeline::intercept(Request& request, const Route& route) {
  if (!interceptor_) return std::nullopt;
  try {
    return interceptor_(request);
  } catch (const std::exception& e) {
    log::error("interceptor threw", {{"route", route.pattern}, {"what", e.what()}});
    return Response::problem(Error::internal("an unexpected error occurred; it has been logged"),
                             redact_secrets(request.path));
  }
}

Response Pipeline::in_process(Request& request, const Route& route) {
  if (auto answered = intercept(request, route)) return std::move(*answered);
  return run(request, route);
}

Response Pipeline::run(Request& request, const Route& route) {
  IdempotencyGuard::Decision claim;
  auto key = request.headers.get("Idempotency-Key");
  const IdempotencyLedger* ledger = ledger_ ? &*ledger_ : nullptr;
  if (key && idempotency_ && request.method == Method::post && route.options.idempotent) {
    claim = idempotency_->begin(request, *key, ledger);
    if (claim.answer) return std::move(*claim.answer);
  }
  bool stamped = ledger && !claim.key_hash.empty();
  if (stamped) ledger->enter(claim.key_hash, claim.fingerprint);

  Response response;
  try {
    auto result = route.handler(request);
    response = result ? std::move(*result) : Response::problem(result.error(), redact_secrets(request.path));
  } catch (const std::exception& e) {
    // A handler that throws has a bug; the client gets a 500 and the log gets the reason.
    log::error("handler threw", {{"route", route.pattern}, {"what", e.what()}});
    response = Response::problem(Error::internal("an unexpected error occurred; it has been logged"),
                                 redact_secrets(request.path));
  }
  if (stamped) {
    ledger->leave();
    // Refused because the log holds the key (the writer found it committed, or another attempt
    // committed it meanwhile): the outcome in the log is the answer.
    if (response.status >= 400)
      if (auto replay = idempotency_->replay_from_log(request, claim, *ledger)) response = std::move(*replay);
  }
  if (finisher_) finisher_(request, response);
  if (idempotency_ && !claim.record_key.empty()) idempotency_->finish(claim, response);
  return response;
}

Response Pipeline::handle(Request& request, Prepared& prepared) {
  auto started = std::chrono::steady_clock::now();
  log::CorrelationScope scope(request.correlation_id);
  Response response = dispatch(request, prepared);
  response.headers.set("X-Request-Id", request.correlation_id);
  record(request, response.status, started);
  return response;
}

void Pipeline::record(const Request& request, int status, std::chrono::steady_clock::time_point started) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string route = request.route.empty() ? std::string(kUnmatched) : request.route;
  // The registry's lookups take a lock and build label strings; each thread remembers the
  // series it has used, so the hot path is a hash lookup and two atomic adds.
  struct Series {
    metrics::Counter* requests;
    metrics::Histogram* latency;
  };
  thread_local std::unordered_map<std::string, Series> known;
  std::string key = options_.service;
  key += '\n';
  key += route;
  key += '\n';
  key += to_string(request.method);
  key += '\n';
  key += std::to_string(status);
  auto it = known.find(key);
  if (it == known.end()) {
    auto& registry = metrics::global();
    Series series{&registry.counter("concord_http_requests_total", "HTTP requests by route, method and status",
                                    {{"service", options_.service},
                                     {"route", route},
                                     {"method", std::string(to_string(request.method))},
                                     {"status", std::to_string(status)}}),
                  &registry.histogram("concord_http_request_duration_seconds", "HTTP request latency",
                                      {{"service", options_.service}, {"route", route}})};
    it = known.emplace(std::move(key), series).first;
  }
  it->second.requests->inc();
  it->second.latency->observe(seconds);
  if (options_.access_log && log::level() <= log::Level::info) {
    log::CorrelationScope scope(request.correlation_id);
    // Calendar feed addresses and stream tickets are bearer secrets: never in a log line.
    std::string path = redact_secrets(request.path);
    log::access({.method = to_string(request.method),
                 .path = path,
                 .route = route,
                 .status = status,
                 .duration_ms = seconds * 1000.0,
                 .remote = request.remote_address});
  }
}

}  // namespace concord::http
