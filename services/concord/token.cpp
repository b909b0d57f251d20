#include <cstdio>

#include "cli.hpp"
#include "concord/auth/jwt.hpp"
#include "concord/core/config.hpp"

namespace concord::cli {

int token(const std::vector<std::string>& args) {
  auth::TokenRequest request;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "concord token: %s needs a value\n", flag.c_str());
      return 2;
    }
    const auto& value = args[++i];
    if (flag == "--role") {
      auto role = auth::parse_role(value);
      if (!role) {
        std::fprintf(
            stderr,
            "concord token: unknown role '%s' (host_officer or its alias protocol_officer, delegation_officer, "
            "delegation_member, integrator, admin)\n",
            value.c_str());
        return 2;
      }
      request.roles.push_back(*role);
    } else if (flag == "--sub") {
      request.subject = value;
    } else if (flag == "--member-id") {
      request.member_id = value;
    } else if (flag == "--country") {
      request.country = value;
    } else if (flag == "--delegation-id") {
      request.delegation_id = value;
    } else if (flag == "--ttl") {
      auto ttl = parse_duration(value);
      if (!ttl || ttl->count() <= 0) {
        std::fprintf(stderr, "concord token: --ttl expects a duration such as 30m, 8h\n");
        return 2;
      }
      request.ttl = std::chrono::duration_cast<std::chrono::seconds>(*ttl);
    } else {
      std::fprintf(stderr, "concord token: unknown option '%s'\n", flag.c_str());
      return 2;
    }
  }
  Env env;
  auto config = auth::jwt_config_from_env(env, env.string("CONCORD_DATA_DIR", "./concord-data"));
  if (!config) {
    std::fprintf(stderr, "concord token: %s\n", config.error().detail.c_str());
    return 2;
  }
  request.issued_at = SystemClock{}.now();
  auto jwt = auth::mint(*config, request);
  if (!jwt) {
    std::fprintf(stderr, "concord token: %s\n", jwt.error().detail.c_str());
    return 2;
  }
  std::printf("%s\n", jwt->c_str());
  return 0;
}

}  // namespace concord::cli
