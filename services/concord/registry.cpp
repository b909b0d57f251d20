#include "registry.hpp"

#include "concord/delegations/service.hpp"
#include "concord/documents/service.hpp"
#include "concord/notifications/service.hpp"
#include "concord/scheduling/service.hpp"

namespace concord::cli {

std::vector<service::ServiceSpec> all_services() {
  return {scheduling::spec(), delegations::spec(), documents::spec(), notifications::spec()};
}

}  // namespace concord::cli
