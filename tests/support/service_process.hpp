#pragma once
// For integration and e2e tests: run a Concord binary as a real process (its own env, a free
// loopback port, a temp data dir), wait until it is ready, kill it with SIGKILL, start it again.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"
#include "concord/http/client.hpp"

namespace concord::testing {

// The directory holding the built binaries (concord, concord-<service>).
std::filesystem::path bin_dir();
unsigned short free_port();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A fixed development secret so tests can mint tokens the process accepts.
inline constexpr const char* kTestJwtSecret = "concord-test-secret-0123456789abcdef0123456789";
std::string token_for(const std::string& subject, std::vector<auth::Role> roles,
                      std::optional<std::string> member_id = std::nullopt,
                      std::optional<std::string> delegation_id = std::nullopt);
std::string officer_token();

class ServiceProcess {
 public:
  // `binary` is a name in bin_dir() ("concord-delegations") or an absolute path; `address_variable`
  // the env var its listen address is read from (e.g. CONCORD_DELEGATIONS_ADDR).
  ServiceProcess(std::string binary, std::string address_variable, std::map<std::string, std::string> env);
  ~ServiceProcess();  // SIGKILLs the process if it still runs
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Starts the process and waits until GET /readyz answers 200 and, on Kafka, until it is its
  // service's writer (a process started right after another of its service was killed would
  // otherwise be a ready standby, forwarding writes to the dead writer until its group session
  // ends). False (with the log tail in `last_error()`) when it does not within the timeout or
  // the process exits.
  bool start(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // For a second or third replica: ready as a standby is enough.
  void may_be_standby() { may_be_standby_ = true; }
  void kill9();     // SIGKILL and reap
  int terminate();  // SIGTERM, wait, return the exit status (or -1 after SIGKILL on timeout)
  bool running() const;
  unsigned short port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& last_error() const { return last_error_; }
  std::string log_tail(size_t lines = 30) const;

  // HTTP against this process, as JSON where there is a body.
  struct Reply {
    int status = 0;
    http::Headers headers;
    nlohmann::json json;  // discarded value when the body is not JSON
    std::string body;
  };
  Reply call(http::Method method, const std::string& path, const std::string& token,
             const nlohmann::json& body = nullptr, http::Headers extra = {}) const;

 private:
  std::string binary_;
  std::string address_variable_;
  std::map<std::string, std::string> env_;
  unsigned short port_;
  int pid_ = -1;
  std::filesystem::path log_path_;
  std::string last_error_;
  bool may_be_standby_ = false;
};

// The env every test process shares: the embedded file log in `data_dir` unless `kafka` is set,
// in which case KAFKA_BROKERS from the test's own environment (the test FAILS without it).
std::map<std::string, std::string> process_env(const std::filesystem::path& data_dir, bool kafka);
// KAFKA_BROKERS of the test run, or a failure message naming what is missing.
std::optional<std::string> kafka_brokers();

}  // namespace concord::testing
