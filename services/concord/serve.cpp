#include <cstdio>

#include "cli.hpp"
#include "concord/console/server.hpp"
#include "concord/service/host.hpp"
#include "registry.hpp"

namespace concord::cli {

int serve(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fprintf(stderr, "concord serve: takes no arguments; configure it with environment variables\n");
    return 2;
  }
  // The console beside the four services, reaching them in process (DESIGN §7).
  return service::serve(all_services(), console::in_process_console());
}

}  // namespace concord::cli
