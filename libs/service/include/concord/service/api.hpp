#pragma once
// What every service's HTTP handlers share: body parsing, role checks, pagination, ETags and
// If-Match, responses, and the event envelope a request produces.
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/identity.hpp"
#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event.hpp"
#include "concord/http/message.hpp"
#include "concord/http/router.hpp"

namespace concord::service::api {

// The request body as a JSON object; 400 when it is not one. EmptyBody::empty_object: an empty
// body reads as {} (for requests whose every field is optional).
enum class EmptyBody { refused, empty_object };
Result<nlohmann::json> body_object(const http::Request& request, EmptyBody empty = EmptyBody::refused);

// 403 unless the caller has one of the roles.
Status require_any(const http::Request& request, std::initializer_list<auth::Role> roles);
bool is_officer(const auth::Principal& p);  // host_officer or admin: every side
// The country a delegation_officer acts for (their token's country); nullopt for anyone else.
std::optional<std::string> officer_country(const auth::Principal& p);

// The part of every service's Actor (the caller as its domain sees it) that all of them read
// the same way: the subject, `officer` (is_officer), `integrator` (the role) and, for a
// delegation member, `member_id`. Each service's api/ adds the fields only it reads.
template <class Actor>
Actor actor_from(const auth::Principal& p) {
  Actor a;
  a.subject = p.subject;
  a.officer = is_officer(p);
  a.integrator = p.has(auth::Role::integrator);
  if (p.has(auth::Role::delegation_member)) a.member_id = p.member_id;
  return a;
}

// Every route of `routes` added to `router`, its handler run only after `resolve` has put the
// caller's principal right (or refused the request). Where each service resolves who a caller
// is against its own state, before any of its handlers reads the principal.
using ResolveCaller = std::function<Status(http::Request&)>;
void mount_resolving(http::Router& router, const http::Router& routes, ResolveCaller resolve);

// The resolution every service applies (auth::resolve_member): the member linked to the token's
// issuer + subject, with the delegation from state. A caller left with no role at all (a
// delegation_member role that stands for no member) is refused 403 unless `roleless_allowed`
// (redeeming an invitation is all such a caller may do).
Status resolve_caller(http::Request& request, const auth::IdentityLinks& links, const auth::DelegationOf& delegation_of,
                      bool roleless_allowed = false);

// ?limit= (1..200, default 50) and ?cursor= (opaque, from a previous page's next_cursor).
// Pages come from ordered indexes (keyset pagination): a cursor carries the sort key of the
// last item it followed, so the next page starts just after that key. A page costs
// O(log n + page), and a cursor stays right while items are added or removed.
struct Page {
  size_t limit = 50;
  std::optional<std::string> after;  // the sort key the page starts after; none: the start
};
Result<Page> page_of(const http::Request& request);
std::string cursor_for(std::string_view sort_key);

// Walks one page of an ordered range already positioned just after page.after (e.g. an index's
// upper_bound): `keep` skips items (filters not indexed: rights), `take` receives each item of
// the page right after `keep` accepted it. Returns the sort key (`key_of`) of the page's last
// item when another kept item follows it (the next cursor's), else nullopt.
template <class It, class KeyOf, class Keep, class Take>
std::optional<std::string> walk_page(It first, It last, const Page& page, KeyOf&& key_of, Keep&& keep, Take&& take) {
  size_t taken = 0;
  std::string last_key;
  for (; first != last; ++first) {
    if (!keep(*first)) continue;
    if (taken == page.limit) return last_key;
    take(*first);
    ++taken;
    last_key = key_of(*first);
  }
  return std::nullopt;
}

// One page as JSON, `render` making an item's JSON.
template <class It, class KeyOf, class Keep, class Render>
nlohmann::json keyset_page(It first, It last, const Page& page, KeyOf&& key_of, Keep&& keep, Render&& render) {
  nlohmann::json items = nlohmann::json::array();
  auto after = walk_page(first, last, page, key_of, keep, [&](const auto& item) { items.push_back(render(item)); });
  nlohmann::json next = after ? nlohmann::json(cursor_for(*after)) : nlohmann::json(nullptr);
  return {{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

// The same page serialized, from each item's bytes (`bytes` → its JSON as text: the rendering
// kept beside the item, RenderedJson), so a page costs a cursor lookup and a concatenation. Byte
// for byte what keyset_page's JSON serializes to; `more` adds members after next_cursor
// (",\"name\":value", names that sort after it: JSON objects serialize their keys sorted).
template <class It, class KeyOf, class Keep, class Bytes>
std::string keyset_page_bytes(It first, It last, const Page& page, KeyOf&& key_of, Keep&& keep, Bytes&& bytes,
                              std::string_view more = {}) {
  std::string body = "{\"items\":[";
  bool first_item = true;
  auto after = walk_page(first, last, page, key_of, keep, [&](const auto& item) {
    if (!first_item) body += ',';
    first_item = false;
    body += bytes(item);
  });
  body += "],\"next_cursor\":";
  body += after ? nlohmann::json(cursor_for(*after)).dump() : "null";
  body += more;
  body += '}';
  return body;
}

// The same over an index ordered by sort key (a std::map keyed by it, or a std::set of them),
// positioned by the page's cursor.
template <class Index>
auto page_start(const Index& index, const Page& page) {
  return page.after ? index.upper_bound(*page.after) : index.begin();
}
inline constexpr auto sort_key_of = [](const auto& entry) -> const std::string& {
  if constexpr (requires { entry.first; })
    return entry.first;
  else
    return entry;
};

template <class Index, class Keep, class Render>
nlohmann::json keyset_page(const Index& index, const Page& page, Keep&& keep, Render&& render) {
  return keyset_page(page_start(index, page), index.end(), page, sort_key_of, std::forward<Keep>(keep),
                     std::forward<Render>(render));
}

template <class Index, class Keep, class Bytes>
std::string keyset_page_bytes(const Index& index, const Page& page, Keep&& keep, Bytes&& bytes,
                              std::string_view more = {}) {
  return keyset_page_bytes(page_start(index, page), index.end(), page, sort_key_of, std::forward<Keep>(keep),
                           std::forward<Bytes>(bytes), more);
}

inline constexpr auto keep_all = [](const auto&) { return true; };

// Strong ETag of an aggregate's version: "\"7\"".
std::string etag(long long version);
// If-Match against the current version: 412 when stale; 428 when required and absent.
Status check_if_match(const http::Request& request, long long version, bool required);

http::Response json(int status, const nlohmann::json& body, long long version = -1, std::string location = {});
// A body already serialized as JSON (keyset_page_bytes), sent as json() sends one.
http::Response json_text(int status, std::string body);

// ?dry_run=true|false
Result<bool> dry_run(const http::Request& request);

// Who and what caused the events a request produces.
struct Cause {
  std::string actor;  // the principal's subject, or "system"
  std::string correlation_id;
  std::string causation_id;  // the request id, or the id of the event that caused this one
};
Cause cause_of(const http::Request& request);

// What a domain already fixed of an event before its envelope is made: its id (delegations links
// a private event to its public one by it) and, where the domain hashes them into the event
// (documents' audit chain), its time and actor. What is not given the factory makes.
struct Stamp {
  std::string id;
  std::optional<Timestamp> time;
  std::optional<std::string> actor;
};

// The one maker of CloudEvents envelopes: every event a service appends comes from here.
class EventFactory {
 public:
  EventFactory(std::string service, const Clock& clock, IdGenerator& ids);
  // type "concord.<service>.<aggregate>.<verb>", subject "<aggregate>/<id>".
  events::Event make(std::string type, std::string subject, long long sequence, nlohmann::json data,
                     const Cause& cause) const;
  events::Event make(std::string type, std::string subject, long long sequence, nlohmann::json data, const Cause& cause,
                     Stamp stamp) const;
  Timestamp now() const { return clock_.now(); }
  std::string new_id() const { return ids_.next(); }

 private:
  std::string source_;
  const Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace concord::service::api
