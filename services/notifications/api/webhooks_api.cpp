#include <map>

#include "concord/core/json_input.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"
#include "routes.hpp"
#include "webhook_signing.hpp"

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
    auto event = shared.events.make(kWebhookCreated, "webhook/" + w.id, 1, {{"webhook", to_json(w)}}, svc::cause_of(req));
    if (auto s = shared.log->append(kTopic, w.id, {event}); !s) return fail(s.error());
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
    if (auto s = shared.log->append(kTopic, deleted.id, {event}); !s) return fail(s.error());
    evolve_own(shared.state, incoming_of(event));
    return http::Response::no_content();
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
    return svc::json(200, svc::keyset_page(ids == state.by_webhook.end() ? none : ids->second, *page, svc::keep_all,
                                           [&](const auto& entry) { return to_json(state.deliveries.at(entry.second), false); }));
  });
}

}  // namespace concord::notifications::api
