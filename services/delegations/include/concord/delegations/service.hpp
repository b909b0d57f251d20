#pragma once
// The delegations service (port 8082): delegations, members, order of precedence,
// accreditation and travel, event-sourced on concord.delegations.v1 and, for personal data,
// concord.delegations.private.v1.
#include <memory>

#include "concord/service/host.hpp"
#include "concord/service/service.hpp"

namespace concord::delegations {

std::unique_ptr<service::Service> make_service(service::ServiceContext& context);

// The service as the host runs it: its name, its default address (8082) and the variable
// that sets it (CONCORD_DELEGATIONS_ADDR), the topics it writes, and make_service.
service::ServiceSpec spec();

}  // namespace concord::delegations
