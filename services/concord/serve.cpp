#include <cstdio>

#include "cli.hpp"
#include "concord/service/host.hpp"
#include "registry.hpp"

namespace concord::cli {

int serve(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fprintf(stderr, "concord serve: takes no arguments; configure it with environment variables\n");
    return 2;
  }
  return service::serve(all_services_with_domains());
}

}  // namespace concord::cli
