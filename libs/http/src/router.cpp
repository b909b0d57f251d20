#include "concord/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace concord::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  if (!path.empty() && path.front() == '/') i = 1;
  while (i <= path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return parts;
}

}  // namespace

Router& Router::add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  Compiled c{.segments = {}, .route = routes_.size()};
  for (auto part : split_path(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}')
      c.segments.push_back({.literal = {}, .param = std::string(part.substr(1, part.size() - 2))});
    else
      c.segments.push_back({.literal = std::string(part), .param = {}});
  }
  for (const auto& r : routes_)
    if (r.method == method && r.pattern == pattern) throw std::logic_error("route registered twice: " + pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(handler), options});
  compiled_.push_back(std::move(c));
  return *this;
}

// A last segment "{name...}" takes the rest of the path: "/api/{rest...}" matches "/api/a/b"
// with rest = "a/b".
MatchResult Router::match(Method method, std::string_view path) const {
  auto parts = split_path(path);
  std::vector<std::string> allowed;
  // Literal segments win over parameters ("/v1/visits/{id}" vs "/v1/visits/export"): try the
  // candidate with the most literal matches first.
  const Compiled* best = nullptr;
  int best_literals = -1;
  std::map<std::string, std::string> best_params;
  for (const auto& c : compiled_) {
    // A last segment "{name...}" takes the rest of the path (one segment or more).
    bool rest = !c.segments.empty() && c.segments.back().param.ends_with("...");
    if (rest ? parts.size() < c.segments.size() : c.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < c.segments.size() && ok; ++i) {
      const auto& seg = c.segments[i];
      if (seg.param.empty()) {
        ok = seg.literal == parts[i];
        ++literals;
      } else if (rest && i + 1 == c.segments.size()) {
        std::string tail(parts[i]);
        for (size_t j = i + 1; j < parts.size(); ++j) tail += "/" + std::string(parts[j]);
        ok = !tail.empty();
        params[seg.param.substr(0, seg.param.size() - 3)] = std::move(tail);
      } else {
        ok = !parts[i].empty();
        params[seg.param] = std::string(parts[i]);
      }
    }
    if (!ok) continue;
    const auto& route = routes_[c.route];
    bool method_ok = route.method == method || (method == Method::head && route.method == Method::get);
    if (!method_ok) {
      auto name = std::string(to_string(route.method));
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) allowed.push_back(name);
      if (route.method == Method::get && std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end())
        allowed.push_back("HEAD");
      continue;
    }
    if (literals > best_literals) {
      best = &c;
      best_literals = literals;
      best_params = std::move(params);
    }
  }
  if (best) return RouteMatch{&routes_[best->route], std::move(best_params)};
  if (allowed.empty()) return NoSuchPath{};
  std::string allow;
  for (const auto& a : allowed) allow += (allow.empty() ? "" : ", ") + a;
  return WrongMethod{allow};
}

}  // namespace concord::http
