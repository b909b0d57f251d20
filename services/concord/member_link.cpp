// concord member-link --member ID: a one-time console sign-in link for a delegation member, as
// an officer's "Sign-in link" gives it. Mints a short-lived officer token with the local key
// (like `concord token`) and asks the running console for the member's code
// (POST /console/v1/members/{id}/sign-in-link), which reads the member from the delegations
// service: an unknown or withdrawn member gets no link.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "concord/auth/jwt.hpp"
#include "concord/core/config.hpp"
#include "concord/http/client.hpp"

namespace concord::cli {

int member_link(const std::vector<std::string>& args) {
  Env env;
  std::string member;
  std::string console = "http://" + env.address("CONCORD_CONSOLE_ADDR", "127.0.0.1:8080");
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "concord member-link: %s needs a value\n", flag.c_str());
      return 2;
    }
    const auto& value = args[++i];
    if (flag == "--member")
      member = value;
    else if (flag == "--console")
      console = value;
    else {
      std::fprintf(stderr, "concord member-link: unknown option '%s'\n", flag.c_str());
      return 2;
    }
  }
  if (member.empty()) {
    std::fprintf(stderr, "concord member-link: --member ID is required\n");
    return 2;
  }
  while (!console.empty() && console.back() == '/') console.pop_back();
  auto config = auth::jwt_config_from_env(env, env.string("CONCORD_DATA_DIR", "./concord-data"));
  if (!config) {
    std::fprintf(stderr, "concord member-link: %s\n", config.error().detail.c_str());
    return 2;
  }
  auth::TokenRequest officer;
  officer.subject = "operator";
  officer.roles = {auth::Role::protocol_officer};
  officer.ttl = std::chrono::minutes(5);
  officer.issued_at = SystemClock{}.now();
  auto token = auth::mint(*config, officer);
  if (!token) {
    std::fprintf(stderr, "concord member-link: %s\n", token.error().detail.c_str());
    return 2;
  }
  http::ClientRequest request;
  request.method = http::Method::post;
  request.url = console + "/console/v1/members/" + member + "/sign-in-link";
  request.headers.set("Authorization", "Bearer " + *token);
  request.timeout = std::chrono::seconds(30);
  auto answer = http::fetch(request);
  if (!answer) {
    std::fprintf(stderr, "concord member-link: the console at %s cannot be reached: %s\n", console.c_str(),
                 answer.error().detail.c_str());
    return 1;
  }
  nlohmann::json body = nlohmann::json::parse(answer->body, nullptr, false);
  if (answer->status != 201 || !body.is_object() || !body.contains("path") || !body["path"].is_string()) {
    std::string detail = body.is_object() && body.contains("detail") && body["detail"].is_string()
                             ? body["detail"].get<std::string>()
                             : answer->body.substr(0, 300);
    std::fprintf(stderr, "concord member-link: %d %s\n", answer->status, detail.c_str());
    return 1;
  }
  std::printf("%s%s\n", console.c_str(), body["path"].get<std::string>().c_str());
  return 0;
}

}  // namespace concord::cli
