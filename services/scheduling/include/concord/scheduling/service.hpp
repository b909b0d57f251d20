#pragma once
// The scheduling service as the host runs it: `concord-scheduling`, and `concord serve`.
#include <memory>

#include "concord/service/service.hpp"

namespace concord::scheduling {

// Reads CONCORD_NARROW_FORMAT_MAX_PER_SIDE (default 4) and CONCORD_WORKING_HOURS
// ("09:00-19:00", the visit's zone) from the context's environment.
std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

}  // namespace concord::scheduling
