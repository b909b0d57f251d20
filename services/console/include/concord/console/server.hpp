#pragma once
// concord-console's server, as `concord serve` and the concord-console binary start it.
#include <functional>
#include <memory>

#include "concord/console/changes.hpp"
#include "concord/console/console.hpp"
#include "concord/http/server.hpp"
#include "concord/service/host.hpp"

namespace concord::console {

class ConsoleServer final : public service::Companion {
 public:
  // Listens on CONCORD_CONSOLE_ADDR (127.0.0.1:8080). `mount_api` adds the /api/<service>/
  // routes; the change stream reads through platform.event_log(log_owner) (never appending:
  // with Kafka, an owner other than a service's name keeps its writer's transactional id
  // untouched). Prints the console's address, with a one-time sign-in link when this process
  // can mint tokens (HS256, or EdDSA with the private key).
  static Result<std::unique_ptr<ConsoleServer>> start(service::Platform& platform, const Env& env,
                                                      const std::string& log_owner,
                                                      const std::function<void(http::Router&)>& mount_api);
  ~ConsoleServer() override;
  void stop() override;
  unsigned short port() const { return server_->port(); }

 private:
  ConsoleServer() = default;
  std::unique_ptr<SignIn> sign_in_;
  std::unique_ptr<ChangeFeed> changes_;
  std::unique_ptr<http::Server> server_;
};

// For `concord serve`: the console with every service's routes in process.
service::CompanionFactory in_process_console();

}  // namespace concord::console
