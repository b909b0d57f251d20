// HTTP handlers: parse → decide (authorization included) → append → evolve → render.
#include <map>
#include <set>

#include "concord/core/json_input.hpp"
#include "delegations/api/delegations_service.hpp"
#include "delegations/domain/codec.hpp"
#include "delegations/domain/parse.hpp"

namespace concord::delegations {

namespace api = service::api;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// Ids in paths are UUIDs; anything else names nothing.
Status require_uuid(const Request& request, const char* what) {
  auto id = request.param("id");
  if (is_uuid(id)) return {};
  return fail(Error::not_found("no " + std::string(what) + " " + std::string(id)));
}

template <class T>
Result<T> parsed_body(const Request& request, Result<T> (*parse)(std::string, const json&), const char* what) {
  if (auto ok = require_uuid(request, what); !ok) return fail(ok.error());
  auto body = api::body_object(request);
  if (!body) return fail(body.error());
  return parse(std::string(request.param("id")), *body);
}

std::optional<long long> delegation_version(const State& s, const std::string& id) {
  const Delegation* d = s.delegation(id);
  return d ? std::optional<long long>(d->version) : std::nullopt;
}

std::optional<long long> member_version(const State& s, const std::string& id) {
  const Member* m = s.member(id);
  return m ? std::optional<long long>(m->version) : std::nullopt;
}

}  // namespace

void DelegationsService::mount(http::Router& outer) {
  auto bind = [this](Result<Response> (DelegationsService::*handler)(Request&)) {
    return [this, handler](Request& request) { return (this->*handler)(request); };
  };
  http::Router router;
  router.post("/v1/delegations", bind(&DelegationsService::register_delegation));
  router.get("/v1/delegations", bind(&DelegationsService::list_delegations));
  router.get("/v1/delegations/{id}", bind(&DelegationsService::get_delegation));
  router.patch("/v1/delegations/{id}", bind(&DelegationsService::update_delegation));
  router.post("/v1/delegations/{id}/members", bind(&DelegationsService::add_member));
  router.get("/v1/delegations/{id}/members", bind(&DelegationsService::list_members));
  router.get("/v1/members/{id}", bind(&DelegationsService::get_member));
  router.patch("/v1/members/{id}", bind(&DelegationsService::update_member));
  router.post("/v1/members/{id}/withdraw", bind(&DelegationsService::withdraw_member));
  router.post("/v1/members/{id}/accreditation", bind(&DelegationsService::accreditation));
  router.put("/v1/members/{id}/travel", bind(&DelegationsService::put_travel));
  router.get("/v1/members/{id}/travel", bind(&DelegationsService::get_travel));
  router.put("/v1/members/{id}/identity", bind(&DelegationsService::put_identity));
  router.get("/v1/members/{id}/identity", bind(&DelegationsService::get_identity));
  router.del("/v1/members/{id}/identity", bind(&DelegationsService::delete_identity));
  router.get("/v1/me", bind(&DelegationsService::get_me));
  // The answer holds the code: never replayed from the Idempotency-Key records.
  router.post("/v1/members/{id}/invitations", bind(&DelegationsService::create_invitation), {.idempotent = false});
  // Every route acts for the member linked to the caller's identity, with the delegation from
  // the state; a caller who acts for nobody yet may only redeem an invitation.
  api::mount_resolving(outer, router, [this](Request& request) { return resolve(request, false); });
  outer.post("/v1/invitations/redeem",
             [this](Request& request) -> Result<Response> {
               if (auto ok = resolve(request, true); !ok) return fail(ok.error());
               return redeem_invitation(request);
             },
             {.idempotent = false});
}

Result<Response> DelegationsService::register_delegation(Request& request) {
  auto body = api::body_object(request);
  if (!body) return fail(body.error());
  auto command = parse_register_delegation(*body);
  if (!command) return fail(command.error());
  auto decision = commit(request, *command, {});
  if (!decision) return fail(decision.error());
  const std::string& id = decision->target_id;
  auto view = store_.read([&](const State& s) { return delegation_snapshot(*s.delegation(id)); });
  return api::json(201, view, view["version"].get<long long>(), "/v1/delegations/" + id);
}

Result<Response> DelegationsService::list_delegations(Request& request) {
  auto page = api::page_of(request);
  if (!page) return fail(page.error());
  auto visit = request.query_param("visit_id");
  if (visit && !is_uuid(*visit)) return fail(Error::validation("/visit_id", "visit_id must be a UUID"));
  // Delegations are public data: every authenticated caller reads them. By id: UUIDv7, so in
  // order of registration.
  auto body = store_.read([&](const State& s) {
    auto bytes = [](const Delegation& d) -> const std::string& {
      return d.rendered.get([&] { return delegation_snapshot(d); });
    };
    if (!visit)
      return api::keyset_page_bytes(s.delegations, *page, api::keep_all,
                                    [&](const auto& entry) -> const std::string& { return bytes(entry.second); });
    static const std::set<std::string> none;
    auto it = s.delegations_of_visit.find(*visit);
    return api::keyset_page_bytes(
        it == s.delegations_of_visit.end() ? none : it->second, *page, api::keep_all,
        [&](const std::string& id) -> const std::string& { return bytes(s.delegations.at(id)); });
  });
  return api::json_text(200, std::move(body));
}

