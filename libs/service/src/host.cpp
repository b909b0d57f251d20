#include "concord/service/host.hpp"

#include "concord/auth/cached_verifier.hpp"
#include "concord/core/log.hpp"

namespace concord::service {

const std::vector<ServiceSpec>& all_services() {
  static const std::vector<ServiceSpec> services = {
      {"scheduling", "127.0.0.1:8081", "CONCORD_SCHEDULING_ADDR", {{"concord.scheduling.v1"}}},
      {"delegations", "127.0.0.1:8082", "CONCORD_DELEGATIONS_ADDR",
       {{"concord.delegations.v1"}, {"concord.delegations.private.v1"}}},
      {"documents", "127.0.0.1:8083", "CONCORD_DOCUMENTS_ADDR", {{"concord.documents.v1"}}},
      {"notifications", "127.0.0.1:8084", "CONCORD_NOTIFICATIONS_ADDR",
       {{"concord.notifications.v1"}, {"concord.webhooks.dlq.v1"}}},
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
  std::vector<events::TopicSpec> topics = spec.topics;
  if (auto created = host->log_->ensure_topics(topics); !created) return fail(created.error());

  http::Router router;
  host->server_ = std::make_unique<http::Server>(platform.server_options(spec.name, address), std::move(router));
  auto verifier = std::make_shared<auth::CachedVerifier>(platform.verifier());
  const Clock& clock = platform.clock();
  host->server_->set_authenticator(
      [verifier, &clock](std::optional<std::string_view> header) { return verifier->authenticate(header, clock.now()); });
  host->server_->set_idempotency_store(&platform.cache());
  auto log_ptr = host->log_;
  cache::Cache* cache = &platform.cache();
  host->server_->set_readiness([log_ptr, cache] {
    bool log_ok = log_ptr->healthy();
    bool cache_ok = cache->healthy();
    // The cache is never the truth: without it the service is slower, not unready.
    return http::Readiness{log_ok, {{"event_log", log_ok ? "ok" : "unavailable"},
                                    {"cache", cache_ok ? "ok" : "degraded"}}};
  });
  if (auto started = host->server_->start(); !started) return fail(started.error());
  return host;
}

void Host::stop() {
  if (server_) server_->stop();
}

}  // namespace concord::service
