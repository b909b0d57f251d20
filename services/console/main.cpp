// concord-console: the web console on its own, forwarding /api/<service>/ to each service's
// address (CONCORD_<SERVICE>_URL, default http://127.0.0.1:<its port>).
#include <cstdio>

#include "concord/console/server.hpp"
#include "concord/console/stream_forward.hpp"
#include "concord/core/config.hpp"
#include "concord/http/server.hpp"

int main() {
  using namespace concord;
  try {
    Env env;
    auto platform = service::Platform::from_env(env);
    if (!platform) {
      std::fprintf(stderr, "concord-console: %s\n", platform.error().detail.c_str());
      return 2;
    }
    // Live streams (text/event-stream) pass through as they arrive; their life is bounded.
    console::StreamForwarder::Options limits;
    limits.idle = env.duration("CONCORD_CONSOLE_STREAM_IDLE", limits.idle);
    limits.max_age = env.duration("CONCORD_CONSOLE_STREAM_MAX_AGE", limits.max_age);
    auto streams = std::make_shared<console::StreamForwarder>(limits);
    auto console = console::ConsoleServer::start(**platform, env, "console", [&](http::Router& router) {
      struct Upstream {
        const char* service;
        const char* variable;
        const char* fallback;
      };
      for (const Upstream& u : {Upstream{"scheduling", "CONCORD_SCHEDULING_URL", "http://127.0.0.1:8081"},
                                Upstream{"delegations", "CONCORD_DELEGATIONS_URL", "http://127.0.0.1:8082"},
                                Upstream{"documents", "CONCORD_DOCUMENTS_URL", "http://127.0.0.1:8083"},
                                Upstream{"notifications", "CONCORD_NOTIFICATIONS_URL", "http://127.0.0.1:8084"}})
        console::mount_forward(router, u.service, env.string(u.variable, u.fallback), streams);
    });
    if (!console) {
      std::fprintf(stderr, "concord-console: %s\n", console.error().detail.c_str());
      return 1;
    }
    http::wait_for_shutdown_signal();
    (*console)->stop();
    return 0;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "concord-console: configuration error: %s\n", e.what());
    return 2;
  }
}
