#pragma once
// The notifications service (issue 7): consumes the scheduling, delegations and documents
// topics and turns what concerns each member into notifications in their inbox, live stream,
// reminders and (for integrators) signed webhooks. `concord serve` and concord-notifications
// both run it through this factory.
#include <memory>

#include "concord/service/service.hpp"

namespace concord::notifications {

std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

}  // namespace concord::notifications
