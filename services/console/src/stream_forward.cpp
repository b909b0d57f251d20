#include "concord/console/stream_forward.hpp"

#include <cctype>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>

namespace concord::console {

size_t complete_events(std::string_view t) {
  size_t boundary = 0;
  size_t line_start = 0;
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c != '\r' && c != '\n') {
      ++i;
      continue;
    }
    size_t end = i + 1;
    if (c == '\r') {
      if (end == t.size()) break;  // "\r" or "\r\n": the next byte decides
      if (t[end] == '\n') ++end;
    }
    if (i == line_start) boundary = end;  // an empty line: the event before it is complete
    line_start = end;
    i = end;
  }
  return boundary;
}

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

// What travels between the service's stream (the StreamClient's thread) and the browser's
// (the console server's): the head, then complete events.
struct Relay {
  std::mutex mutex;
  std::condition_variable changed;
  bool answered = false;   // the handler may go on: streaming, or the whole answer is in
  bool streaming = false;  // a 200 text/event-stream
  bool ended = false;
  std::optional<Error> error;
  http::ClientResponse head;  // and, when not streaming, the whole body
  std::string partial;        // bytes after the last complete event
  std::string pending;        // complete events the browser's stream has not taken yet
  std::shared_ptr<http::EventStream> browser;
  std::shared_ptr<http::StreamClient::Handle> upstream;
};

}  // namespace

StreamForwarder::StreamForwarder(Options options) : options_(options) {}
StreamForwarder::~StreamForwarder() = default;

Result<http::Response> StreamForwarder::forward(http::ClientRequest request) {
  if (client_.open_streams() >= options_.max_streams)
    return fail(Error::unavailable("the console has " + std::to_string(options_.max_streams) +
                                   " live streams open; try again shortly"));
  auto relay = std::make_shared<Relay>();
  const size_t max_event = options_.max_event_bytes;
  http::StreamHandlers handlers;
  handlers.on_head = [relay](const http::ClientResponse& head) {
    std::lock_guard lock(relay->mutex);
    relay->head = head;
    auto type = head.headers.get("Content-Type");
    relay->streaming = head.status == 200 && type && starts_with_nocase(*type, "text/event-stream");
    if (relay->streaming) {
      relay->answered = true;
      relay->changed.notify_all();
    }
  };
  handlers.on_data = [relay, max_event](std::string_view data) {
    std::unique_lock lock(relay->mutex);
    if (!relay->streaming) {
      relay->head.body.append(data);
      if (relay->head.body.size() > 2 * 1024 * 1024 && relay->upstream) relay->upstream->cancel();
      return;
    }
    relay->partial.append(data);
    size_t n = complete_events(relay->partial);
    if (n == 0) {
      if (relay->partial.size() > max_event && relay->upstream) relay->upstream->cancel();
      return;
    }
    std::string events = relay->partial.substr(0, n);
    relay->partial.erase(0, n);
    if (!relay->browser) {
      relay->pending += events;
      // The browser's side never opened (its connection failed first): do not hoard.
      if (relay->pending.size() > max_event && relay->upstream) relay->upstream->cancel();
      return;
    }
    // Under the lock: once the browser's stream has ended (on_close below) it is never touched
    // again, so nothing reaches a server that has stopped.
    if (!relay->browser->send_raw(std::move(events)) && relay->upstream) relay->upstream->cancel();
  };
  handlers.on_end = [relay](const std::optional<Error>& error) {
    std::lock_guard lock(relay->mutex);
    relay->ended = true;
    relay->error = error;
    relay->answered = true;
    relay->upstream.reset();  // it holds these handlers, which hold the relay
    if (relay->browser) relay->browser->close();
    relay->changed.notify_all();
  };
  request.timeout = options_.head_timeout;
  auto upstream = client_.open(request, {.idle = options_.idle, .max_duration = options_.max_age}, std::move(handlers));

  std::unique_lock lock(relay->mutex);
  if (!relay->ended) relay->upstream = upstream;
  // The StreamClient bounds connecting and the head by head_timeout, and ends a stream that
  // idles: the wait below always ends.
  relay->changed.wait(lock, [&] { return relay->answered; });
  if (!relay->streaming) {
    if (relay->error) return fail(*relay->error);
    if (relay->head.status == 0) return fail(Error::unavailable("the service answered nothing"));
    http::Response r;
    r.status = relay->head.status;
    r.headers = relay->head.headers;
    r.body = std::move(relay->head.body);
    return r;
  }
  http::Response r = http::Response::event_stream([relay](std::shared_ptr<http::EventStream> browser) {
    std::lock_guard opening(relay->mutex);
    relay->browser = browser;
    if (!relay->pending.empty()) browser->send_raw(std::exchange(relay->pending, {}));
    if (relay->ended) browser->close();
    // The browser gone (or the console stopping) ends the service's stream too.
    browser->on_close([relay] {
      std::lock_guard closing(relay->mutex);
      relay->browser.reset();
      if (relay->upstream) relay->upstream->cancel();
    });
  });
  r.headers = relay->head.headers;  // the caller keeps what belongs to the message
  return r;
}

}  // namespace concord::console
