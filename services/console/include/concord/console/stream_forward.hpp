#pragma once
// Live streams through the stand-alone console: a request for a text/event-stream under
// /api/<service>/ is passed to the service and its answer passed back as it arrives, each
// complete event as soon as its closing blank line is in (nothing waits for more), so the
// console's own keep-alive comments never land inside an event. Anything else the service
// answers (a 401, a 404, a JSON body) comes back whole, as with every forwarded request.
//
// A stream's life is bounded: it ends when the browser goes (the service's connection is then
// closed), when the service ends it, when nothing (not even the service's 15-second keep-alive
// comment) arrives for `idle`, after `max_age` (the browser reconnects; the inbox resumes with
// Last-Event-ID), or when the console stops. At most `max_streams` are open at once (503 beyond).
#include <chrono>
#include <cstddef>
#include <memory>

#include "concord/http/client.hpp"
#include "concord/http/message.hpp"

namespace concord::console {

class StreamForwarder {
 public:
  struct Options {
    std::chrono::milliseconds head_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds idle{std::chrono::seconds(45)};
    std::chrono::milliseconds max_age{std::chrono::hours(1)};
    size_t max_streams = 512;
    size_t max_event_bytes = 1024 * 1024;  // an event longer than this ends the stream
  };
  explicit StreamForwarder(Options options);
  ~StreamForwarder();
  // `request` as it goes to the service (url, method, headers).
  Result<http::Response> forward(http::ClientRequest request);
  size_t open_streams() const { return client_.open_streams(); }

 private:
  Options options_;
  http::StreamClient client_;
};

// The largest prefix of `text` that ends at an event boundary (a blank line: "\n\n", "\r\n\r\n"
// or "\r\r"), 0 when there is none yet.
size_t complete_events(std::string_view text);

}  // namespace concord::console
