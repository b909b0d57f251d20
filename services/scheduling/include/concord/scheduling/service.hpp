#pragma once
// The scheduling service as the host runs it: `concord-scheduling`, and `concord serve`.
#include <memory>

#include "concord/service/host.hpp"
#include "concord/service/service.hpp"

namespace concord::scheduling {

// Reads CONCORD_NARROW_FORMAT_MAX_PER_SIDE (default 4) and CONCORD_WORKING_HOURS
// ("09:00-19:00", the visit's zone) from the context's environment.
std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

// The service as the host runs it: its name, its default address (8081) and the variable
// that sets it (CONCORD_SCHEDULING_ADDR), the topics it writes, and make_service.
service::ServiceSpec spec();

}  // namespace concord::scheduling
