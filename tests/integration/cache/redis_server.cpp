#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace concord::cache::testing {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  auto addr = loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

// Redis cannot listen on port 0 and tell us the port, so ask the kernel for one first.
std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  auto addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind to a free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer(std::vector<std::string> extra, bool start_now) : extra_(std::move(extra)) {
  // Another process may take the port between our probe and redis binding it: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_loopback_port();
    if (!start_now || start()) return;
  }
  throw std::runtime_error("redis-server did not start");
}

RedisServer::~RedisServer() {
  kill();
}

std::string RedisServer::url(std::string_view credentials) const {
  std::string out = "redis://";
  if (!credentials.empty()) out.append(credentials).append("@");
  return out + "127.0.0.1:" + std::to_string(port_);
}

bool RedisServer::start() {
  std::vector<std::string> args = {
      "redis-server", "--port", std::to_string(port_), "--bind",  "127.0.0.1",        "--save", "",
      "--appendonly", "no",     "--loglevel",          "warning", "--protected-mode", "no"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: the port was taken, or no redis-server
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill();
  return false;
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  if (frozen_) ::kill(pid_, SIGCONT);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  frozen_ = false;
}

void RedisServer::freeze() {
  if (pid_ <= 0 || ::kill(pid_, SIGSTOP) != 0) return;
  int status = 0;
  ::waitpid(pid_, &status, WUNTRACED);  // returns once it has really stopped
  frozen_ = true;
}

void RedisServer::thaw() {
  if (pid_ > 0 && ::kill(pid_, SIGCONT) == 0) frozen_ = false;
}

}  // namespace concord::cache::testing
