// Browser stream tickets: a browser's EventSource cannot send an Authorization header, so an
// authenticated POST /v1/inbox/stream-tickets hands out a short-lived, single-use ticket that
// opens GET /v1/inbox/stream?ticket=… as the caller, once.
//
// The ticket is a secret (st_ + 256 random bits): the shared cache (Redis; the memory cache in the
// embedded default) keeps the caller's principal under its SHA-256 for kTicketTtl, and the one
// redemption claims it with SET NX, which Redis decides atomically — so a ticket opens one
// stream across every replica. The answer is never an Idempotency-Key record (the route ignores
// the header) and the ticket is redacted from every log line (libs/http).
#include "concord/core/json_input.hpp"
#include "concord/core/secret.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"

namespace concord::notifications::api {

namespace svc = concord::service::api;
using nlohmann::json;

namespace {

std::string record_key(const std::string& hash) {
  return "concord:notifications:stream-ticket:" + hash;
}
std::string claim_key(const std::string& hash) {
  return "concord:notifications:stream-ticket-used:" + hash;
}

Error refused(std::string why) {
  Error e = Error::unauthorized(std::move(why));
  e.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"concord\"");
  return e;
}

json principal_json(const auth::Principal& p, Timestamp ticket_expires) {
  json roles = json::array();
  for (auto r : p.roles) roles.push_back(std::string(auth::to_string(r)));
  return {{"subject", p.subject},
          {"roles", roles},
          {"member_id", p.member_id ? json(*p.member_id) : json(nullptr)},
          {"delegation_id", p.delegation_id ? json(*p.delegation_id) : json(nullptr)},
          {"token_expires_at", p.expires_at.time_since_epoch().count()},
          {"expires_at", ticket_expires.time_since_epoch().count()}};
}

std::optional<std::pair<auth::Principal, Timestamp>> principal_of(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    auth::Principal p;
    p.subject = j.at("subject").get<std::string>();
    for (const auto& r : j.at("roles"))
      if (auto role = auth::parse_role(r.get<std::string>())) p.roles.push_back(*role);
    if (!j.at("member_id").is_null()) p.member_id = j.at("member_id").get<std::string>();
    if (!j.at("delegation_id").is_null()) p.delegation_id = j.at("delegation_id").get<std::string>();
    p.expires_at = Timestamp(Timestamp::duration(j.at("token_expires_at").get<Timestamp::rep>()));
    Timestamp expires(Timestamp::duration(j.at("expires_at").get<Timestamp::rep>()));
    if (p.roles.empty()) return std::nullopt;
    return std::make_pair(std::move(p), expires);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Result<auth::Principal> redeem_stream_ticket(Shared& shared, const http::Request& request) {
  auto ticket = request.query_param("ticket");
  if (!ticket) return fail(refused("a bearer token or a stream ticket (?ticket=) is required"));
  if (!is_secret(*ticket, kTicketSecretPrefix)) return fail(refused("the stream ticket is not valid"));
  std::string hash = crypto::sha256_hex(*ticket);
  auto stored = shared.cache.get(record_key(hash));
  if (!stored) return fail(stored.error());  // the cache is unreachable: 503, try again
  if (!*stored) {
    auto used = shared.cache.get(claim_key(hash));
    if (used && *used) return fail(refused("the stream ticket has been used; a ticket opens one stream"));
    return fail(refused("the stream ticket is unknown or has expired; ask for a new one"));
  }
  auto decoded = principal_of(**stored);
  if (!decoded) return fail(refused("the stream ticket is not valid"));
  auto& [principal, expires] = *decoded;
  if (shared.clock.now() >= expires) return fail(refused("the stream ticket has expired; ask for a new one"));
  // The one redemption: whichever request (on whichever replica) sets the claim first.
  auto claimed = shared.cache.set_if_absent(
      claim_key(hash), "1", std::chrono::duration_cast<std::chrono::milliseconds>(2 * kStreamTicketTtl));
  if (!claimed) return fail(claimed.error());
  if (!*claimed) return fail(refused("the stream ticket has been used; a ticket opens one stream"));
  (void)shared.cache.del(record_key(hash));
  return std::move(principal);
}

void mount_stream_tickets(http::Router& router, Shared& shared) {
  router.post("/v1/inbox/stream-tickets",
              [&shared](http::Request& req) -> Result<http::Response> {
                // Nothing to say in the body: empty, or an empty object.
                auto body = svc::body_object(req, svc::EmptyBody::empty_object);
                if (!body) return fail(body.error());
                json_input::Reader in(*body);
                in.refuse_unknown({});
                if (auto ok = in.finish(); !ok) return fail(ok.error());
                // Only a caller with an inbox to stream gets a ticket (a member: their own).
                if (auto ok = may_read_inboxes(actor_of(req)); !ok) return fail(ok.error());
                Timestamp now = shared.clock.now();
                Timestamp expires = now + kStreamTicketTtl;
                std::string ticket = new_secret(kTicketSecretPrefix);
                auto stored =
                    shared.cache.set(record_key(crypto::sha256_hex(ticket)), principal_json(req.who(), expires).dump(),
                                     std::chrono::duration_cast<std::chrono::milliseconds>(kStreamTicketTtl));
                if (!stored) return fail(stored.error());
                auto resp = svc::json(201, {{"ticket", ticket},
                                            {"expires_at", format_rfc3339_utc(expires)},
                                            {"stream", "/v1/inbox/stream?ticket=" + ticket}});
                resp.headers.set("Cache-Control", "no-store");
                return resp;
              },
              {.idempotent = false});
}

}  // namespace concord::notifications::api
