#pragma once
// GET requests over one kept-alive connection to a local server, for tests that read hundreds of
// times a second (the scale-out test's inbox pollers): a new connection and client per read
// would load the processes they measure.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <optional>
#include <string>
#include <utility>

namespace concord::testing {

class KeptAliveClient {
 public:
  explicit KeptAliveClient(unsigned short port) : port_(port) {}
  ~KeptAliveClient() { close(); }
  // The status and body of GET `target`, or nullopt when the connection failed (it reconnects
  // on the next call).
  std::optional<std::pair<int, std::string>> get(const std::string& target, const std::string& token) {
    if (fd_ < 0 && !connect()) return std::nullopt;
    std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
      return failed();
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!receive()) return failed();
    std::string head = buffer_.substr(0, header_end);
    size_t length = 0;
    for (size_t at = head.find("\r\n"); at != std::string::npos; at = head.find("\r\n", at + 2)) {
      std::string line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
      for (auto& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.starts_with("content-length:")) length = std::stoul(line.substr(15));
    }
    while (buffer_.size() < header_end + 4 + length)
      if (!receive()) return failed();
    int status = head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
    std::string body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return std::make_pair(status, std::move(body));
  }

 private:
  bool connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
    close();
    return false;
  }
  bool receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  std::nullopt_t failed() {
    close();
    return std::nullopt;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
  }
  unsigned short port_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace concord::testing
