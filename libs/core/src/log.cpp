#include "concord/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "concord/core/time.hpp"

namespace concord::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;
std::string g_component;
std::function<void(std::string_view)> g_sink;
thread_local std::string t_correlation_id;

std::string_view name_of(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

}  // namespace

void set_level(Level l) { g_level = static_cast<int>(l); }
Level level() { return static_cast<Level>(g_level.load()); }

std::optional<Level> parse_level(std::string_view t) {
  if (t == "debug") return Level::debug;
  if (t == "info") return Level::info;
  if (t == "warn" || t == "warning") return Level::warn;
  if (t == "error") return Level::error;
  return std::nullopt;
}

void set_component(std::string component) {
  std::lock_guard lock(g_mutex);
  g_component = std::move(component);
}

void write(Level l, std::string_view message, const nlohmann::json& fields) {
  if (static_cast<int>(l) < g_level.load(std::memory_order_relaxed)) return;
  nlohmann::json line = {{"ts", format_rfc3339_utc(SystemClock{}.now())}, {"level", name_of(l)}, {"msg", message}};
  if (!t_correlation_id.empty()) line["correlation_id"] = t_correlation_id;
  if (fields.is_object())
    for (const auto& [k, v] : fields.items()) line[k] = v;
  std::lock_guard lock(g_mutex);
  if (!g_component.empty() && !line.contains("component")) line["component"] = g_component;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (g_sink) {
    g_sink(text);
    return;
  }
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
}

const std::string& correlation_id() { return t_correlation_id; }

CorrelationScope::CorrelationScope(std::string id) : previous_(std::move(t_correlation_id)) {
  t_correlation_id = std::move(id);
}
CorrelationScope::~CorrelationScope() { t_correlation_id = std::move(previous_); }

void set_sink_for_testing(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace concord::log
