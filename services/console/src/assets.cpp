#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

#include "concord/console/console.hpp"

namespace concord::console {
namespace {

// Hashed assets (Vite names them name-<hash>.ext) never change under their name.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

bool is_hashed(std::string_view path) {
  return path.starts_with("/assets/");
}

std::string etag_of(std::string_view bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "\"%016zx\"", std::hash<std::string_view>{}(bytes));
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void add_security_headers(http::Headers& h, std::string_view connect_also) {
  std::string csp =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
      "font-src 'self'; connect-src 'self'";
  if (!connect_also.empty()) csp += " " + std::string(connect_also);
  csp += "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  h.set("Content-Security-Policy", csp);
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Referrer-Policy", "no-referrer");
  h.set("X-Frame-Options", "DENY");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

http::Router with_security_headers(const http::Router& router, std::string_view connect_also) {
  http::Router out;
  for (const auto& route : router.routes())
    out.add(
        route.method, route.pattern,
        [handler = route.handler, connect = std::string(connect_also)](http::Request& req) -> Result<http::Response> {
          auto res = handler(req);
          http::Response r = res ? std::move(*res) : http::Response::problem(res.error(), req.path);
          add_security_headers(r.headers, connect);
          return r;
        },
        route.options);
  return out;
}

std::string_view choose_encoding(std::optional<std::string_view> accept_encoding, bool has_brotli, bool has_gzip) {
  if (!accept_encoding) return "";
  double br = -1, gzip = -1, any = -1;
  std::string_view rest = *accept_encoding;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto semi = item.find(';');
    auto name = lower(trim(item.substr(0, semi)));
    double q = 1;
    if (semi != std::string_view::npos) {
      auto param = trim(item.substr(semi + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        try {
          q = std::stod(std::string(param.substr(2)));
        } catch (const std::exception&) {
          q = 0;
        }
      }
    }
    if (name == "br")
      br = q;
    else if (name == "gzip" || name == "x-gzip")
      gzip = q;
    else if (name == "*")
      any = q;
  }
  if (br < 0) br = any;
  if (gzip < 0) gzip = any;
  if (has_brotli && br > 0 && (br >= gzip || !has_gzip)) return "br";
  if (has_gzip && gzip > 0) return "gzip";
  return "";
}

void mount_assets(http::Router& router, std::span<const Asset> assets) {
  struct Entry {
    const Asset* asset;
    std::string etag;
  };
  auto table = std::make_shared<std::map<std::string, Entry, std::less<>>>();
  for (const auto& a : assets) (*table)[std::string(a.path)] = Entry{&a, etag_of(a.identity)};
  auto serve = [table](http::Request& req) -> Result<http::Response> {
    std::string path = req.path == "/" ? "/index.html" : req.path;
    auto it = table->find(path);
    if (it == table->end()) return fail(Error::not_found("no page or asset at " + req.path));
    const Asset& a = *it->second.asset;
    http::Response r;
    r.headers.set("Content-Type", std::string(a.content_type));
    r.headers.set("Cache-Control", is_hashed(a.path)                           ? std::string(kImmutable)
                                   : path == "/index.html" || path == "/sw.js" ? "no-cache"
                                                                               : "public, max-age=3600");
    bool variants = !a.gzip.empty() || !a.brotli.empty();
    if (variants) r.headers.set("Vary", "Accept-Encoding");
    // Each encoding is its own representation, with its own strong ETag.
    auto encoding = choose_encoding(req.headers.get("Accept-Encoding"), !a.brotli.empty(), !a.gzip.empty());
    std::string etag = it->second.etag;
    if (!encoding.empty()) etag.insert(etag.size() - 1, "-" + std::string(encoding));
    r.headers.set("ETag", etag);
    if (auto match = req.headers.get("If-None-Match"); match && *match == etag) {
      r.status = 304;
      return r;
    }
    if (!encoding.empty()) r.headers.set("Content-Encoding", std::string(encoding));
    r.body.assign(encoding == "br" ? a.brotli : encoding == "gzip" ? a.gzip : a.identity);
    return r;
  };
  http::RouteOptions options{.public_route = true, .body_limit = 0, .idempotent = false};
  router.get("/", serve, options);
  router.get("/{path...}", serve, options);
}

}  // namespace concord::console
