#include "concord/console/server.hpp"

#include <cstdio>

#include "concord/auth/cached_verifier.hpp"
#include "concord/console/oidc_client.hpp"
#include "concord/core/log.hpp"

namespace concord::console {

Result<std::unique_ptr<ConsoleServer>> ConsoleServer::start(service::Platform& platform, const Env& env,
                                                            const std::string& log_owner,
                                                            const std::function<void(http::Router&)>& mount_api) {
  std::unique_ptr<ConsoleServer> console(new ConsoleServer());
  std::string address = env.address("CONCORD_CONSOLE_ADDR", "127.0.0.1:8080");

  auto api = std::make_shared<http::Router>();
  mount_api(*api);
  http::Router routes;
  for (const auto& route : api->routes()) routes.add(route.method, route.pattern, route.handler, route.options);
  mount_api_not_found(routes);
  mount_assets(routes, embedded_assets());

  auto oidc = oidc_client_from_env(env);
  if (!oidc) return fail(oidc.error());
  mount_config(routes, *oidc);
  std::string issuer_origin = *oidc ? *https_origin((*oidc)->issuer) : std::string();

  auto jwt = auth::jwt_config_from_env(env, platform.data_dir());
  if (!jwt) return fail(jwt.error());
  bool can_mint = jwt->algorithm == auth::Algorithm::hs256 || !jwt->ed25519_private_key_pem.empty();
  if (can_mint) {
    console->sign_in_ = std::make_unique<SignIn>(*jwt, platform.clock(), SignIn::Options{});
    console->sign_in_->mount(routes);
    mount_member_links(routes, *console->sign_in_, api);
  }

  auto log = platform.event_log(log_owner);
  if (!log) return fail(log.error());
  console->changes_ = std::make_unique<ChangeFeed>(*log);
  if (auto started = console->changes_->start(); !started) return fail(started.error());
  console->changes_->mount(routes);

  console->server_ = std::make_unique<http::Server>(platform.server_options("console", address),
                                                    with_security_headers(routes, issuer_origin));
  auto verifier = std::make_shared<auth::CachedVerifier>(platform.verifier());
  const Clock& clock = platform.clock();
  console->server_->set_authenticator([verifier, &clock](std::optional<std::string_view> header) {
    return verifier->authenticate(header, clock.now());
  });
  // No Idempotency-Key store of its own: keys are the services' (their in-process routes claim
  // them, and a forwarded request carries the header to them).
  if (auto started = console->server_->start(); !started) return fail(started.error());

  auto hp = parse_host_port(address);
  std::string host = hp && hp->host != "0.0.0.0" && hp->host != "::" ? hp->host : "127.0.0.1";
  std::string url = "http://" + host + ":" + std::to_string(console->server_->port()) + "/";
  if (console->sign_in_)
    std::printf("%-14s %s#signin=%s\n", "console", url.c_str(), console->sign_in_->issue().c_str());
  else
    std::printf("%-14s %s\n", "console", url.c_str());
  if (*oidc)
    log::info("console signs in at the OpenID Connect issuer",
              {{"issuer", (*oidc)->issuer}, {"client_id", (*oidc)->client_id}});
  std::fflush(stdout);
  return console;
}

ConsoleServer::~ConsoleServer() {
  stop();
}

void ConsoleServer::stop() {
  if (server_) server_->stop();
  if (changes_) changes_->stop();
}

service::CompanionFactory in_process_console() {
  return [](service::Platform& platform, const std::vector<const service::Host*>& hosts,
            const Env& env) -> Result<std::unique_ptr<service::Companion>> {
    // In process, the scheduling service's log is already open (with Kafka: its own writer,
    // which the console only reads through).
    auto console = ConsoleServer::start(platform, env, "scheduling", [&](http::Router& router) {
      for (const auto* h : hosts) mount_in_process(router, h->name(), h->in_process_routes());
    });
    if (!console) return fail(console.error());
    return std::unique_ptr<service::Companion>(std::move(*console));
  };
}

}  // namespace concord::console
