#include "registry.hpp"

#include "concord/delegations/service.hpp"
#include "concord/documents/service.hpp"
#include "concord/notifications/service.hpp"
#include "concord/scheduling/service.hpp"

namespace concord::cli {

std::vector<service::ServiceSpec> all_services_with_domains() {
  std::vector<service::ServiceSpec> specs = service::all_services();
  // Each service attaches its factory here as it lands, e.g.
  //   find(specs, "delegations").factory = delegations::make_service;
  for (auto& spec : specs)
    if (spec.name == "notifications") spec.factory = notifications::make_service;
  for (auto& spec : specs)
    if (spec.name == "scheduling") spec.factory = scheduling::make_service;
  for (auto& spec : specs)
    if (spec.name == "delegations") spec.factory = delegations::make_service;
  for (auto& spec : specs)
    if (spec.name == "documents") spec.factory = documents::make_service;
  return specs;
}

}  // namespace concord::cli
