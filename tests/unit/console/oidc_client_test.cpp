// The console's OpenID Connect sign-in configuration: read from the environment, served at
// GET /console/v1/config, and the issuer's origin added to connect-src only when configured.
#include <gtest/gtest.h>

#include "concord/console/console.hpp"
#include "concord/console/oidc_client.hpp"

using namespace concord;
using namespace concord::console;

namespace {

constexpr const char* kIssuer = "https://idp.example.org:8443/realms/concord";

http::Response get_path(const http::Router& router, const std::string& path) {
  http::Request req;
  req.method = http::Method::get;
  req.path = path;
  req.target = path;
  auto m = router.match(http::Method::get, path);
  auto* route = std::get_if<http::RouteMatch>(&m);
  if (!route) return http::Response::problem(Error::not_found("unmatched"));
  auto res = route->route->handler(req);
  return res ? *res : http::Response::problem(res.error());
}

std::string csp_of(const http::Response& r) {
  return std::string(r.headers.get("Content-Security-Policy").value_or(""));
}

}  // namespace

TEST(ConsoleOidc, without_a_client_id_the_console_signs_in_by_link_only) {
  auto none = oidc_client_from_env(Env::from_map({{"CONCORD_OIDC_ISSUER", kIssuer}}));
  ASSERT_TRUE(none) << none.error().detail;
  EXPECT_FALSE(*none);

  http::Router r;
  mount_config(r, *none);
  auto res = get_path(with_security_headers(r), "/console/v1/config");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body), nlohmann::json::parse(R"({"oidc": null})"));
  EXPECT_NE(csp_of(res).find("connect-src 'self';"), std::string::npos) << csp_of(res);
}

TEST(ConsoleOidc, the_issuer_and_client_are_served_and_only_the_issuers_origin_is_reachable) {
  auto client = oidc_client_from_env(Env::from_map({{"CONCORD_OIDC_ISSUER", kIssuer},
                                                    {"CONCORD_CONSOLE_OIDC_CLIENT_ID", "concord-console"},
                                                    {"CONCORD_CONSOLE_OIDC_SCOPES", "  openid   profile "}}));
  ASSERT_TRUE(client && *client);
  EXPECT_EQ((*client)->scopes, "openid profile");

  http::Router r;
  mount_config(r, *client);
  auto res = get_path(with_security_headers(r, *https_origin((*client)->issuer)), "/console/v1/config");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers.get("Cache-Control"), "no-store");
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["oidc"]["issuer"], kIssuer);
  EXPECT_EQ(body["oidc"]["client_id"], "concord-console");
  EXPECT_EQ(body["oidc"]["scopes"], "openid profile");
  auto csp = csp_of(res);
  EXPECT_NE(csp.find("connect-src 'self' https://idp.example.org:8443;"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;  // nothing else loosened
  EXPECT_NE(csp.find("form-action 'self';"), std::string::npos) << csp;
}

TEST(ConsoleOidc, scopes_default_to_openid) {
  auto client =
      oidc_client_from_env(Env::from_map({{"CONCORD_OIDC_ISSUER", kIssuer}, {"CONCORD_CONSOLE_OIDC_CLIENT_ID", "c"}}));
  ASSERT_TRUE(client && *client);
  EXPECT_EQ((*client)->scopes, "openid");
}

TEST(ConsoleOidc, a_bad_configuration_names_the_variable) {
  auto refused = [](std::map<std::string, std::string> vars, const std::string& variable) {
    auto r = oidc_client_from_env(Env::from_map(vars));
    ASSERT_FALSE(r) << variable;
    EXPECT_NE(r.error().detail.find(variable), std::string::npos) << r.error().detail;
  };
  refused({{"CONCORD_CONSOLE_OIDC_CLIENT_ID", "concord-console"}}, "CONCORD_OIDC_ISSUER");
  refused({{"CONCORD_CONSOLE_OIDC_CLIENT_ID", "concord-console"}, {"CONCORD_OIDC_ISSUER", "http://idp.example"}},
          "CONCORD_OIDC_ISSUER");
  refused({{"CONCORD_CONSOLE_OIDC_CLIENT_ID", "has space"}, {"CONCORD_OIDC_ISSUER", kIssuer}},
          "CONCORD_CONSOLE_OIDC_CLIENT_ID");
  refused({{"CONCORD_CONSOLE_OIDC_CLIENT_ID", "c"},
           {"CONCORD_OIDC_ISSUER", kIssuer},
           {"CONCORD_CONSOLE_OIDC_SCOPES", "profile"}},
          "CONCORD_CONSOLE_OIDC_SCOPES");
  refused({{"CONCORD_CONSOLE_OIDC_CLIENT_ID", "c"},
           {"CONCORD_OIDC_ISSUER", kIssuer},
           {"CONCORD_CONSOLE_OIDC_SCOPES", "openid \"x"}},
          "CONCORD_CONSOLE_OIDC_SCOPES");
}

TEST(ConsoleOidc, an_https_origin_is_scheme_host_and_port_and_nothing_else) {
  EXPECT_EQ(https_origin("https://idp.example.org/realms/x"), "https://idp.example.org");
  EXPECT_EQ(https_origin("https://localhost:8443"), "https://localhost:8443");
  EXPECT_EQ(https_origin("https://[::1]:8443/x?y#z"), "https://[::1]:8443");
  EXPECT_FALSE(https_origin("http://idp.example.org"));
  EXPECT_FALSE(https_origin("https://"));
  EXPECT_FALSE(https_origin("https://user@idp.example.org"));
  EXPECT_FALSE(https_origin("https://idp.example.org; script-src *"));
}
