#pragma once
// Logs are one JSON object a line on stderr: {"ts","level","msg","correlation_id",...fields}.
// The correlation id is the current request's (X-Request-Id), set for a scope by the HTTP layer
// or by an event consumer, so every line written while serving it carries it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace concord::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
Level level();
std::optional<Level> parse_level(std::string_view text);
void set_component(std::string component);  // e.g. "scheduling"; added to every line

void write(Level level, std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(Level::error, m, f);
}

const std::string& correlation_id();

// One line of the HTTP access log: the object info("request", {method, path, route, status,
// duration_ms, remote}) would write, formatted by hand because it is written for every request
// (building it as a JSON document cost about a fifth of the server's throughput).
struct AccessEntry {
  std::string_view method;
  std::string_view path;
  std::string_view route;
  int status = 0;
  double duration_ms = 0;
  std::string_view remote;
};
void access(const AccessEntry& entry);

// `text` as a JSON string, quotes included, appended to `out`, byte for byte as
// nlohmann::json::dump(-1, ' ', false, error_handler_t::replace) writes it: control characters
// escaped, ill-formed UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

class CorrelationScope {
 public:
  explicit CorrelationScope(std::string id);
  ~CorrelationScope();
  CorrelationScope(const CorrelationScope&) = delete;
  CorrelationScope& operator=(const CorrelationScope&) = delete;

 private:
  std::string previous_;
};

// Tests capture what would go to stderr.
void set_sink_for_testing(std::function<void(std::string_view line)> sink);

}  // namespace concord::log
