// concord: runs every service in one process (`concord serve`) and carries the operator
// commands (`concord token ...`).
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "concord/core/config.hpp"

namespace {

constexpr const char* kUsage = R"(usage: concord <command> [options]

commands:
  serve    run every Concord service in this process, each on its own port
  token    print a JWT the services accept:
             concord token --role ROLE --sub SUBJECT [--member-id ID] [--delegation-id ID] [--country CC] [--ttl 8h]
           ROLE is host_officer (alias protocol_officer), delegation_officer (needs --country),
           delegation_member, integrator or admin (repeat --role for more)
  member-link
           print a one-time console sign-in link for a delegation member, from the running
           console (CONCORD_CONSOLE_ADDR, or --console http://host:port):
             concord member-link --member MEMBER_ID [--console URL]
  help     print this text

Configuration comes from environment variables; see the README.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "serve") return concord::cli::serve(args);
    if (command == "token") return concord::cli::token(args);
    if (command == "member-link") return concord::cli::member_link(args);
  } catch (const concord::ConfigError& e) {
    std::fprintf(stderr, "concord: configuration error: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr, "concord: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
