#include "concord/http/message.hpp"

#include "concord/core/rendered_json.hpp"

#include <strings.h>
#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace concord::http {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::other:
      return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view t) {
  if (t == "GET") return Method::get;
  if (t == "HEAD") return Method::head;
  if (t == "POST") return Method::post;
  if (t == "PUT") return Method::put;
  if (t == "PATCH") return Method::patch;
  if (t == "DELETE") return Method::del;
  if (t == "OPTIONS") return Method::options;
  return Method::other;
}

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : fields_)
    if (same_name(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return same_name(f.first, name); });
}

std::string_view Request::param(const std::string& name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

const auth::Principal& Request::who() const {
  // Handlers on authenticated routes only run with a principal; reaching here without one is a
  // wiring bug, not a client error.
  if (!principal) std::abort();
  return *principal;
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = concord::json_bytes(body);  // the bytes list pages keep beside their items
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::problem(const Error& error, std::string_view instance) {
  auto p = to_problem(error, instance);
  Response r;
  r.status = p.status;
  r.headers.set("Content-Type", std::string(kProblemContentType));
  for (auto& [k, v] : p.headers) r.headers.add(k, v);
  r.body = std::move(p.body);
  return r;
}

Response Response::event_stream(std::function<void(std::shared_ptr<EventStream>)> on_open) {
  Response r;
  r.status = 200;
  r.headers.set("Content-Type", "text/event-stream");
  r.headers.set("Cache-Control", "no-cache");
  r.on_stream = std::move(on_open);
  return r;
}

}  // namespace concord::http
