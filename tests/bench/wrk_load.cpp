#include "wrk_load.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <regex>
#include <utility>

namespace concord::bench {
namespace {

double to_ms(double value, const std::string& unit) {
  if (unit == "us") return value / 1000.0;
  if (unit == "s") return value * 1000.0;
  return value;  // ms
}

// `command` through /bin/sh, with its standard output, and its exit status. Unlike popen() it
// leaves the benchmark's own descriptors (Kafka clients' sockets, the log's files) behind: wrk
// sizes its event loop for its connections and counts a socket numbered past that as a failed
// connect, so with one connection and a dozen inherited descriptors it made no request at all.
std::optional<std::pair<int, std::string>> run_without_our_descriptors(const std::string& command) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {  // only async-signal-safe calls until exec
    ::dup2(fds[1], STDOUT_FILENO);
    ::close_range(3, ~0U, 0);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
    else if (errno != EINTR)
      break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : 128, std::move(out)};
}

}  // namespace

std::optional<LoadFigures> run_wrk(const LoadSpec& spec) {
  std::string cmd = "wrk --latency -t" + std::to_string(spec.threads) + " -c" + std::to_string(spec.connections) +
                    " -d" + std::to_string(spec.seconds) + "s";
  for (const auto& h : spec.headers) cmd += " -H '" + h + "'";
  if (!spec.script.empty()) cmd += " -s '" + spec.script + "'";
  cmd += " '" + spec.url + "' 2>&1";
  auto run = run_without_our_descriptors(cmd);
  if (!run) return std::nullopt;
  auto& [status, out] = *run;
  if (status != 0) {
    std::fprintf(stderr, "wrk failed:\n%s\n", out.c_str());
    return std::nullopt;
  }
  LoadFigures f;
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) f.requests_per_second = std::stod(m[1]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+50%\s+([0-9.]+)(us|ms|s))")))
    f.p50_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(out, m, std::regex(R"(\n\s+99%\s+([0-9.]+)(us|ms|s))")))
    f.p99_ms = to_ms(std::stod(m[1]), m[2]);
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses:\s+([0-9]+))"))) f.non_2xx = std::stoll(m[1]);
  return f;
}

void print_row(const std::string& name, const LoadFigures& f) {
  std::printf("%-44s %12.0f %10.3f %10.3f %8lld\n", name.c_str(), f.requests_per_second, f.p50_ms, f.p99_ms, f.non_2xx);
}

}  // namespace concord::bench
