#include "concord/core/log.hpp"

#include <atomic>
#include <charconv>
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
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

// The length of the well-formed UTF-8 sequence (RFC 3629) at p, or 0.
size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  size_t n = c < 0x80                   ? 1
             : (c >= 0xC2 && c <= 0xDF) ? 2
             : (c >= 0xE0 && c <= 0xEF) ? 3
             : (c >= 0xF0 && c <= 0xF4) ? 4
                                        : 0;
  if (n == 0 || static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))) return 0;  // overlong; surrogates
  if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))) return 0;  // overlong; > U+10FFFF
  return n;
}

void emit(std::string& line) {
  if (g_sink) {
    g_sink(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++p;
    } else if (c < 0x20) {
      // As nlohmann::json::dump() writes them, so either may write a line or an event.
      switch (c) {
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        }
      }
      ++p;
    } else if (size_t n = utf8_length(p, end); n > 0) {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no well-formed sequence
      ++p;
    }
  }
  out += '"';
}

void access(const AccessEntry& e) {
  if (static_cast<int>(Level::info) < g_level.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(256 + e.path.size());
  line += "{\"ts\":\"";
  line += format_rfc3339_utc(SystemClock{}.now());
  line += "\",\"level\":\"info\",\"msg\":\"request\"";
  if (!t_correlation_id.empty()) {
    line += ",\"correlation_id\":";
    append_json_string(line, t_correlation_id);
  }
  line += ",\"method\":";
  append_json_string(line, e.method);
  line += ",\"path\":";
  append_json_string(line, e.path);
  line += ",\"route\":";
  append_json_string(line, e.route);
  line += ",\"status\":";
  line += std::to_string(e.status);
  char number[32];
  auto [end, ec] = std::to_chars(number, number + sizeof number, e.duration_ms);
  line += ",\"duration_ms\":";
  line.append(number, ec == std::errc() ? static_cast<size_t>(end - number) : 0);
  if (ec != std::errc()) line += '0';
  line += ",\"remote\":";
  append_json_string(line, e.remote);
  std::lock_guard lock(g_mutex);
  if (!g_component.empty()) {
    line += ",\"component\":";
    append_json_string(line, g_component);
  }
  line += '}';
  emit(line);
}

void set_level(Level l) {
  g_level = static_cast<int>(l);
}
Level level() {
  return static_cast<Level>(g_level.load());
}

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
  emit(text);
}

const std::string& correlation_id() {
  return t_correlation_id;
}

CorrelationScope::CorrelationScope(std::string id) : previous_(std::move(t_correlation_id)) {
  t_correlation_id = std::move(id);
}
CorrelationScope::~CorrelationScope() {
  t_correlation_id = std::move(previous_);
}

void set_sink_for_testing(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace concord::log
