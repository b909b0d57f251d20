#include "concord/core/config.hpp"

#include <charconv>
#include <cstdlib>

namespace concord {
namespace {

[[noreturn]] void bad(const std::string& name, const std::string& expected, const std::string& got) {
  throw ConfigError(name + ": expected " + expected + ", got '" + got + "'");
}

}  // namespace

Env::Env()
    : lookup_([](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
      }) {}

Env::Env(Lookup lookup) : lookup_(std::move(lookup)) {}

Env Env::from_map(std::map<std::string, std::string> values) {
  return Env([values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

std::optional<std::string> Env::get(const std::string& name) const {
  auto v = lookup_(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

std::string Env::string(const std::string& name, std::string fallback) const {
  return get(name).value_or(std::move(fallback));
}

long long Env::integer(const std::string& name, long long fallback, long long min, long long max) const {
  auto v = get(name);
  if (!v) return fallback;
  long long out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || p != v->data() + v->size() || out < min || out > max)
    bad(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max), *v);
  return out;
}

bool Env::boolean(const std::string& name, bool fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || *v == "yes") return true;
  if (*v == "false" || *v == "0" || *v == "no") return false;
  bad(name, "true or false", *v);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || n < 0) return std::nullopt;
  std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  using namespace std::chrono;
  if (unit == "ms") return milliseconds{n};
  if (unit.empty() || unit == "s") return duration_cast<milliseconds>(seconds{n});
  if (unit == "m") return duration_cast<milliseconds>(minutes{n});
  if (unit == "h") return duration_cast<milliseconds>(hours{n});
  return std::nullopt;
}

std::chrono::milliseconds Env::duration(const std::string& name, std::chrono::milliseconds fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  auto d = parse_duration(*v);
  if (!d) bad(name, "a duration such as 500ms, 5s, 2m or 1h", *v);
  return *d;
}

std::vector<std::chrono::milliseconds> Env::durations(const std::string& name,
                                                      std::vector<std::chrono::milliseconds> fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  std::vector<std::chrono::milliseconds> out;
  std::string_view rest = *v;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    auto d = parse_duration(item);
    if (!d || d->count() <= 0) bad(name, "a comma-separated list of positive durations such as 5s,30s,2m", *v);
    out.push_back(*d);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (out.empty()) bad(name, "at least one duration", *v);
  return out;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  HostPort hp;
  hp.host = std::string(text.substr(0, colon));
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  auto port = text.substr(colon + 1);
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || p != port.data() + port.size() || value > 65535) return std::nullopt;
  hp.port = static_cast<unsigned short>(value);
  return hp;
}

std::string Env::address(const std::string& name, std::string fallback) const {
  auto v = get(name);
  if (!v) return fallback;
  auto hp = parse_host_port(*v);
  if (!hp) bad(name, "host:port, e.g. 127.0.0.1:8081", *v);
  if (hp->host.empty()) {
    auto fb = parse_host_port(fallback);
    return (fb ? fb->host : std::string("127.0.0.1")) + ":" + std::to_string(hp->port);
  }
  return *v;
}

std::string Env::one_of(const std::string& name, std::string fallback, const std::vector<std::string>& allowed) const {
  auto v = get(name);
  if (!v) return fallback;
  for (const auto& a : allowed)
    if (*v == a) return *v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  bad(name, "one of " + list, *v);
}

}  // namespace concord
