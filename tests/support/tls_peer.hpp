#pragma once
// A TLS peer for tests: a CA made with the openssl command, server certificates it signs, and
// an HTTPS receiver (tls_receiver.py, Python's ssl module) that answers and records every
// request. Loopback only.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace concord::testing {

// A CA and two server certificates: "good" (localhost, 127.0.0.1) and "other" (other.example).
class TestPki {
 public:
  TestPki() : dir_(std::filesystem::temp_directory_path() / ("concord-pki-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    ok_ = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
              "-subj '/CN=Concord test CA' -keyout ca.key -out ca.pem") &&
          issue("good", "subjectAltName=DNS:localhost,IP:127.0.0.1") &&
          issue("other", "subjectAltName=DNS:other.example");
  }
  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string ca() const { return path("ca.pem"); }

 private:
  bool run(const std::string& command) const {
    return std::system(("cd '" + dir_.string() + "' && " + command + " 2>/dev/null").c_str()) == 0;
  }
  bool issue(const std::string& name, const std::string& san) const {
    std::ofstream(dir_ / (name + ".ext")) << san << "\n";
    return run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name + "' -keyout " +
               name + ".key -out " + name + ".csr") &&
           run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile " +
               name + ".ext -out " + name + ".pem");
  }
  std::filesystem::path dir_;
  bool ok_ = false;
};

class TlsReceiver {
 public:
  // `cert` is "good" or "other"; `redirect` makes every answer a 302.
  TlsReceiver(const TestPki& pki, const std::string& cert, bool redirect = false) {
    static int n = 0;
    port_file_ = pki.path(cert + "-" + std::to_string(++n) + ".port");
    std::string script = std::string(CONCORD_TEST_SUPPORT_DIR) + "/tls_receiver.py";
    std::string c = pki.path(cert + ".pem"), k = pki.path(cert + ".key");
    pid_ = ::fork();
    if (pid_ == 0) {
      if (redirect)
        ::execlp("python3", "python3", script.c_str(), c.c_str(), k.c_str(), port_file_.c_str(), "--redirect", nullptr);
      else
        ::execlp("python3", "python3", script.c_str(), c.c_str(), k.c_str(), port_file_.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 400 && !std::filesystem::exists(port_file_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::ifstream(port_file_) >> port_;
  }
  ~TlsReceiver() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  TlsReceiver(const TlsReceiver&) = delete;
  TlsReceiver& operator=(const TlsReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& host, const std::string& path = "/") const {
    return "https://" + host + ":" + std::to_string(port_) + path;
  }
  // What it received so far, oldest first: {method, path, headers, body, sni}.
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(port_file_ + ".requests");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }

 private:
  pid_t pid_ = -1;
  std::string port_file_;
  int port_ = 0;
};

}  // namespace concord::testing
