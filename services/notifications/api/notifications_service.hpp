#pragma once
// The notifications service object: the state its parts share (runtime/shared_state.hpp), the
// live fan-out, and the background work of runtime/ that it starts and stops. Its handlers are
// api/*_routes.cpp (api/routes.hpp).
#include <memory>

#include "concord/service/follower.hpp"
#include "concord/service/replica.hpp"
#include "concord/service/service.hpp"
#include "notifications/runtime/deliverer.hpp"
#include "notifications/runtime/live.hpp"
#include "notifications/runtime/mailer.hpp"
#include "notifications/runtime/processor.hpp"
#include "notifications/runtime/shared_state.hpp"

namespace concord::notifications {

class NotificationsService final : public service::Service {
 public:
  NotificationsService(service::ServiceContext& context, Catalogues messages, Settings settings);
  ~NotificationsService() override;

  void mount(http::Router& router) override;
  Status recover() override;
  void start() override;
  void stop() override;

  // What start() starts, without the loops' threads: the follower, the live fan-out, and the
  // processor, deliverer and mailer, idle until run_once() turns them (tests: no waiting on a
  // thread or the clock of the machine).
  void start_stepped();
  // One turn of each loop, as their threads would take it, with reminders and digests checked:
  // how many records and e-mails they handled (0: nothing was waiting), or the first error.
  Result<size_t> run_once();
  // The state and its write path (tests and the benchmark: snapshots, recovery).
  service::Store<State>& store() { return shared_.store; }

 private:
  Shared shared_;
  Live live_;
  std::unique_ptr<Processor> processor_;
  std::unique_ptr<Deliverer> deliverer_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<service::Follower> follower_;
  service::Replica* replica_ = nullptr;  // null when the service runs without a host (tests)
};

}  // namespace concord::notifications
