#include <map>
#include <set>

#include "concord/core/json_input.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"
#include "notifications/runtime/webhook_signing.hpp"

namespace concord::notifications::api {

namespace svc = concord::service::api;

namespace {

nlohmann::json public_json(const Webhook& w) {
  auto j = to_json(w);
  return j;
}

constexpr auto kLongestGrace = std::chrono::hours(24 * 7);
constexpr size_t kMostReplaysPerCall = 500;

// The change a PATCH asks for: url (checked as at creation), event_types, status "active".
Result<WebhookChange> parse_change(const nlohmann::json& body, const Settings& settings) {
  json_input::Reader r(body);
  r.refuse_unknown({"url", "event_types", "status"});
  WebhookChange change;
  change.url = r.string("url", json_input::Need::optional, 2000);
  change.event_types = r.string_list("event_types", json_input::Need::optional, 50, 200);
  auto status = r.string("status", json_input::Need::optional, 20);
  std::vector<FieldError> errors = r.errors();
  if (change.event_types)
    for (auto& e : check_event_types(*change.event_types)) errors.push_back(std::move(e));
  if (change.url) {
    if (auto target = check_webhook_target(*change.url, settings.allow_private_targets); !target)
      for (auto& e : target.error().errors) errors.push_back(std::move(e));
  }
  if (status && *status != "active")
    errors.push_back({"/status", "only \"active\" may be set (it re-enables a failing webhook); DELETE removes one"});
  if (!errors.empty()) return fail(Error::validation(std::move(errors)));
  change.reenable = status.has_value();
  return change;
}

// The webhook's new snapshot as one `type` event, to append.
std::vector<service::Append> webhook_written(Shared& shared, const char* type, const Webhook& w,
                                             const http::Request& req) {
  auto event = shared.events.make(type, "webhook/" + w.id, w.version, {{"webhook", to_json(w)}}, svc::cause_of(req));
  return {{kTopic, w.id, {event}}};
}

// The visible webhook `req` names, with If-Match checked against its version: the first two
// steps of every change.
Result<Webhook> changing(const State& state, const http::Request& req) {
  auto w = visible_webhook(state.webhooks, actor_of(req), std::string(req.param("id")));
  if (!w) return fail(w.error());
  if (auto s = svc::check_if_match(req, (*w)->version, false); !s) return fail(s.error());
  return **w;
}

// Each dead letter in `ids` (all of one webhook) replayed, as one append.
Result<std::vector<service::Append>> replay(Shared& shared, const State& state, const Webhook& w,
                                            const std::vector<std::string>& ids, const http::Request& req,
                                            std::vector<Delivery>& replayed) {
  Timestamp now = shared.clock.now();
  replayed.clear();
  std::vector<events::Event> events;
  for (const auto& id : ids) {
    auto d = replay_delivery(state.webhooks.deliveries.at(id), now);
    if (!d) return fail(d.error());
    events.push_back(shared.events.make(kDeliveryReplayed, "webhook_delivery/" + d->id, d->sequence(),
                                        {{"delivery", to_json(*d, false)}}, svc::cause_of(req)));
    replayed.push_back(std::move(*d));
  }
  if (events.empty()) return std::vector<service::Append>{};
  return std::vector<service::Append>{{kTopic, w.id, std::move(events)}};
}

}  // namespace

void mount_webhooks(http::Router& router, Shared& shared) {
  router.post("/v1/webhooks", [&shared](http::Request& req) -> Result<http::Response> {
    Actor actor = actor_of(req);
    if (auto s = may_manage_webhooks(actor); !s) return fail(s.error());
    auto body = svc::body_object(req);
    if (!body) return fail(body.error());
    json_input::Reader r(*body);
    r.refuse_unknown({"url", "event_types"});
    auto url = r.string("url", json_input::Need::required, 2000);
    auto types = r.string_list("event_types", json_input::Need::required, 50, 200);
    std::vector<FieldError> errors = r.errors();
    if (types)
      for (auto& e : check_event_types(*types)) errors.push_back(std::move(e));
    if (url) {
      if (auto target = check_webhook_target(*url, shared.settings.allow_private_targets); !target)
        for (auto& e : target.error().errors) errors.push_back(std::move(e));
    }
    if (!errors.empty()) return fail(Error::validation(std::move(errors)));

    Webhook w;
    w.id = shared.ids.next();
    w.owner = actor.subject;
    w.url = *url;
    w.event_types = *types;
    w.created_at = shared.clock.now();
    auto written = write_own(shared, [&](const State&) -> Result<std::vector<service::Append>> {
      return webhook_written(shared, kWebhookCreated, w, req);
    });
    if (!written) return fail(written.error());
    auto out = public_json(w);
    out["secret"] = webhook_secret(shared.settings.webhook_key, w.id);  // shown once, here
    return svc::json(201, out, w.version, "/v1/webhooks/" + w.id);
  });

  router.get("/v1/webhooks", [&shared](http::Request& req) -> Result<http::Response> {
    Actor actor = actor_of(req);
    if (auto s = may_manage_webhooks(actor); !s) return fail(s.error());
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    return svc::json(200, shared.store.read([&](const State& state) {
      // An admin's list is every webhook not deleted, an integrator's their own: each an index.
      const auto& webhooks = state.webhooks;
      static const std::set<std::string> none;
      auto owned = webhooks.live_by_owner.find(actor.subject);
      const auto& ids = actor.admin ? webhooks.live : owned == webhooks.live_by_owner.end() ? none : owned->second;
      return svc::keyset_page(ids, *page, svc::keep_all,
                              [&](const std::string& id) { return public_json(webhooks.by_id.at(id)); });
    }));
  });

  router.get("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    auto w = shared.store.read([&](const State& state) -> Result<Webhook> {
      auto found = visible_webhook(state.webhooks, actor_of(req), std::string(req.param("id")));
      if (!found) return fail(found.error());
      return **found;
    });
    if (!w) return fail(w.error());
    return svc::json(200, public_json(*w), w->version);
  });

  router.del("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      auto w = changing(state, req);
      if (!w) return fail(w.error());
      Webhook deleted = *w;
      deleted.status = "deleted";
      deleted.version += 1;
      return webhook_written(shared, kWebhookDeleted, deleted, req);
    });
    if (!written) return fail(written.error());
    return http::Response::no_content();
  });

  router.patch("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    auto body = svc::body_object(req);
    if (!body) return fail(body.error());
    auto change = parse_change(*body, shared.settings);
    if (!change) return fail(change.error());
    Webhook changed;
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      auto w = changing(state, req);
      if (!w) return fail(w.error());
      auto decided = change_webhook(*w, *change);
      if (!decided) return fail(decided.error());
      changed = *decided;
      return webhook_written(shared, kWebhookUpdated, changed, req);
    });
    if (!written) return fail(written.error());
    return svc::json(200, public_json(changed), changed.version);
  });

  // A new secret, shown this once; the old one keeps signing (beside the new) for the grace.
  router.post("/v1/webhooks/{id}/rotate-secret", [&shared](http::Request& req) -> Result<http::Response> {
    auto body = svc::body_object(req, svc::EmptyBody::empty_object);
    if (!body) return fail(body.error());
    json_input::Reader r(*body);
    r.refuse_unknown({"grace_seconds"});
    auto grace = r.integer("grace_seconds", 0, std::chrono::duration_cast<std::chrono::seconds>(kLongestGrace).count(),
                           json_input::Need::optional);
    if (!r.errors().empty()) return fail(Error::validation(r.errors()));
    Webhook rotated;
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      auto w = changing(state, req);
      if (!w) return fail(w.error());
      rotated = rotate_secret(*w, shared.clock.now(), std::chrono::seconds(grace.value_or(24 * 3600)));
      return webhook_written(shared, kWebhookSecretRotated, rotated, req);
    });
    if (!written) return fail(written.error());
    auto out = public_json(rotated);
    out["secret"] = webhook_secret(shared.settings.webhook_key, rotated.id, rotated.secret_generation);
    return svc::json(200, out, rotated.version);
  });

  router.post("/v1/webhooks/{id}/deliveries/{delivery}/replay",
              [&shared](http::Request& req) -> Result<http::Response> {
                std::string id(req.param("delivery"));
                std::vector<Delivery> replayed;
                auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
                  auto w = visible_webhook(state.webhooks, actor_of(req), std::string(req.param("id")));
                  if (!w) return fail(w.error());
                  auto d = state.webhooks.deliveries.find(id);
                  if (d == state.webhooks.deliveries.end() || d->second.webhook_id != (*w)->id)
                    return fail(Error::not_found("no delivery " + id + " of webhook " + (*w)->id));
                  return replay(shared, state, **w, {id}, req, replayed);
                });
                if (!written) return fail(written.error());
                return svc::json(202, to_json(replayed.front(), false));
              });

  // Every dead letter of the webhook, oldest first, at most kMostReplaysPerCall a call.
  router.post("/v1/webhooks/{id}/replay-dead-letters", [&shared](http::Request& req) -> Result<http::Response> {
    std::vector<Delivery> replayed;
    size_t remaining = 0;
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      auto w = visible_webhook(state.webhooks, actor_of(req), std::string(req.param("id")));
      if (!w) return fail(w.error());
      std::vector<std::string> dead;
      remaining = 0;
      if (auto ids = state.webhooks.by_webhook.find((*w)->id); ids != state.webhooks.by_webhook.end()) {
        for (auto it = ids->second.rbegin(); it != ids->second.rend(); ++it) {
          if (state.webhooks.deliveries.at(it->second).status != "dead_lettered") continue;
          if (dead.size() < kMostReplaysPerCall)
            dead.push_back(it->second);
          else
            ++remaining;
        }
      }
      return replay(shared, state, **w, dead, req, replayed);
    });
    if (!written) return fail(written.error());
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& d : replayed) ids.push_back(d.id);
    return svc::json(202, {{"replayed", ids}, {"remaining", remaining}});
  });

  router.get("/v1/webhooks/{id}/deliveries", [&shared](http::Request& req) -> Result<http::Response> {
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    auto body = shared.store.read([&](const State& whole) -> Result<nlohmann::json> {
      auto w = visible_webhook(whole.webhooks, actor_of(req), std::string(req.param("id")));
      if (!w) return fail(w.error());
      const auto& state = whole.webhooks;
      static const std::map<std::string, std::string> none;
      auto ids = state.by_webhook.find((*w)->id);
      return svc::keyset_page(ids == state.by_webhook.end() ? none : ids->second, *page, svc::keep_all,
                              [&](const auto& entry) { return to_json(state.deliveries.at(entry.second), false); });
    });
    if (!body) return fail(body.error());
    return svc::json(200, *body);
  });
}

}  // namespace concord::notifications::api
