#include <chrono>
#include <map>
#include <thread>

#include "concord/core/json_input.hpp"
#include "concord/core/sort_key.hpp"
#include "concord/service/api.hpp"
#include "notifications/api/routes.hpp"

namespace concord::notifications::api {

using concord::service::api::json;
namespace svc = concord::service::api;

namespace {

nlohmann::json item_json(const Notification& n) {
  auto j = to_json(n);
  j["read_at"] = n.read_at ? nlohmann::json(format_rfc3339_utc(*n.read_at)) : nlohmann::json(nullptr);
  return j;
}

long long version_of(const Notification& n) {
  return n.read_at ? 2 : 1;
}

// A page's body (keyset_page_bytes: it begins {"items":[) with `items`, rendered and joined by
// commas, put before the items it lists.
std::string with_leading_items(std::string body, const std::string& items) {
  static constexpr std::string_view kStart = "{\"items\":[";
  if (items.empty()) return body;
  bool none_after = body.size() > kStart.size() && body[kStart.size()] == ']';
  body.insert(kStart.size(), none_after ? items : items + ',');
  return body;
}

Result<std::string> owner_of(const http::Request& req) {
  auto member = req.query_param("member_id");
  if (member && member->empty()) return fail(Error::validation("/member_id", "member_id must not be empty"));
  return inbox_owner(actor_of(req), member);
}

Result<bool> unread_only(const http::Request& req) {
  auto v = req.query_param("unread");
  if (!v || *v == "false") return false;
  if (*v == "true") return true;
  return fail(Error::validation("/unread", "unread must be true or false"));
}

// Waits while `id` is the caller's notification shown here before its record; 503 when the
// record does not come within read_mark_wait. At once when it is recorded, or is no one's here.
Status wait_for_record(Shared& shared, const Actor& actor, const std::string& id) {
  auto pending = [&] {
    return shared.store.read([&](const State& state) {
      return shared.with_provisional([&](const ProvisionalInbox& p) {
        const Notification* n = p.find(id, state.inbox, shared.clock.now());
        return n != nullptr && actor.member_id && n->member_id == *actor.member_id;
      });
    });
  };
  auto deadline = std::chrono::steady_clock::now() + shared.settings.read_mark_wait;
  while (pending()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      Error e = Error::unavailable("notification " + id +
                                   " is not recorded yet (its event's processor is changing hands); retry shortly");
      e.headers.emplace_back("Retry-After", "1");
      return fail(std::move(e));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

}  // namespace

void mount_inbox(http::Router& router, Shared& shared, Live& live) {
  // The member's notifications, newest first; held back by quiet hours until deliver_after.
  router.get("/v1/inbox", [&shared](http::Request& req) -> Result<http::Response> {
    auto owner = owner_of(req);
    if (!owner) return fail(owner.error());
    auto unread = unread_only(req);
    if (!unread) return fail(unread.error());
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    auto body = shared.store.read([&](const State& state) {
      Timestamp now = shared.clock.now();
      const auto& inbox = state.inbox;
      const auto& index = *unread ? inbox.unread_by_member : inbox.by_member;
      static const std::map<std::string, std::string> none;
      auto ids = index.find(*owner);
      // What this replica routed and no record has replaced yet is the newest there is: it
      // heads the first page, unread, and the recorded notifications fill the rest of it (with
      // none left for them, the next cursor starts at the first recorded one).
      std::string provisional;
      long long provisional_count = 0;
      svc::Page recorded_page = *page;
      if (!page->after) {
        shared.with_provisional([&](const ProvisionalInbox& p) {
          auto pending = p.pending(*owner, inbox, now);
          provisional_count = static_cast<long long>(pending.size());
          for (size_t i = 0; i < pending.size() && i < page->limit; ++i) {
            if (i > 0) provisional += ',';
            provisional += item_json(*pending[i]).dump();
            --recorded_page.limit;
          }
        });
      }
      auto page_body = svc::keyset_page_bytes(
          ids == index.end() ? none : ids->second, recorded_page,
          [&](const auto& entry) { return inbox.notifications.at(entry.second).deliver_after <= now; },
          [&](const auto& entry) -> const std::string& {
            const Notification& n = inbox.notifications.at(entry.second);
            return n.rendered.get([&] { return item_json(n); });
          },
          ",\"unread_count\":" + std::to_string(unread_count(inbox, *owner, now) + provisional_count));
      return with_leading_items(std::move(page_body), provisional);
    });
    return svc::json_text(200, std::move(body));
  });

  router.get(
      "/v1/inbox/stream",
      [&live](http::Request& req) -> Result<http::Response> {
        auto owner = owner_of(req);
        if (!owner) return fail(owner.error());
        std::string last = std::string(req.headers.get("Last-Event-ID").value_or(""));
        if (last.empty()) last = req.query_param("last_event_id").value_or("");
        if (!last.empty() && !is_uuid(last))
          return fail(Error::validation("/last_event_id", "Last-Event-ID must be a notification id this stream sent"));
        Timestamp expires = req.who().expires_at;
        return http::Response::event_stream(
            [&live, member = *owner, last, expires](std::shared_ptr<http::EventStream> stream) {
              live.attach(member, last, stream, expires);
            });
      },
      {.header_free_credential = [&shared](const http::Request& req) { return redeem_stream_ticket(shared, req); }});

  router.get("/v1/inbox/{id}", [&shared](http::Request& req) -> Result<http::Response> {
    Actor actor = actor_of(req);
    std::string id(req.param("id"));
    auto found = shared.store.read([&](const State& state) -> Result<Notification> {
      auto n = visible_notification(state.inbox, actor, id);
      if (n) return **n;
      // Not recorded yet, perhaps, but routed here (provisional.hpp): shown as the inbox shows it.
      if (n.error().code != ErrorCode::not_found) return fail(n.error());
      auto routed = shared.with_provisional([&](const ProvisionalInbox& p) -> std::optional<Notification> {
        const Notification* pending = p.find(id, state.inbox, shared.clock.now());
        if (!pending || (!actor.officer && pending->member_id != actor.member_id)) return std::nullopt;
        return *pending;
      });
      if (!routed) return fail(n.error());
      return *routed;
    });
    if (!found) return fail(found.error());
    return json(200, item_json(*found), version_of(*found));
  });

  router.post("/v1/inbox/{id}/read", [&shared](http::Request& req) -> Result<http::Response> {
    Actor actor = actor_of(req);
    std::string id(req.param("id"));
    // Decided on the store's draft, where writers are serialized: a notification is marked
    // read once (a second mark decides nothing to append).
    // A notification shown before it was recorded (provisional.hpp) is marked once its record
    // is here: the mark must follow it on the member's partition. Its owner records it within
    // moments, or within a failover; the mark waits for that, up to read_mark_wait.
    if (auto waited = wait_for_record(shared, actor, id); !waited) return fail(waited.error());
    Timestamp now = shared.clock.now();
    auto written = write_own(shared, [&](const State& state) -> Result<std::vector<service::Append>> {
      auto decided = decide_mark_read(state.inbox, actor, id, now);
      if (!decided) return fail(decided.error());
      if (!*decided) return std::vector<service::Append>{};
      auto event = shared.events.make(kRead, "notification/" + id, 2, to_json(**decided), svc::cause_of(req));
      return std::vector<service::Append>{{kTopic, (*decided)->member_id, {event}}};
    });
    if (!written) return fail(written.error());
    auto n = shared.store.read([&](const State& state) { return state.inbox.notifications.at(id); });
    return json(200, item_json(n), version_of(n));
  });

  // The reminders still to come for a member (derived from the meetings they attend).
  router.get("/v1/reminders", [&shared](http::Request& req) -> Result<http::Response> {
    auto owner = owner_of(req);
    if (!owner) return fail(owner.error());
    auto page = svc::page_of(req);
    if (!page) return fail(page.error());
    // Derived from the meetings this member attends (a few dozen), in the order they fire.
    std::map<std::string, nlohmann::json> items;
    shared.store.read([&](const State& state) {
      for (const auto& r : pending_reminders(state.views, shared.settings.reminder_offsets, state.inbox.fired_reminders,
                                             shared.clock.now(), *owner))
        items.emplace(SortKey().add(r.at.time_since_epoch().count()).add(r.meeting_id).add(r.offset.count()).str(),
                      nlohmann::json{{"meeting_id", r.meeting_id},
                                     {"member_id", r.member_id},
                                     {"at", format_rfc3339_utc(r.at)},
                                     {"offset_minutes", r.offset.count()},
                                     {"meeting_start", format_rfc3339_utc(r.meeting_start)}});
    });
    return json(200, svc::keyset_page(items, *page, svc::keep_all, [](const auto& entry) { return entry.second; }));
  });
}

}  // namespace concord::notifications::api
