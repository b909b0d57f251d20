#include <map>

#include "concord/core/json_input.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"
#include "notifications/runtime/webhook_signing.hpp"

namespace concord::notifications::api {

namespace svc = concord::service::api;

namespace {

Integrator integrator_of(const http::Request& req) {
  const auto& p = req.who();
  return Integrator{p.subject, p.has(auth::Role::integrator), p.has(auth::Role::admin)};
}

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

// Appends the webhook's new snapshot as `type` and folds it in; the caller holds the lock.
Status write_webhook(Shared& shared, const char* type, const Webhook& w, const http::Request& req) {
  auto event = shared.events.make(type, "webhook/" + w.id, w.version, {{"webhook", to_json(w)}}, svc::cause_of(req));
  if (auto s = append_own(shared, kTopic, w.id, {event}); !s) return s;
  evolve_own(shared.state, incoming_of(event));
  return {};
}

// Replays each dead letter in `ids` (all of one webhook) in one append.
Result<std::vector<Delivery>> replay(Shared& shared, const Webhook& w, const std::vector<std::string>& ids,
                                     const http::Request& req) {
  Timestamp now = shared.clock.now();
  std::vector<Delivery> replayed;
  std::vector<events::Event> events;
  for (const auto& id : ids) {
    auto d = replay_delivery(shared.state.webhooks.deliveries.at(id), now);
    if (!d) return fail(d.error());
    events.push_back(shared.events.make(kDeliveryReplayed, "webhook_delivery/" + d->id, d->sequence(),
                                        {{"delivery", to_json(*d, false)}}, svc::cause_of(req)));
    replayed.push_back(std::move(*d));
  }
  if (events.empty()) return replayed;
  if (auto s = append_own(shared, kTopic, w.id, events); !s) return fail(s.error());
  for (const auto& e : events) evolve_own(shared.state, incoming_of(e));
  return replayed;
}

}  // namespace

void mount_webhooks(http::Router& router, Shared& shared) {
  router.post("/v1/webhooks", [&shared](http::Request& req) -> Result<http::Response> {
    Integrator who = integrator_of(req);
    if (auto s = may_manage_webhooks(who); !s) return fail(s.error());
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
    w.owner = who.subject;
    w.url = *url;
    w.event_types = *types;
    w.created_at = shared.clock.now();
    auto event =
        shared.events.make(kWebhookCreated, "webhook/" + w.id, 1, {{"webhook", to_json(w)}}, svc::cause_of(req));
    if (auto s = append_own(shared, kTopic, w.id, {event}); !s) return fail(s.error());
    {
      std::unique_lock lock(shared.mutex);
      evolve_own(shared.state, incoming_of(event));
    }
    auto out = public_json(w);
    out["secret"] = webhook_secret(shared.settings.webhook_key, w.id);  // shown once, here
    return svc::json(201, out, w.version, "/v1/webhooks/" + w.id);
  });

  router.get("/v1/webhooks", [&shared](http::Request& req) -> Result<http::Response> {
    Integrator who = integrator_of(req);
    if (auto s = may_manage_webhooks(who); !s) return fail(s.error());
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    std::shared_lock lock(shared.mutex);
    return svc::json(200, svc::keyset_page(
                              shared.state.webhooks.by_id, *page,
                              [&](const auto& entry) {
                                const auto& w = entry.second;
                                return w.status != "deleted" && (who.admin || w.owner == who.subject);
                              },
                              [](const auto& entry) { return public_json(entry.second); }));
  });

  router.get("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    std::shared_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    return svc::json(200, public_json(**w), (*w)->version);
  });

