#pragma once
// Routes by method and path pattern ("/v1/meetings/{id}/cancel"). An unknown path is 404; a
// known path with another method is 405 with the methods it does allow.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "concord/http/message.hpp"

namespace concord::http {

struct RouteOptions {
  bool public_route = false;        // no authentication (health, readiness, metrics)
  size_t body_limit = 1024 * 1024;  // bytes; a larger body is 413 before it is read
  bool idempotent = true;           // POST honours Idempotency-Key
  // When set, a request without an Authorization header is authenticated by this instead (a
  // credential the request carries elsewhere, e.g. a browser stream ticket in the query, for an
  // EventSource that cannot send headers). An Error becomes 401 as a refused token does.
  std::function<Result<auth::Principal>(const Request&)> header_free_credential;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route;
  std::map<std::string, std::string> params;
};
struct NoSuchPath {};
struct WrongMethod {
  std::string allow;  // "GET, PATCH"
};
using MatchResult = std::variant<RouteMatch, NoSuchPath, WrongMethod>;

class Router {
 public:
  Router& add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  Router& get(std::string pattern, Handler h, RouteOptions o = {}) {
    return add(Method::get, std::move(pattern), std::move(h), o);
  }
  Router& post(std::string pattern, Handler h, RouteOptions o = {}) {
    return add(Method::post, std::move(pattern), std::move(h), o);
  }
  Router& put(std::string pattern, Handler h, RouteOptions o = {}) {
    return add(Method::put, std::move(pattern), std::move(h), o);
  }
  Router& patch(std::string pattern, Handler h, RouteOptions o = {}) {
    return add(Method::patch, std::move(pattern), std::move(h), o);
  }
  Router& del(std::string pattern, Handler h, RouteOptions o = {}) {
    return add(Method::del, std::move(pattern), std::move(h), o);
  }

  MatchResult match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string literal;  // empty for a parameter
    std::string param;
  };
  struct Compiled {
    std::vector<Segment> segments;
    size_t route;
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace concord::http
