#pragma once
// What a service plugs into its host. The host starts serving /healthz at once, lets the
// service rebuild its state from the log (recover), answers 503 on the service's own routes
// until that is done, then reports ready.
#include <functional>
#include <memory>
#include <string>

#include "concord/cache/cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event_log.hpp"
#include "concord/http/router.hpp"
#include "concord/service/snapshots.hpp"

namespace concord::service {

class Replica;

struct ServiceContext {
  std::string name;  // its spec's name
  std::shared_ptr<events::EventLog> log;
  cache::Cache& cache;
  const Clock& clock;
  IdGenerator& ids;
  const Env& env;              // read in the service's constructor only
  SnapshotPolicy snapshots{};  // where and when to write state snapshots; no store: none
  // This process's part in the service's replica set: a service whose state is a Store calls
  // replica->track(store) in its constructor, so a standby follows its own topics.
  Replica* replica = nullptr;
};

class Service {
 public:
  virtual ~Service() = default;
  // Registers the service's routes. Called before recover(); handlers run only after it.
  virtual void mount(http::Router& router) = 0;
  // Rebuilds state by replaying topics; may take a while. An Error stops the process.
  virtual Status recover() = 0;
  // Starts what runs after recovery (consumers, timers). Optional.
  virtual void start() {}
  // Stops it; the host calls this before the process exits.
  virtual void stop() {}
};

using ServiceFactory = std::function<std::unique_ptr<Service>(ServiceContext& context)>;

}  // namespace concord::service