  router.del("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    std::unique_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    if (auto s = svc::check_if_match(req, (*w)->version, false); !s) return fail(s.error());
    Webhook deleted = **w;
    deleted.status = "deleted";
    deleted.version += 1;
    auto event = shared.events.make(kWebhookDeleted, "webhook/" + deleted.id, deleted.version,
                                    {{"webhook", to_json(deleted)}}, svc::cause_of(req));
    if (auto s = append_own(shared, kTopic, deleted.id, {event}); !s) return fail(s.error());
    evolve_own(shared.state, incoming_of(event));
    return http::Response::no_content();
  });

  router.patch("/v1/webhooks/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    auto body = svc::body_object(req);
    if (!body) return fail(body.error());
    std::unique_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    if (auto s = svc::check_if_match(req, (*w)->version, false); !s) return fail(s.error());
    auto change = parse_change(*body, shared.settings);
    if (!change) return fail(change.error());
    auto changed = change_webhook(**w, *change);
    if (!changed) return fail(changed.error());
    if (auto s = write_webhook(shared, kWebhookUpdated, *changed, req); !s) return fail(s.error());
    return svc::json(200, public_json(*changed), changed->version);
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
    std::unique_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    if (auto s = svc::check_if_match(req, (*w)->version, false); !s) return fail(s.error());
    Webhook rotated = rotate_secret(**w, shared.clock.now(), std::chrono::seconds(grace.value_or(24 * 3600)));
    if (auto s = write_webhook(shared, kWebhookSecretRotated, rotated, req); !s) return fail(s.error());
    auto out = public_json(rotated);
    out["secret"] = webhook_secret(shared.settings.webhook_key, rotated.id, rotated.secret_generation);
    return svc::json(200, out, rotated.version);
  });

  router.post("/v1/webhooks/{id}/deliveries/{delivery}/replay",
              [&shared](http::Request& req) -> Result<http::Response> {
                std::unique_lock lock(shared.mutex);
                auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
                if (!w) return fail(w.error());
                std::string id(req.param("delivery"));
                auto d = shared.state.webhooks.deliveries.find(id);
                if (d == shared.state.webhooks.deliveries.end() || d->second.webhook_id != (*w)->id)
                  return fail(Error::not_found("no delivery " + id + " of webhook " + (*w)->id));
                auto replayed = replay(shared, **w, {id}, req);
                if (!replayed) return fail(replayed.error());
                return svc::json(202, to_json(replayed->front(), false));
              });

  // Every dead letter of the webhook, oldest first, at most kMostReplaysPerCall a call.
  router.post("/v1/webhooks/{id}/replay-dead-letters", [&shared](http::Request& req) -> Result<http::Response> {
    std::unique_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    std::vector<std::string> dead;
    size_t remaining = 0;
    if (auto ids = shared.state.webhooks.by_webhook.find((*w)->id); ids != shared.state.webhooks.by_webhook.end()) {
      for (auto it = ids->second.rbegin(); it != ids->second.rend(); ++it) {
        if (shared.state.webhooks.deliveries.at(it->second).status != "dead_lettered") continue;
        if (dead.size() < kMostReplaysPerCall)
          dead.push_back(it->second);
        else
          ++remaining;
      }
    }
    auto replayed = replay(shared, **w, dead, req);
    if (!replayed) return fail(replayed.error());
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& d : *replayed) ids.push_back(d.id);
    return svc::json(202, {{"replayed", ids}, {"remaining", remaining}});
  });

  router.get("/v1/webhooks/{id}/deliveries", [&shared](http::Request& req) -> Result<http::Response> {
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    std::shared_lock lock(shared.mutex);
    auto w = visible_webhook(shared.state.webhooks, integrator_of(req), std::string(req.param("id")));
    if (!w) return fail(w.error());
    const auto& state = shared.state.webhooks;
    static const std::map<std::string, std::string> none;
    auto ids = state.by_webhook.find((*w)->id);
    return svc::json(
        200, svc::keyset_page(ids == state.by_webhook.end() ? none : ids->second, *page, svc::keep_all,
                              [&](const auto& entry) { return to_json(state.deliveries.at(entry.second), false); }));
  });
}

}  // namespace concord::notifications::api
