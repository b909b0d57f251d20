// concord-webhook-receiver: an example of a system receiving Concord's webhooks.
//
//   WEBHOOK_SECRETS="whsec_..." concord-webhook-receiver [--address 127.0.0.1] [--port 9000]
//
// It accepts POSTs at any path, verifies each delivery's Standard Webhooks signature against the
// secrets in WEBHOOK_SECRETS (space-separated: the subscription's secret, and the previous one
// while you rotate), refuses stale timestamps (replays), drops a delivery it has already seen
// (Concord delivers at least once and keeps `webhook-id` across retries), and prints each new
// event as one JSON line on stdout: {"webhook_id": "...", "event": {CloudEvent}}.
// Answers: 204 accepted (or already seen), 401 not verified, 400/413/431/501 malformed, 405 not
// a POST. Its listening address is printed on stderr (port 0 picks a free one).
//
// One connection at a time, each bounded in time and size: enough for an example and for the
// fuzzer; put a real server in front for production. Only POSIX sockets, OpenSSL and
// nlohmann/json.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "http_request.hpp"
#include "standard_webhooks.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}

// The webhook-ids seen lately, bounded: a retry comes within hours, not after 100,000 others.
class SeenIds {
 public:
  bool insert(const std::string& id) {
    if (!ids_.insert(id).second) return false;
    order_.push_back(id);
    if (order_.size() > kCapacity) {
      ids_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }

 private:
  static constexpr size_t kCapacity = 100000;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;
};

std::string response(int status, const std::string& reason, const std::string& detail = "") {
  std::ostringstream out;
  out << "HTTP/1.1 " << status << ' ' << reason << "\r\nConnection: close\r\n";
  if (detail.empty()) {
    out << "Content-Length: 0\r\n\r\n";
  } else {
    std::string body = nlohmann::json{{"title", reason}, {"status", status}, {"detail", detail}}.dump();
    out << "Content-Type: application/problem+json\r\nContent-Length: " << body.size() << "\r\n\r\n" << body;
  }
  return out.str();
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

struct Receiver {
  std::vector<std::string> secrets;
  SeenIds seen;

  std::string handle(const concord_example::Request& req) {
    if (req.method != "POST") return response(405, reason_phrase(405), "deliveries are POSTs");
    concord_example::Delivery delivery{req.header("webhook-id"), req.header("webhook-timestamp"),
                                       req.header("webhook-signature"), req.body};
    long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto verdict = concord_example::verify(secrets, delivery, now);
    if (verdict != concord_example::Verdict::verified) {
      std::cerr << "refused a delivery: " << concord_example::describe(verdict) << '\n';
      return response(401, reason_phrase(401), concord_example::describe(verdict));
    }
    auto event = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("type") || !event.contains("id"))
      return response(400, reason_phrase(400), "the body is not a CloudEvent");
    std::string id(delivery.id);
    if (seen.insert(id)) {
      std::cout << nlohmann::json{{"webhook_id", id}, {"event", event}}.dump() << std::endl;
    } else {
      std::cerr << "already seen " << id << '\n';
    }
    return response(204, "No Content");
  }
};

void serve_connection(int fd, Receiver& receiver) {
  timeval timeout{5, 0};  // a slow or silent client cannot hold the receiver
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string input;
  std::string answer;
  char buffer[16384];
  for (;;) {
    auto parsed = concord_example::parse_request(input);
    if (parsed.state == concord_example::Parsed::State::complete) {
      answer = receiver.handle(parsed.request);
      break;
    }
    if (parsed.state == concord_example::Parsed::State::refused) {
      answer = response(parsed.status, reason_phrase(parsed.status), parsed.reason);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      answer = response(408, reason_phrase(408), "the request took too long");
      break;
    }
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;  // closed, reset or timed out before a whole request: nothing to answer
    input.append(buffer, static_cast<size_t>(n));
  }
  for (size_t sent = 0; sent < answer.size();) {
    ssize_t n = send(fd, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1";
  int port = 9000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--address" && i + 1 < argc) {
      address = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: WEBHOOK_SECRETS='whsec_...' " << argv[0] << " [--address A] [--port P]\n";
      return 2;
    }
  }
  Receiver receiver;
  if (const char* secrets = std::getenv("WEBHOOK_SECRETS")) {
    std::istringstream in(secrets);
    for (std::string s; in >> s;) receiver.secrets.push_back(s);
  }
  if (receiver.secrets.empty()) {
    std::cerr << "WEBHOOK_SECRETS is empty: set it to the secret Concord returned when the webhook was made\n";
    return 2;
  }

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    std::cerr << "not an IPv4 address: " << address << '\n';
    return 2;
  }
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 64) != 0) {
    std::cerr << "cannot listen on " << address << ':' << port << ": " << std::strerror(errno) << '\n';
    return 1;
  }
  socklen_t size = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &size);
  std::cerr << "listening on " << address << ':' << ntohs(addr.sin_port) << std::endl;

  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: accept() returns on SIGTERM
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  while (!g_stop) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    serve_connection(fd, receiver);
    close(fd);
  }
  close(listener);
  return 0;
}
