#include "concord/service/api.hpp"

#include <charconv>

#include "concord/core/json_input.hpp"

namespace concord::service::api {

Result<nlohmann::json> body_object(const http::Request& request, EmptyBody empty) {
  if (empty == EmptyBody::empty_object && request.body.empty()) return nlohmann::json::object();
  return json_input::parse_object(request.body);
}

bool is_officer(const auth::Principal& p) {
  return p.has_any({auth::Role::host_officer, auth::Role::admin});
}

std::optional<std::string> officer_country(const auth::Principal& p) {
  if (!p.has(auth::Role::delegation_officer)) return std::nullopt;
  return p.country;
}

Status require_any(const http::Request& request, std::initializer_list<auth::Role> roles) {
  if (request.principal && request.principal->has_any(roles)) return {};
  std::string names;
  for (auto r : roles) names += (names.empty() ? "" : ", ") + std::string(auth::to_string(r));
  return fail(Error::forbidden("this needs one of the roles: " + names));
}

void mount_resolving(http::Router& router, const http::Router& routes, ResolveCaller resolve) {
  for (const auto& route : routes.routes()) {
    router.add(
        route.method, route.pattern,
        [resolve, handler = route.handler](http::Request& request) -> Result<http::Response> {
          if (auto ok = resolve(request); !ok) return fail(ok.error());
          return handler(request);
        },
        route.options);
  }
}

Status resolve_caller(http::Request& request, const auth::IdentityLinks& links, const auth::DelegationOf& delegation_of,
                      bool roleless_allowed) {
  if (!request.principal) return {};  // a public route, or a header-free credential resolved when it was issued
  auto& p = *request.principal;
  auto resolution = auth::resolve_member(p, links, delegation_of);
  if (p.roles.empty() && !roleless_allowed) {
    if (resolution == auth::Resolution::unlinked)
      return fail(Error::forbidden(
          "this sign-in is not linked to a delegation member yet: redeem the invitation your protocol officer gave you "
          "(POST /v1/invitations/redeem on the delegations service), or ask them to link it"));
    return fail(Error::forbidden("this sign-in carries no Concord role"));
  }
  return {};
}

namespace {

constexpr size_t kMaxCursor = 4096;  // hex characters: sort keys of up to 2 KiB

}  // namespace

// Cursors are opaque to clients; inside they are "k" and the sort key, hex-encoded so nobody
// is tempted to build one by hand.
std::string cursor_for(std::string_view sort_key) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 + 2 * sort_key.size());
  out += "6b";  // "k"
  for (unsigned char c : sort_key) {
    out += hex[c >> 4];
    out += hex[c & 0xF];
  }
  return out;
}

namespace {

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.size() < 2 || cursor.size() % 2 || cursor.size() > kMaxCursor) return std::nullopt;
  std::string plain;
  plain.reserve(cursor.size() / 2);
  for (size_t i = 0; i < cursor.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, v, 16);
    if (ec != std::errc{} || p != cursor.data() + i + 2) return std::nullopt;
    plain += static_cast<char>(v);
  }
  if (plain[0] != 'k') return std::nullopt;
  return plain.substr(1);
}

}  // namespace

Result<Page> page_of(const http::Request& request) {
  Page page;
  if (auto limit = request.query_param("limit")) {
    size_t n = 0;
    auto [p, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc{} || p != limit->data() + limit->size() || n < 1 || n > 200)
      return fail(Error::validation("/limit", "limit must be an integer from 1 to 200"));
    page.limit = n;
  }
  if (auto cursor = request.query_param("cursor")) {
    auto after = decode_cursor(*cursor);
    if (!after) return fail(Error::validation("/cursor", "cursor is not one this service gave out"));
    page.after = std::move(*after);
  }
  return page;
}

std::string etag(long long version) {
  return "\"" + std::to_string(version) + "\"";
}

Status check_if_match(const http::Request& request, long long version, bool required) {
  auto header = request.headers.get("If-Match");
  if (!header) {
    if (required)
      return fail(Error::of(ErrorCode::precondition_required,
                            "send If-Match with the ETag you last read, so a concurrent change is not overwritten"));
    return {};
  }
  std::string_view v = *header;
  if (v == "*") return {};
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v != etag(version))
    return fail(Error::precondition_failed("the resource has changed since it was read: it is now at version " +
                                           std::to_string(version) + " (ETag " + etag(version) + ")"));
  return {};
}

http::Response json(int status, const nlohmann::json& body, long long version, std::string location) {
  auto r = http::Response::json(status, body);
  if (version >= 0) r.headers.set("ETag", etag(version));
  if (!location.empty()) r.headers.set("Location", std::move(location));
  return r;
}

http::Response json_text(int status, std::string body) {
  return http::Response::text(status, std::move(body), "application/json");
}

Result<bool> dry_run(const http::Request& request) {
  auto v = request.query_param("dry_run");
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  return fail(Error::validation("/dry_run", "dry_run must be true or false"));
}

Cause cause_of(const http::Request& request) {
  return Cause{request.principal ? request.principal->subject : "anonymous", request.correlation_id,
               "request:" + request.correlation_id};
}

EventFactory::EventFactory(std::string service, const Clock& clock, IdGenerator& ids)
    : source_("/concord/" + std::move(service)), clock_(clock), ids_(ids) {}

events::Event EventFactory::make(std::string type, std::string subject, long long sequence, nlohmann::json data,
                                 const Cause& cause) const {
  return make(std::move(type), std::move(subject), sequence, std::move(data), cause, Stamp{});
}

events::Event EventFactory::make(std::string type, std::string subject, long long sequence, nlohmann::json data,
                                 const Cause& cause, Stamp stamp) const {
  events::Event e;
  e.id = stamp.id.empty() ? ids_.next() : std::move(stamp.id);
  e.source = source_;
  e.dataschema = "urn:concord:schema:" + type;
  e.type = std::move(type);
  e.subject = std::move(subject);
  e.time = stamp.time ? *stamp.time : clock_.now();
  e.sequence = sequence;
  e.actor = stamp.actor ? std::move(*stamp.actor) : cause.actor;
  e.correlationid = cause.correlation_id;
  e.causationid = cause.causation_id;
  e.data = std::move(data);
  return e;
}

}  // namespace concord::service::api
