#pragma once
// The notifications service (issue 7): consumes the scheduling, delegations and documents
// topics and turns what concerns each member into notifications in their inbox, live stream,
// reminders and (for integrators) signed webhooks. `concord serve` and concord-notifications
// both run it through this factory.
#include <memory>

#include "concord/service/host.hpp"
#include "concord/service/service.hpp"

namespace concord::notifications {

std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

// The service as the host runs it: its name, its default address (8084) and the variable
// that sets it (CONCORD_NOTIFICATIONS_ADDR), the topics it writes, and make_service.
service::ServiceSpec spec();

}  // namespace concord::notifications
