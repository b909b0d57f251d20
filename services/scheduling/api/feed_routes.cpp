// Calendar feeds: secret addresses that serve programme.ics without an Authorization header,
// for calendar applications. The secret is made here (256 random bits), shown once in the
// answer to its creation, and kept only as its SHA-256 (on concord.scheduling.private.v1).
#include "concord/core/json_input.hpp"
#include "concord/core/secret.hpp"
#include "concord/crypto/crypto.hpp"
#include "scheduling/api/scheduling_service.hpp"
#include "scheduling/domain/codec.hpp"

namespace concord::scheduling {

namespace api = service::api;
using json = nlohmann::json;
using json_input::Need;
using json_input::Reader;

namespace {

std::string feed_path(const std::string& secret) {
  return "/v1/calendar-feeds/" + secret + "/programme.ics";
}

Error no_such_feed() {
  return Error::not_found("no calendar feed at this address: it was revoked, or never made");
}

}  // namespace

SchedulingService::Response SchedulingService::create_feed(http::Request& r) {
  // An empty body asks for the defaults (the caller's own programme, in English).
  auto body = api::body_object(r, api::EmptyBody::empty_object);
  if (!body) return fail(body.error());
  Reader in(*body);
  CreateFeed c;
  c.visit_id = r.param("id");
  c.member_id = in.uuid("member_id", Need::optional);
  auto language = in.string("language", Need::optional, 35);
  if (language && !json_input::is_bcp47(*language)) in.add_error("language", "not a BCP 47 language tag");
  auto label = in.string("label", Need::optional, 200);
  in.refuse_unknown({"member_id", "language", "label"});
  if (auto ok = in.finish(); !ok) return fail(ok.error());
  c.language = language.value_or("en");
  c.label = label.value_or("");
  std::string secret = new_secret(kFeedSecretPrefix);
  c.secret_sha256 = crypto::sha256_hex(secret);
  auto events = commit(r, [&](const State& s, const Context& ctx) { return decide(s, c, ctx); });
  if (!events) return fail(events.error());
  auto id = events->back().data.at("feed").at("id").get<std::string>();
  json view = store_.read([&](const State& s) { return feed_view(*s.feed(id)); });
  view["secret"] = secret;
  view["path"] = feed_path(secret);
  auto resp = api::json(201, view, view["version"].get<long long>());
  resp.headers.set("Cache-Control", "no-store");
  return resp;
}

SchedulingService::Response SchedulingService::list_feeds(http::Request& r) {
  auto page = api::page_of(r);
  if (!page) return fail(page.error());
  auto actor = context_for(r).actor;
  if (!actor.officer && !actor.member_id && !actor.country)
    return fail(Error::forbidden(
        "calendar feeds are for delegation members (their own programme) and officers (a whole visit's programme)"));
  std::string visit_id(r.param("id"));
  auto body = store_.read([&](const State& s) -> Result<std::string> {
    if (!s.visit(visit_id)) return fail(Error::not_found("no visit with this id"));
    if (auto ok = may_read_visit(s, actor, visit_id); !ok) return fail(ok.error());
    // The visit's feeds, by id; the rights filter drops, within this one visit, the feeds of
    // other members and other delegation officers.
    static const std::set<std::string> none;
    auto ids = s.feeds_by_visit.find(visit_id);
    return api::keyset_page_bytes(
        ids == s.feeds_by_visit.end() ? none : ids->second, *page,
        [&](const std::string& id) { return may_manage_feed(actor, s.feeds.at(id)); },
        [&](const std::string& id) -> const std::string& {
          const Feed& f = s.feeds.at(id);
          return f.rendered.get([&] { return feed_view(f); });
        });
  });
  if (!body) return fail(body.error());
  return api::json_text(200, std::move(*body));
}

SchedulingService::Response SchedulingService::revoke_feed(http::Request& r) {
  RevokeFeed c{std::string(r.param("id"))};
  auto events = commit(r, [&](const State& s, const Context& ctx) { return decide(s, c, ctx); });
  if (!events) return fail(events.error());
  return http::Response::no_content();
}

SchedulingService::Response SchedulingService::feed_calendar(http::Request& r) {
  std::string secret(r.param("secret"));
  // Anything that is not shaped like a secret is simply not a feed (and is not hashed).
  if (!is_secret(secret, kFeedSecretPrefix)) return fail(no_such_feed());
  std::string hash = crypto::sha256_hex(secret);
  auto body = store_.read([&](const State& s) -> Result<std::string> {
    const Feed* feed = active_feed(s, hash);
    if (!feed) return fail(no_such_feed());
    const Visit* visit = s.visit(feed->visit_id);
    if (!visit) return fail(no_such_feed());
    return render_programme(s, *visit, ProgrammeQuery{visit->time_zone, feed->member_id, feed->language}, true);
  });
  if (!body) return fail(body.error());
  auto resp = http::Response::text(200, std::move(*body), "text/calendar; charset=utf-8");
  resp.headers.set("Content-Disposition", "inline; filename=\"programme.ics\"");
  // The address is a credential: keep it out of shared caches and other sites' logs.
  resp.headers.set("Cache-Control", "private, no-cache");
  resp.headers.set("Referrer-Policy", "no-referrer");
  return resp;
}

}  // namespace concord::scheduling
