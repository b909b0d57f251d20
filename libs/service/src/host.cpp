#include "concord/service/host.hpp"

#include <unistd.h>

#include <cstdio>

#include "concord/auth/cached_verifier.hpp"
#include "concord/core/log.hpp"
#include "concord/http/client.hpp"

namespace concord::service {

namespace {
enum Phase { recovering = 0, ready = 1, failed = 2 };

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == 0) return "localhost";
  return name;
}

// How the service's other replicas reach this one: CONCORD_ADVERTISED_URL (a single-service
// process), else CONCORD_ADVERTISED_HOST (in Kubernetes the pod's IP) or the bound host, with
// the bound port.
std::string advertised_url(const Env& env, const std::string& bound_host, unsigned short port) {
  if (auto url = env.get("CONCORD_ADVERTISED_URL"); url && !url->empty()) {
    std::string u = *url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  std::string host = env.string("CONCORD_ADVERTISED_HOST", "");
  if (host.empty())
    host = bound_host == "0.0.0.0" || bound_host == "::" || bound_host.empty() ? host_name() : bound_host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}
}  // namespace

Host::~Host() {
  stop();
}

Result<std::unique_ptr<Host>> Host::create(Platform& platform, const ServiceSpec& spec, const Env& env) {
  std::unique_ptr<Host> host(new Host());
  host->spec_ = spec;
  // A single-service binary may also be configured with the generic CONCORD_HTTP_ADDR.
  std::string address = env.address(spec.address_variable, env.address("CONCORD_HTTP_ADDR", spec.default_address));
  host->address_host_ = parse_host_port(address)->host;

  auto log = platform.event_log(spec.name);
  if (!log) return fail(log.error());
  host->log_ = *log;
  auto topics = spec.topics;
  if (platform.distributed() && spec.factory) topics.push_back({Platform::leader_topic(spec.name), 1});
  if (auto created = host->log_->ensure_topics(topics); !created) return fail(created.error());

  std::string instance = env.string("CONCORD_INSTANCE", host_name() + "-" + std::to_string(getpid()));
  std::unique_ptr<events::WriterElection> election;
  if (spec.factory) {
    auto joined = platform.writer_election(spec.name, instance);
    if (!joined) return fail(joined.error());
    election = std::move(*joined);
  }
  Replica::Options replica_options{
      .service = spec.name, .leader_topic = Platform::leader_topic(spec.name), .instance = instance};
  for (const auto& t : spec.topics) replica_options.own_topics.push_back(t.name);
  replica_options.addresses = spec.addresses;
  replica_options.forward_timeout = env.duration("CONCORD_FORWARD_TIMEOUT", replica_options.forward_timeout);
  replica_options.min_position_wait = env.duration("CONCORD_MIN_POSITION_WAIT", replica_options.min_position_wait);
  host->replica_ = std::make_unique<Replica>(std::move(replica_options), host->log_, std::move(election));

  host->phase_ = std::make_shared<std::atomic<int>>(spec.factory ? recovering : ready);
  http::Router router;
  if (spec.factory) {
    host->context_ = std::unique_ptr<ServiceContext>(
        new ServiceContext{spec.name, host->log_, platform.cache(), platform.clock(), platform.ids(), env});
    host->context_->snapshots = platform.snapshot_policy();
    host->context_->replica = host->replica_.get();
    host->service_ = spec.factory(*host->context_);
    http::Router inner;
    host->service_->mount(inner);
    // Until the state is rebuilt, the service's own routes answer 503 rather than from a
    // partial state.
    for (const auto& route : inner.routes()) {
      router.add(
          route.method, route.pattern,
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
  host->server_->set_authenticator([verifier, &clock](std::optional<std::string_view> header) {
    return verifier->authenticate(header, clock.now());
  });
  host->server_->set_idempotency_store(&platform.cache());
  // A service whose state is a Store answers a retry from its log when the writer that took the
  // key's claim is gone; any other keeps the cache's claims alone.
  if (host->replica_->answers_from_log()) host->server_->set_idempotency_ledger(host->replica_->idempotency_ledger());
  host->server_->set_rate_limit_store(&platform.cache());
  cache::Cache* cache = &platform.cache();
  Replica* replica = host->replica_.get();
  host->server_->set_interceptor([replica](http::Request& request) { return replica->intercept(request); });
  host->server_->set_finisher(
      [replica](const http::Request& request, http::Response& response) { replica->finish(request, response); });
  auto reached_writer = std::make_shared<std::atomic<bool>>(false);
  host->server_->set_readiness([log = host->log_, cache, phase = host->phase_, replica, reached_writer] {
    bool log_ok = log->healthy();
    bool cache_ok = cache->healthy();
    int p = phase->load();
    // Ready: caught up, and writes can be taken here (the writer) or forwarded (a standby that
    // follows its topics and knows a writer other than a dead predecessor at its own address).
    // A standby that has not yet reached the writer it was told of asks it once: the last
    // announcement may be a writer that has just been killed, whose group session has not
    // ended. Once it has reached a writer it stays ready through a failover, serving reads.
    std::string role = replica->role();
    auto writer_url = replica->writer_url();
    if (!replica->writer() && writer_url && !reached_writer->load()) {
      auto answer = http::fetch({.url = *writer_url + "/healthz", .timeout = std::chrono::milliseconds(300)});
      if (answer && answer->status == 200) reached_writer->store(true);
    }
    bool can_write = replica->writer() || (writer_url.has_value() && reached_writer->load());
    // The cache is never the truth: without it the service is slower, not unready.
    return http::Readiness{log_ok && p == ready && can_write,
                           {{"event_log", log_ok ? "ok" : "unavailable"},
                            {"state", p == ready    ? "rebuilt"
                                      : p == failed ? "failed"
                                                    : "replaying"},
                            {"role", role},
                            {"writer", can_write ? "known" : "electing"},
                            {"cache", cache_ok ? "ok" : "degraded"}}};
  });
  if (auto started = host->server_->start(); !started) return fail(started.error());
  host->replica_->set_advertised_url(advertised_url(env, host->address_host_, host->server_->port()));
  if (host->service_)
    host->recover_in_background();
  else
    host->replica_->start();  // nothing to write: no election
  return host;
}

void Host::recover_in_background() {
  recovery_ = std::thread([this] {
    auto started = std::chrono::steady_clock::now();
    auto status = service_->recover();
    if (!status) {
      phase_->store(failed);
      log::error("recovery failed; the service stays unready",
                 {{"service", spec_.name}, {"error", status.error().detail}});
      return;
    }
    replica_->start();
    service_->start();
    phase_->store(ready);
    log::info(
        "state rebuilt",
        {{"service", spec_.name},
         {"ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()}});
  });
}

void Host::stop() {
  if (server_) server_->stop();
  if (recovery_.joinable()) recovery_.join();
  // A writer hands its role over as soon as its requests are answered.
  if (replica_) replica_->stop();
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
