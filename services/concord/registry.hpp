#pragma once
// The four services, each as its own spec() declares it, for `concord serve`.
#include <vector>

#include "concord/service/host.hpp"

namespace concord::cli {

std::vector<service::ServiceSpec> all_services();

}  // namespace concord::cli
