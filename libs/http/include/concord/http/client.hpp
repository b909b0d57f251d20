#pragma once
// Concord's one HTTP/1.1 client, for service-to-service calls, webhook deliveries and fetching
// an identity provider's keys: one request per connection, every phase bounded by the timeout,
// redirects never followed (a 3xx is returned as it is).
// https:// is TLS 1.2 or later through OpenSSL: the server's chain is verified against the
// system's CAs plus `ca_file`, its certificate must name the URL's host, and the host is sent
// as SNI.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/core/error.hpp"
#include "concord/http/message.hpp"

namespace concord::http {

struct ClientRequest {
  Method method = Method::get;
  std::string url;  // http://host:port/path?query
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};
  size_t max_response_body = 4 * 1024 * 1024;
  std::string ca_file;  // https://: a PEM file of CAs trusted beside the system's (a private CA)
  // Each address the host resolves to is offered to this first; only those it accepts are
  // connected to. A guard against server-side request forgery must look here, at the address
  // actually used, not at an earlier lookup of the name.
  std::function<bool(const std::string& address)> allow_address;
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

// An Error (unavailable) when the target cannot be reached, is refused by allow_address, fails
// TLS verification (the reason in the detail), times out or answers garbage; a response with
// any status otherwise. A URL that is not http:// or https:// is a validation error.
Result<ClientResponse> fetch(const ClientRequest& request);

// Responses read as they arrive (a text/event-stream passed on by a proxy), over http:// only.
// Every stream of one StreamClient runs on its one I/O thread.
struct StreamHandlers {
  // Once, with the status and headers (body empty), when the head has arrived.
  std::function<void(const ClientResponse& head)> on_head;
  // Each piece of the body as it comes off the wire (chunked encoding already undone).
  std::function<void(std::string_view data)> on_data;
  // Once, last: nullopt when the body ended (or the stream was cancelled), else why it failed
  // (unreachable, timed out before the head, idle too long, or past its maximum duration).
  std::function<void(const std::optional<Error>& error)> on_end;
};

struct StreamLimits {
  std::chrono::milliseconds idle{std::chrono::seconds(45)};  // no byte for this long ends it
  std::chrono::milliseconds max_duration{std::chrono::hours(1)};
};

class StreamClient {
 public:
  class Handle {
   public:
    virtual ~Handle() = default;
    virtual void cancel() = 0;  // any thread, any number of times; on_end follows (if not yet called)
  };
  StreamClient();
  ~StreamClient();  // cancels every stream and waits for their on_end
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;
  // request.timeout bounds connecting, sending and the head; `limits` the body.
  std::shared_ptr<Handle> open(const ClientRequest& request, StreamLimits limits, StreamHandlers handlers);
  size_t open_streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::http
