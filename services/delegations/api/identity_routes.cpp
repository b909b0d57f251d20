// Identities and invitations: parse → decide (authorization included) → append → evolve → render.
// Invitation codes are made here (256 random bits), shown once in the answer to their creation,
// and kept only as their SHA-256, as calendar feed secrets are in scheduling.
#include "concord/core/json_input.hpp"
#include "concord/core/secret.hpp"
#include "concord/crypto/crypto.hpp"
#include "delegations/api/delegations_service.hpp"

namespace concord::delegations {

namespace api = service::api;
using http::Request;
using http::Response;
using json_input::Need;
using json_input::Reader;
using nlohmann::json;

namespace {

constexpr std::string_view kInvitationPrefix = "inv_";

Status require_member_id(const Request& request) {
  auto id = request.param("id");
  if (is_uuid(id)) return {};
  return fail(Error::not_found("no member " + std::string(id)));
}

Result<json> optional_body(const Request& request) {
  if (request.body.empty()) return json::object();
  return api::body_object(request);
}

}  // namespace

Result<Response> DelegationsService::put_identity(Request& request) {
  if (auto ok = require_member_id(request); !ok) return fail(ok.error());
  auto body = api::body_object(request);
  if (!body) return fail(body.error());
  Reader in(*body);
  auto issuer = in.string("issuer", Need::required, 1024);
  auto subject = in.string("subject", Need::required, 255);
  in.refuse_unknown({"issuer", "subject"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  LinkIdentity command{std::string(request.param("id")), {*issuer, *subject}};
  auto decision = commit(request, command, {});
  if (!decision) return fail(decision.error());
  return get_identity(request);
}

Result<Response> DelegationsService::get_identity(Request& request) {
  if (auto ok = require_member_id(request); !ok) return fail(ok.error());
  std::string id(request.param("id"));
  Actor actor = actor_of(request);
  auto view = store_.read([&](const State& s) { return read_identity(s, actor, id); });
  if (!view) return fail(view.error());
  auto r = api::json(200, *view);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Result<Response> DelegationsService::delete_identity(Request& request) {
  if (auto ok = require_member_id(request); !ok) return fail(ok.error());
  auto decision = commit(request, UnlinkIdentity{std::string(request.param("id"))}, {});
  if (!decision) return fail(decision.error());
  return Response::no_content();
}

Result<Response> DelegationsService::create_invitation(Request& request) {
  if (auto ok = require_member_id(request); !ok) return fail(ok.error());
  auto body = optional_body(request);
  if (!body) return fail(body.error());
  Reader in(*body);
  auto expires_in = in.string("expires_in", Need::optional, 40);
  in.refuse_unknown({"expires_in"});
  CreateInvitation command;
  command.member_id = std::string(request.param("id"));
  if (expires_in) {
    auto ttl = parse_iso_duration(*expires_in);
    if (!ttl)
      in.add_error("expires_in", "an ISO 8601 duration such as P7D or PT12H is expected");
    else
      command.ttl = *ttl;
  }
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  std::string code = new_secret(kInvitationPrefix);
  command.code_sha256 = crypto::sha256_hex(code);
  auto decision = commit(request, command, {});
  if (!decision) return fail(decision.error());
  json view = store_.read([&](const State& s) { return invitation_view(s.invitations.at(decision->target_id)); });
  view["code"] = code;
  auto r = api::json(201, view);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

// The caller as every service sees them once resolved: their roles as mapped from the token,
// and for a delegation member the member and delegation from the state. The console asks it
// after an OpenID Connect sign-in, whose tokens name no member.
Result<Response> DelegationsService::get_me(Request& request) {
  const auth::Principal& who = request.who();
  json roles = json::array();
  for (auto role : who.roles) roles.push_back(std::string(auth::to_string(role)));
  auto optional = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json view{{"issuer", who.issuer},
            {"subject", who.subject},
            {"roles", roles},
            {"member_id", optional(who.member_id)},
            {"delegation_id", optional(who.delegation_id)},
            {"country", optional(who.country)},
            {"expires_at", format_rfc3339_utc(who.expires_at)}};
  auto r = api::json(200, view);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Result<Response> DelegationsService::redeem_invitation(Request& request) {
  auto body = api::body_object(request);
  if (!body) return fail(body.error());
  Reader in(*body);
  auto code = in.string("code", Need::required, 200);
  in.refuse_unknown({"code"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  // Anything not shaped like a code is simply no invitation (and is not hashed).
  if (!is_secret(*code, kInvitationPrefix))
    return fail(Error::not_found("no invitation has this code: check it, or ask your protocol officer for a new one"));
  const auth::Principal& who = request.who();
  RedeemInvitation command{crypto::sha256_hex(*code), {who.issuer, who.subject}};
  auto decision = commit(request, command, {});
  if (!decision) return fail(decision.error());
  auto view = store_.read([&](const State& s) { return identity_view(s, decision->target_id); });
  auto r = api::json(200, view);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

}  // namespace concord::delegations