Result<Response> DelegationsService::get_delegation(Request& request) {
  if (auto ok = require_uuid(request, "delegation"); !ok) return fail(ok.error());
  std::string id(request.param("id"));
  Actor actor = actor_of(request);
  auto view = store_.read([&](const State& s) { return read_delegation(s, actor, id); });
  if (!view) return fail(view.error());
  rosters_.ensure(id);
  return api::json(200, *view, (*view)["version"].get<long long>());
}

Result<Response> DelegationsService::update_delegation(Request& request) {
  auto command = parsed_body(request, &parse_update_delegation, "delegation");
  if (!command) return fail(command.error());
  const std::string id = command->id;
  auto decision = commit(request, *command, [&](const State& s) { return delegation_version(s, id); });
  if (!decision) return fail(decision.error());
  auto view = store_.read([&](const State& s) { return delegation_snapshot(*s.delegation(id)); });
  return api::json(200, view, view["version"].get<long long>());
}

Result<Response> DelegationsService::add_member(Request& request) {
  auto command = parsed_body(request, &parse_add_member, "delegation");
  if (!command) return fail(command.error());
  auto decision = commit(request, *command, {});
  if (!decision) return fail(decision.error());
  return member_response(request, decision->target_id, 201, "/v1/members/" + decision->target_id);
}

Result<Response> DelegationsService::list_members(Request& request) {
  if (auto ok = require_uuid(request, "delegation"); !ok) return fail(ok.error());
  auto page = api::page_of(request);
  if (!page) return fail(page.error());
  auto status = request.query_param("status").value_or("active");
  if (status != "active" && status != "all") return fail(Error::validation("/status", "status must be active or all"));
  std::string id(request.param("id"));
  Actor actor = actor_of(request);
  bool withdrawn_too = status == "all";
  auto body = store_.read([&](const State& s) -> Result<std::string> {
    if (auto ok = may_read_roster(s, actor, id); !ok) return fail(ok.error());
    static const std::map<std::string, std::string> none;
    auto order = s.roster_order.find(id);
    return api::keyset_page_bytes(
        order == s.roster_order.end() ? none : order->second, *page,
        [&](const auto& entry) { return withdrawn_too || !s.members.at(entry.second).withdrawn; },
        [&](const auto& entry) -> const std::string& {
          return roster_entry_bytes(s, actor, s.members.at(entry.second));
        });
  });
  if (!body) return fail(body.error());
  rosters_.ensure(id);
  return api::json_text(200, std::move(*body));
}

Result<Response> DelegationsService::member_response(Request& request, const std::string& id, int status,
                                                     std::string location) {
  Actor actor = actor_of(request);
  auto view = store_.read([&](const State& s) { return read_member(s, actor, id); });
  if (!view) return fail(view.error());
  return api::json(status, *view, (*view)["version"].get<long long>(), std::move(location));
}

Result<Response> DelegationsService::get_member(Request& request) {
  if (auto ok = require_uuid(request, "member"); !ok) return fail(ok.error());
  return member_response(request, std::string(request.param("id")), 200);
}

Result<Response> DelegationsService::update_member(Request& request) {
  auto command = parsed_body(request, &parse_update_member, "member");
  if (!command) return fail(command.error());
  const std::string id = command->id;
  auto decision = commit(request, *command, [&](const State& s) { return member_version(s, id); });
  if (!decision) return fail(decision.error());
  return member_response(request, id, 200);
}

Result<Response> DelegationsService::withdraw_member(Request& request) {
  if (auto ok = require_uuid(request, "member"); !ok) return fail(ok.error());
  // The body is optional here: a withdrawal may come without a reason.
  json body = json::object();
  if (!request.body.empty()) {
    auto parsed = api::body_object(request);
    if (!parsed) return fail(parsed.error());
    body = std::move(*parsed);
  }
  auto command = parse_withdraw(std::string(request.param("id")), body);
  if (!command) return fail(command.error());
  const std::string id = command->id;
  auto decision = commit(request, *command, [&](const State& s) { return member_version(s, id); });
  if (!decision) return fail(decision.error());
  return member_response(request, id, 200);
}

Result<Response> DelegationsService::accreditation(Request& request) {
  auto command = parsed_body(request, &parse_accreditation, "member");
  if (!command) return fail(command.error());
  const std::string id = command->member_id;
  auto decision = commit(request, *command, [&](const State& s) { return member_version(s, id); });
  if (!decision) return fail(decision.error());
  return member_response(request, id, 200);
}

Result<Response> DelegationsService::put_travel(Request& request) {
  auto command = parsed_body(request, &parse_travel, "member");
  if (!command) return fail(command.error());
  const std::string id = command->member_id;
  auto decision = commit(request, *command, [&](const State& s) { return member_version(s, id); });
  if (!decision) return fail(decision.error());
  return get_travel(request);
}

Result<Response> DelegationsService::get_travel(Request& request) {
  if (auto ok = require_uuid(request, "member"); !ok) return fail(ok.error());
  std::string id(request.param("id"));
  Actor actor = actor_of(request);
  auto result = store_.read([&](const State& s) -> Result<std::pair<json, long long>> {
    auto travel = read_travel(s, actor, id);
    if (!travel) return fail(travel.error());
    return std::pair{std::move(*travel), s.member(id)->version};
  });
  if (!result) return fail(result.error());
  return api::json(200, result->first, result->second);
}

}  // namespace concord::delegations
