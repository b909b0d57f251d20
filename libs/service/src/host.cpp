#include "concord/service/host.hpp"

#include <cstdio>

#include "concord/auth/cached_verifier.hpp"
#include "concord/core/log.hpp"

namespace concord::service {

namespace {
enum Phase { recovering = 0, ready = 1, failed = 2 };
}

const std::vector<ServiceSpec>& all_services() {
  static const std::vector<ServiceSpec> services = {
      {"scheduling", "127.0.0.1:8081", "CONCORD_SCHEDULING_ADDR", {{"concord.scheduling.v1"}, {"concord.scheduling.private.v1"}}, {}},
      {"delegations", "127.0.0.1:8082", "CONCORD_DELEGATIONS_ADDR",
       {{"concord.delegations.v1"}, {"concord.delegations.private.v1"}}, {}},
      {"documents", "127.0.0.1:8083", "CONCORD_DOCUMENTS_ADDR", {{"concord.documents.v1"}}, {}},
      {"notifications", "127.0.0.1:8084", "CONCORD_NOTIFICATIONS_ADDR",
       {{"concord.notifications.v1"}, {"concord.webhooks.dlq.v1"}}, {}},
  };
  return services;
}

const ServiceSpec* find_service(const std::string& name) {
  for (const auto& s : all_services())
    if (s.name == name) return &s;
  return nullptr;
}

Host::~Host() { stop(); }

Result<std::unique_ptr<Host>> Host::create(Platform& platform, const ServiceSpec& spec, const Env& env) {
  std::unique_ptr<Host> host(new Host());
  host->spec_ = spec;
  // A single-service binary may also be configured with the generic CONCORD_HTTP_ADDR.
  std::string address = env.address(spec.address_variable, env.address("CONCORD_HTTP_ADDR", spec.default_address));
  host->address_host_ = parse_host_port(address)->host;

  auto log = platform.event_log(spec.name);
  if (!log) return fail(log.error());
  host->log_ = *log;
  if (auto created = host->log_->ensure_topics(spec.topics); !created) return fail(created.error());

  host->phase_ = std::make_shared<std::atomic<int>>(spec.factory ? recovering : ready);
  http::Router router;
  if (spec.factory) {
    host->context_ = std::unique_ptr<ServiceContext>(
        new ServiceContext{spec.name, host->log_, platform.cache(), platform.clock(), platform.ids(), env});
    host->context_->snapshots = platform.snapshot_policy();
    host->service_ = spec.factory(*host->context_);
    http::Router inner;
    host->service_->mount(inner);
    // Until the state is rebuilt, the service's own routes answer 503 rather than from a
    // partial state.
    for (const auto& route : inner.routes()) {
      router.add(route.method, route.pattern,
                 [phase = host->phase_, handler = route.handler](http::Request& req) -> Result<http::Response> {
                   if (phase->load() != ready)
                     return fail(Error::unavailable("the service is rebuilding its state from the event log"));
                   return handler(req);
                 },
                 route.options);
    }
  }
  host->routes_ = router;
  host->server_ = std::make_unique<http::Server>(platform.server_options(spec.name, address), std::move(router));
  auto verifier = std::make_shared<auth::CachedVerifier>(platform.verifier());
  const Clock& clock = platform.clock();
  host->server_->set_authenticator(
      [verifier, &clock](std::optional<std::string_view> header) { return verifier->authenticate(header, clock.now()); });
  host->server_->set_idempotency_store(&platform.cache());
  host->server_->set_rate_limit_store(&platform.cache());
  cache::Cache* cache = &platform.cache();
  host->server_->set_readiness([log = host->log_, cache, phase = host->phase_] {
    bool log_ok = log->healthy();
    bool cache_ok = cache->healthy();
    int p = phase->load();
    // The cache is never the truth: without it the service is slower, not unready.
    return http::Readiness{log_ok && p == ready,
                           {{"event_log", log_ok ? "ok" : "unavailable"},
                            {"state", p == ready ? "rebuilt" : p == failed ? "failed" : "replaying"},
                            {"cache", cache_ok ? "ok" : "degraded"}}};
  });
  if (auto started = host->server_->start(); !started) return fail(started.error());
  if (host->service_) host->recover_in_background();
  return host;
}

void Host::recover_in_background() {
  recovery_ = std::thread([this] {
    auto started = std::chrono::steady_clock::now();
    auto status = service_->recover();
    if (!status) {
      phase_->store(failed);
      log::error("recovery failed; the service stays unready", {{"service", spec_.name}, {"error", status.error().detail}});
      return;
    }
    service_->start();
    phase_->store(ready);
    log::info("state rebuilt", {{"service", spec_.name},
                                {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started).count()}});
  });
}

void Host::stop() {
  if (server_) server_->stop();
  if (recovery_.joinable()) recovery_.join();
  if (service_) service_->stop();
}

int serve(const std::vector<ServiceSpec>& services, CompanionFactory companion_factory) {
  Env env;
  auto platform = Platform::from_env(env);
  if (!platform) {
    std::fprintf(stderr, "concord: %s\n", platform.error().detail.c_str());
    return 2;
  }
  std::vector<std::unique_ptr<Host>> hosts;
  for (const auto& spec : services) {
    auto host = Host::create(**platform, spec, env);
    if (!host) {
      std::fprintf(stderr, "concord: %s: %s\n", spec.name.c_str(), host.error().detail.c_str());
      for (auto& h : hosts) h->stop();
      return 1;
    }
    hosts.push_back(std::move(*host));
  }
  for (const auto& h : hosts)
    std::printf("%-14s http://%s:%u\n", h->name().c_str(), h->host().c_str(), static_cast<unsigned>(h->port()));
  std::unique_ptr<Companion> companion;
  if (companion_factory) {
    std::vector<const Host*> started;
    for (const auto& h : hosts) started.push_back(h.get());
    auto made = companion_factory(**platform, started, env);
    if (!made) {
      std::fprintf(stderr, "concord: %s\n", made.error().detail.c_str());
      for (auto& h : hosts) h->stop();
      return 1;
    }
    companion = std::move(*made);
  }
  std::fflush(stdout);
  http::wait_for_shutdown_signal();
  if (companion) companion->stop();
  for (auto& h : hosts) h->stop();
  return 0;
}

}  // namespace concord::service
