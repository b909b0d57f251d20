#pragma once
// Configuration comes from environment variables, read only by main() and the wiring it calls.
// A bad value stops the program with a message that names the variable, what it expected and
// what it got (ConfigError).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace concord {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Env {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string&)>;
  Env();  // the process environment
  explicit Env(Lookup lookup);
  static Env from_map(std::map<std::string, std::string> values);

  std::optional<std::string> get(const std::string& name) const;  // unset or empty → nullopt
  std::string string(const std::string& name, std::string fallback) const;
  long long integer(const std::string& name, long long fallback, long long min, long long max) const;
  bool boolean(const std::string& name, bool fallback) const;
  // "500ms", "5s", "2m", "1h", or a bare number of seconds.
  std::chrono::milliseconds duration(const std::string& name, std::chrono::milliseconds fallback) const;
  // "5s,30s,2m" → durations; each must be positive.
  std::vector<std::chrono::milliseconds> durations(const std::string& name,
                                                   std::vector<std::chrono::milliseconds> fallback) const;
  // "host:port" with port 0..65535; host defaults to fallback's host when only ":port" is given.
  std::string address(const std::string& name, std::string fallback) const;
  std::string one_of(const std::string& name, std::string fallback, const std::vector<std::string>& allowed) const;

 private:
  Lookup lookup_;
};

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

struct HostPort {
  std::string host;
  unsigned short port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view text);

}  // namespace concord
