// POST /console/v1/members/{id}/sign-in-link: an officer hands a delegation member a one-time
// sign-in link. parse (the id) → authorize (officer or admin) → read the member through the
// console's own API route with the officer's credentials → issue → render.
#include <cctype>

#include "concord/console/console.hpp"
#include "concord/core/log.hpp"

namespace concord::console {
namespace {

bool looks_like_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

// GET /api/delegations/v1/members/{id} as the caller, through whatever serves it here.
Result<nlohmann::json> read_member(const http::Router& api, const http::Request& caller, const std::string& id) {
  std::string path = "/api/delegations/v1/members/" + id;
  auto matched = api.match(http::Method::get, path);
  const auto* found = std::get_if<http::RouteMatch>(&matched);
  if (!found) return fail(Error::unavailable("the delegations service is not reachable from the console"));
  http::Request req;
  req.method = http::Method::get;
  req.target = path;
  req.path = path;
  if (auto authorization = caller.headers.get("Authorization"))
    req.headers.set("Authorization", std::string(*authorization));
  req.headers.set("Accept", "application/json");
  req.path_params = found->params;
  req.route = found->route->pattern;
  req.correlation_id = caller.correlation_id;
  req.principal = caller.principal;
  req.remote_address = caller.remote_address;
  auto res = found->route->handler(req);
  if (!res) return fail(res.error());
  if (res->status == 404) return fail(Error::not_found("no member " + id));
  if (res->status != 200)
    return fail(
        Error::unavailable("the delegations service answered " + std::to_string(res->status) + " for member " + id));
  try {
    return nlohmann::json::parse(res->body);
  } catch (const nlohmann::json::exception&) {
    return fail(Error::unavailable("the delegations service answered with something that is not JSON"));
  }
}

std::string string_field(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void mount_member_links(http::Router& router, SignIn& sign_in, std::shared_ptr<const http::Router> api) {
  router.post(
      "/console/v1/members/{id}/sign-in-link",
      [&sign_in, api](http::Request& req) -> Result<http::Response> {
        std::string id(req.param("id"));
        if (!looks_like_id(id)) return fail(Error::validation("/id", "a member id (UUID) is expected"));
        const auto& who = req.who();
        if (!who.has_any({auth::Role::host_officer, auth::Role::admin}))
          return fail(Error::forbidden("only protocol officers and admins issue sign-in links"));
        auto member = read_member(*api, req, id);
        if (!member) return fail(member.error());
        std::string delegation = string_field(*member, "delegation_id");
        if (delegation.empty()) return fail(Error::unavailable("the member " + id + " has no delegation"));
        if (string_field(*member, "status") == "withdrawn")
          return fail(Error::conflict("the member " + id + " has withdrawn: no sign-in link"));
        auto expires = sign_in.code_expiry();
        auto code = sign_in.issue(SignIn::Grant{.subject = "member:" + id,
                                                .roles = {auth::Role::delegation_member},
                                                .member_id = id,
                                                .delegation_id = delegation});
        log::info("console sign-in link issued for a member", {{"member_id", id}, {"by", who.subject}});
        auto r = http::Response::json(201, {{"code", code},
                                            {"path", "/#signin=" + code},
                                            {"expires_at", format_rfc3339_utc(expires)},
                                            {"member_id", id},
                                            {"delegation_id", delegation}});
        r.headers.set("Cache-Control", "no-store");
        return r;
      },
      // Each call is a new credential: never replayed by an Idempotency-Key.
      http::RouteOptions{.public_route = false, .body_limit = 4096, .idempotent = false});
}

}  // namespace concord::console
