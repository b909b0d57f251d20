#include "service_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "concord/auth/jwt.hpp"
#include "concord/core/time.hpp"

extern char** environ;

namespace concord::testing {

std::filesystem::path bin_dir() {
  return CONCORD_TEST_BIN_DIR;
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("concord-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string token_for(const std::string& subject, std::vector<auth::Role> roles, std::optional<std::string> member_id,
                      std::optional<std::string> delegation_id) {
  auth::JwtConfig config{.algorithm = auth::Algorithm::hs256, .hs256_secret = kTestJwtSecret};
  auto token = auth::mint(config, {.subject = subject,
                                   .roles = std::move(roles),
                                   .member_id = std::move(member_id),
                                   .delegation_id = std::move(delegation_id),
                                   .ttl = std::chrono::hours(2),
                                   .issued_at = SystemClock{}.now()});
  return token ? *token : std::string();
}

std::string officer_token() {
  return token_for("officer-test", {auth::Role::protocol_officer});
}

std::optional<std::string> kafka_brokers() {
  const char* v = std::getenv("KAFKA_BROKERS");
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::map<std::string, std::string> process_env(const std::filesystem::path& data_dir, bool kafka) {
  std::map<std::string, std::string> env{{"CONCORD_DATA_DIR", data_dir.string()},
                                         {"CONCORD_JWT_SECRET", kTestJwtSecret},
                                         {"CONCORD_LOG_LEVEL", "info"},
                                         {"CONCORD_ACCESS_LOG", "false"},
                                         {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"}};
  if (const char* tz = std::getenv("TZDIR")) env["TZDIR"] = tz;
  if (kafka) {
    if (auto brokers = kafka_brokers()) env["KAFKA_BROKERS"] = *brokers;
  }
  return env;
}

ServiceProcess::ServiceProcess(std::string binary, std::string address_variable, std::map<std::string, std::string> env)
    : binary_(std::move(binary)),
      address_variable_(std::move(address_variable)),
      env_(std::move(env)),
      port_(free_port()) {
  env_[address_variable_] = "127.0.0.1:" + std::to_string(port_);
  auto dir = env_.count("CONCORD_DATA_DIR") ? std::filesystem::path(env_["CONCORD_DATA_DIR"])
                                            : std::filesystem::temp_directory_path();
  std::filesystem::create_directories(dir);
  log_path_ = dir / (std::filesystem::path(binary_).filename().string() + "-" + std::to_string(port_) + ".log");
}

ServiceProcess::~ServiceProcess() {
  if (running()) kill9();
}

bool ServiceProcess::running() const {
  return pid_ > 0;
}

namespace {
// Whether a /readyz body names this process a standby (Kafka's replica set; the file log has no
// role: its one process is always the writer).
bool is_standby(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return false;
  for (const auto* where : {&doc, doc.contains("checks") ? &doc["checks"] : nullptr})
    if (where && where->is_object() && where->contains("role") && (*where)["role"] == "standby") return true;
  return false;
}
}  // namespace

bool ServiceProcess::start(std::chrono::milliseconds timeout) {
  if (running()) return true;
  std::string path = binary_.find('/') == std::string::npos ? (bin_dir() / binary_).string() : binary_;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env_) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argv{path.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    last_error_ = "cannot start " + path + ": " + std::strerror(rc);
    return false;
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      last_error_ = binary_ + " exited during start:\n" + log_tail();
      return false;
    }
    auto r = http::fetch({.url = base_url() + "/readyz", .timeout = std::chrono::milliseconds(500)});
    if (r && r->status == 200 && (may_be_standby_ || !is_standby(r->body))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  last_error_ = binary_ + " not ready within the timeout:\n" + log_tail();
  return false;
}

void ServiceProcess::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServiceProcess::terminate() {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill9();
  return -1;
}

std::string ServiceProcess::log_tail(size_t lines) const {
  std::ifstream in(log_path_);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::ostringstream out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out << all[i] << "\n";
  return out.str();
}

ServiceProcess::Reply ServiceProcess::call(http::Method method, const std::string& path, const std::string& token,
                                           const nlohmann::json& body, http::Headers extra) const {
  http::ClientRequest req{.method = method, .url = base_url() + path, .headers = std::move(extra)};
  if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
  if (!body.is_null()) {
    req.headers.set("Content-Type", "application/json");
    req.body = body.dump();
  }
  req.timeout = std::chrono::seconds(15);
  Reply reply;
  auto r = http::fetch(req);
  if (!r) {
    reply.status = 0;
    reply.body = r.error().detail;
    return reply;
  }
  reply.status = r->status;
  reply.headers = r->headers;
  reply.body = r->body;
  reply.json = nlohmann::json::parse(r->body, nullptr, false);
  return reply;
}

}  // namespace concord::testing
