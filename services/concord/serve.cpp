#include <cstdio>
#include <memory>

#include "cli.hpp"
#include "concord/auth/jwt.hpp"
#include "concord/core/config.hpp"
#include "concord/core/log.hpp"
#include "concord/http/server.hpp"
#include "concord/service/platform.hpp"

namespace concord::cli {

int serve(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fprintf(stderr, "concord serve: takes no arguments; configure it with environment variables\n");
    return 2;
  }
  Env env;
  auto platform = service::Platform::from_env(env);
  if (!platform) {
    std::fprintf(stderr, "concord serve: %s\n", platform.error().detail.c_str());
    return 2;
  }
  std::vector<std::unique_ptr<service::Host>> hosts;
  for (const auto& spec : service::all_services()) {
    auto host = service::Host::create(**platform, spec, env);
    if (!host) {
      std::fprintf(stderr, "concord serve: %s: %s\n", spec.name.c_str(), host.error().detail.c_str());
      for (auto& h : hosts) h->stop();
      return 1;
    }
    hosts.push_back(std::move(*host));
  }
  for (const auto& h : hosts)
    std::printf("%-14s http://%s:%u\n", h->name().c_str(), h->host().c_str(), static_cast<unsigned>(h->port()));
  std::fflush(stdout);
  http::wait_for_shutdown_signal();
  for (auto& h : hosts) h->stop();
  return 0;
}

}  // namespace concord::cli
