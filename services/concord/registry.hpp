#pragma once
// The four services with their domain factories attached, for `concord serve`.
#include <vector>

#include "concord/service/host.hpp"

namespace concord::cli {

std::vector<service::ServiceSpec> all_services_with_domains();

}  // namespace concord::cli
