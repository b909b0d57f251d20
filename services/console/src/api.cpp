#include <array>
#include <cctype>

#include "concord/console/console.hpp"
#include "concord/console/stream_forward.hpp"
#include "concord/http/client.hpp"

namespace concord::console {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and the
// length, which the client and the server set themselves.
bool hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "connection", "keep-alive",     "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "host",       "content-length", "accept-encoding"};
  for (auto n : kNames)
    if (iequals(name, n)) return true;
  return false;
}

// A service answers a create with the new resource's address on the service (`/v1/…`); through
// the console the browser reaches it under the service's prefix.
void locate_under(const std::string& prefix, http::Response& response) {
  auto location = response.headers.get("Location");
  if (!location || !location->starts_with("/") || location->starts_with("//")) return;
  response.headers.set("Location", prefix + std::string(*location));
}

}  // namespace

void mount_in_process(http::Router& router, const std::string& name, const http::Router& service_routes) {
  const std::string prefix = "/api/" + name;
  for (const auto& route : service_routes.routes()) {
    auto options = route.options;
    options.idempotent = false;  // the service's own step claims the key, under its name
    router.add(
        route.method, prefix + route.pattern,
        [prefix, handler = route.handler](http::Request& req) -> Result<http::Response> {
          // The service's own target and path, as a forwarded request has them: a standby that
          // forwards the write to its writer sends it there, and the Idempotency-Key's request
          // is the same whichever way it came. The console's own log keeps its path.
          std::string console_path = req.path;
          if (req.target.starts_with(prefix + "/")) req.target.erase(0, prefix.size());
          if (req.path.starts_with(prefix + "/")) req.path.erase(0, prefix.size());
          auto answer = handler(req);
          req.path = std::move(console_path);
          if (answer) locate_under(prefix, *answer);
          return answer;
        },
        options);
  }
}

void mount_forward(http::Router& router, const std::string& name, const std::string& base_url,
                   std::shared_ptr<StreamForwarder> streams) {
  const std::string prefix = "/api/" + name;
  auto forward = [prefix, name, base_url, streams](http::Request& req) -> Result<http::Response> {
    if (!req.target.starts_with(prefix + "/"))
      return fail(Error::bad_request("the path must name the service as it is spelled: " + prefix + "/"));
    http::ClientRequest out;
    out.method = req.method;
    out.url = base_url + req.target.substr(prefix.size());
    for (const auto& [k, v] : req.headers.fields())
      if (!hop_by_hop(k)) out.headers.add(k, v);
    if (!req.remote_address.empty()) out.headers.add("X-Forwarded-For", req.remote_address);
    out.headers.set("X-Request-Id", req.correlation_id);  // one correlation id across both hops
    out.body = req.body;
    out.timeout = std::chrono::seconds(30);
    // A live stream (the browser asks for text/event-stream) is passed on as it arrives.
    auto accept = req.headers.get("Accept");
    bool live =
        req.method == http::Method::get && accept && accept->find("text/event-stream") != std::string_view::npos;
    if (live && !streams)
      return fail(Error::not_found("live streams are not forwarded by this console; use the " + name +
                                   " service's own address"));
    Result<http::Response> answer = fail(Error::unavailable("no answer"));
    if (live) {
      answer = streams->forward(std::move(out));
    } else if (auto fetched = http::fetch(out)) {
      http::Response r;
      r.status = fetched->status;
      r.headers = std::move(fetched->headers);
      r.body = std::move(fetched->body);
      answer = std::move(r);
    } else {
      answer = fail(fetched.error());
    }
    if (!answer)
      return fail(Error::unavailable("the " + name + " service cannot be reached: " + answer.error().detail));
    // Only what belongs to the message; a stream's own type and caching are the console's.
    http::Headers kept;
    if (answer->on_stream) {
      kept.set("Content-Type", "text/event-stream");
      kept.set("Cache-Control", "no-cache");
    }
    for (const auto& [k, v] : answer->headers.fields()) {
      if (hop_by_hop(k) || iequals(k, "server")) continue;
      if (answer->on_stream && (iequals(k, "content-type") || iequals(k, "cache-control") ||
                                iequals(k, "x-accel-buffering") || iequals(k, "date")))
        continue;
      kept.add(k, v);
    }
    answer->headers = std::move(kept);
    locate_under(prefix, *answer);
    return answer;
  };
  http::RouteOptions options{.public_route = true, .body_limit = 2 * 1024 * 1024, .idempotent = false};
  for (auto method : {http::Method::get, http::Method::post, http::Method::put, http::Method::patch, http::Method::del})
    router.add(method, prefix + "/{rest...}", forward, options);
}

void mount_api_not_found(http::Router& router) {
  auto none = [](http::Request& req) -> Result<http::Response> {
    return fail(Error::not_found("no service API at " + req.path + "; the services are under /api/<service>/v1/"));
  };
  http::RouteOptions options{.public_route = true, .body_limit = 0, .idempotent = false};
  for (auto method : {http::Method::get, http::Method::post, http::Method::put, http::Method::patch, http::Method::del})
    router.add(method, "/api/{rest...}", none, options);
}

}  // namespace concord::console
