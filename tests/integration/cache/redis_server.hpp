#pragma once
// A real redis-server for one test binary or one test: started on a free loopback port, waited
// for, and killed at the end. It can also be killed, frozen (SIGSTOP) and brought back on the
// same port in the middle of a test.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concord::cache::testing {

class RedisServer {
 public:
  // `extra` goes on the command line, e.g. {"--requirepass", "secret"}.
  explicit RedisServer(std::vector<std::string> extra = {}, bool start_now = true);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  // redis://[credentials@]127.0.0.1:<port>
  std::string url(std::string_view credentials = {}) const;

  bool start();  // on port(); true once it accepts connections
  void kill();   // SIGKILL, as a crash would
  void freeze();
  void thaw();

 private:
  std::vector<std::string> extra_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool frozen_ = false;
};

// A loopback port nothing listens on right now.
std::uint16_t free_loopback_port();

}  // namespace concord::cache::testing
