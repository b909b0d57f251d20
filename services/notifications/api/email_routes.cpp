#include <map>

#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"
#include "notifications/runtime/mailer.hpp"

namespace concord::notifications::api {

using concord::service::api::json;
namespace svc = concord::service::api;

void mount_email(http::Router& router, Shared& shared) {
  // A member's e-mails and how their delivery went, newest first: the member their own, an
  // officer anyone's (member_id required).
  router.get("/v1/emails", [&shared](http::Request& req) -> Result<http::Response> {
    auto member = req.query_param("member_id");
    if (member && member->empty()) return fail(Error::validation("/member_id", "member_id must not be empty"));
    auto owner = inbox_owner(actor_of(req), member);
    if (!owner) return fail(owner.error());
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    auto body = shared.store.read([&](const State& state) {
      const auto& emails = state.emails;
      static const std::map<std::string, std::string> none;
      auto ids = emails.by_member.find(*owner);
      return svc::keyset_page(ids == emails.by_member.end() ? none : ids->second, *page, svc::keep_all,
                              [&](const auto& entry) { return delivery_json(emails.by_id.at(entry.second)); });
    });
    body["enabled"] = shared.settings.email.enabled;
    return json(200, body);
  });

  // Addresses the mail server refused for good or that ran out of retries (officers): each
  // with the address it concerns while the member still has it, why, and since when.
  router.get("/v1/email-addresses/failing", [&shared](http::Request& req) -> Result<http::Response> {
    if (!actor_of(req).officer) return fail(Error::forbidden("only protocol officers see failing addresses"));
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    return json(200, shared.store.read([&](const State& state) {
      const auto& contacts = state.views.contacts.email;
      return svc::keyset_page(state.emails.failing, *page, svc::keep_all, [&](const auto& entry) {
        const FailingAddress& f = entry.second;
        nlohmann::json address = nullptr;
        if (auto c = contacts.find(f.member_id); c != contacts.end() && address_digest(c->second) == f.address_digest)
          address = c->second;
        return nlohmann::json{
            {"member_id", f.member_id}, {"address", address},     {"address_digest", f.address_digest},
            {"reason", f.reason},       {"email_id", f.email_id}, {"since", format_rfc3339_utc(f.since)}};
      });
    }));
  });
}

}  // namespace concord::notifications::api
