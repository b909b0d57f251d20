#pragma once
// One service's HTTP endpoint in a process: its server on its own port, authenticated with the
// platform's verifier, Idempotency-Key records in the platform's cache, ready once its topics
// exist and its state is rebuilt.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "concord/service/platform.hpp"
#include "concord/service/replica.hpp"
#include "concord/service/service.hpp"

namespace concord::service {

// What the host needs to run one service. Each service declares its own (its public header's
// spec()); `concord serve` and the single-service binaries compose them. This library names no
// service.
struct ServiceSpec {
  std::string name;                       // its log's, its election's and its logs' name
  std::string default_address;            // host:port when address_variable is not set
  std::string address_variable;           // the environment variable of its address
  std::vector<events::TopicSpec> topics;  // the topics this service writes
  ServiceFactory factory;                 // empty: the host serves only health, readiness, metrics
  // Where the resources its requests create live, by subject kind (Replica::Options::addresses).
  std::map<std::string, std::string> addresses = {};
};

class Host;

// Something a process runs beside its services once they listen (the console in `concord
// serve`): it may mount their routes under its own server. Stopped before the services.
class Companion {
 public:
  virtual ~Companion() = default;
  virtual void stop() = 0;
};
using CompanionFactory =
    std::function<Result<std::unique_ptr<Companion>>(Platform&, const std::vector<const Host*>&, const Env&)>;

// Runs the given services in this process until SIGTERM or SIGINT; what `concord serve` and
// each single-service binary's main() call. Returns the process exit code.
int serve(const std::vector<ServiceSpec>& services, CompanionFactory companion = {});

class Host {
 public:
  static Result<std::unique_ptr<Host>> create(Platform& platform, const ServiceSpec& spec, const Env& env);
  ~Host();

  const std::string& name() const { return spec_.name; }
  const std::string& host() const { return address_host_; }
  unsigned short port() const { return server_->port(); }
  // The service's routes as its server has them (answering 503 until the state is rebuilt).
  const http::Router& routes() const { return routes_; }
  // The same, run as the service's own server runs them once a request is authenticated
  // (http::Server::in_process_routes: the replica's interception and positions, the service's
  // Idempotency-Keys): what another server of this process mounts (the console in `concord serve`).
  http::Router in_process_routes() const { return server_->in_process_routes(); }
  const Replica& replica() const { return *replica_; }
  void stop();

 private:
  Host() = default;
  void recover_in_background();

  ServiceSpec spec_;
  std::string address_host_;
  std::shared_ptr<events::EventLog> log_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<ServiceContext> context_;
  std::unique_ptr<Service> service_;
  std::shared_ptr<std::atomic<int>> phase_;  // 0 recovering, 1 ready, 2 failed
  std::thread recovery_;
  http::Router routes_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace concord::service
