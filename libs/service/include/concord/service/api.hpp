#pragma once
// What every service's HTTP handlers share: body parsing, role checks, pagination, ETags and
// If-Match, responses, and the event envelope a request produces.
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"
#include "concord/core/id.hpp"
#include "concord/core/time.hpp"
#include "concord/events/event.hpp"
#include "concord/http/message.hpp"

namespace concord::service::api {

Result<nlohmann::json> body_object(const http::Request& request);

// 403 unless the caller has one of the roles.
Status require_any(const http::Request& request, std::initializer_list<auth::Role> roles);
bool is_officer(const auth::Principal& p);  // protocol_officer or admin

// ?limit= (1..200, default 50) and ?cursor= (opaque, from a previous page's next_cursor).
struct Page {
  size_t offset = 0;
  size_t limit = 50;
};
Result<Page> page_of(const http::Request& request);
// {"items": [...the page...], "next_cursor": "..." | null}
nlohmann::json page_json(const std::vector<nlohmann::json>& all_items, const Page& page);

// Strong ETag of an aggregate's version: "\"7\"".
std::string etag(long long version);
// If-Match against the current version: 412 when stale; 428 when required and absent.
Status check_if_match(const http::Request& request, long long version, bool required);

http::Response json(int status, const nlohmann::json& body, long long version = -1, std::string location = {});

// ?dry_run=true|false
Result<bool> dry_run(const http::Request& request);

// Who and what caused the events a request produces.
struct Cause {
  std::string actor;          // the principal's subject, or "system"
  std::string correlation_id;
  std::string causation_id;   // the request id, or the id of the event that caused this one
};
Cause cause_of(const http::Request& request);

class EventFactory {
 public:
  EventFactory(std::string service, const Clock& clock, IdGenerator& ids);
  // type "concord.<service>.<aggregate>.<verb>", subject "<aggregate>/<id>".
  events::Event make(std::string type, std::string subject, long long sequence, nlohmann::json data,
                     const Cause& cause) const;
  Timestamp now() const { return clock_.now(); }
  std::string new_id() const { return ids_.next(); }

 private:
  std::string source_;
  const Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace concord::service::api
