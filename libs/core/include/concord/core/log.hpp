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
inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::debug, m, f); }
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::info, m, f); }
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::warn, m, f); }
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::error, m, f); }

const std::string& correlation_id();

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
