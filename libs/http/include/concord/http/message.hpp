#pragma once
// The request and response types handlers see. Plain values: no Beast here, so a handler TU
// compiles in seconds and tests build requests by hand.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/auth/principal.hpp"
#include "concord/core/error.hpp"

namespace concord::http {

enum class Method { get, head, post, put, patch, del, options, other };
std::string_view to_string(Method m);
Method parse_method(std::string_view text);

// Header names compare case-insensitively; order is kept.
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  void set(std::string name, std::string value);  // replaces every field of that name
  void add(std::string name, std::string value);
  void remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::get;
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path
  std::map<std::string, std::string> query;
  Headers headers;
  std::string body;
  // Filled by the server:
  std::map<std::string, std::string> path_params;
  std::string route;  // the matched pattern, e.g. /v1/meetings/{id}
  std::string correlation_id;
  std::optional<auth::Principal> principal;
  std::string remote_address;

  std::string_view param(const std::string& name) const;  // a path parameter ("" when absent)
  std::optional<std::string> query_param(const std::string& name) const;
  const auth::Principal& who() const;  // the authenticated principal; only on non-public routes
};

// One Server-Sent Event. `data` may span lines; each becomes its own data: field.
struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// A live Server-Sent Events stream. Thread-safe: any thread may send.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // False once the client has gone or the server is stopping; the event is then dropped.
  virtual bool send(const SseEvent& event) = 0;
  // Text already in the event-stream format (a proxy passing another server's stream on). It
  // must end at an event boundary (a blank line), so nothing this server adds (a keep-alive
  // comment) can land inside an event.
  virtual bool send_raw(std::string text) = 0;
  virtual bool is_open() const = 0;
  virtual void close() = 0;
  // Called once, on the server's thread, when the stream ends for any reason.
  virtual void on_close(std::function<void()> callback) = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the response is a text/event-stream: the server sends the headers, then calls
  // this with the stream, which stays open until the client goes or the server stops.
  std::function<void(std::shared_ptr<EventStream>)> on_stream;

  static Response json(int status, const nlohmann::json& body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  static Response problem(const Error& error, std::string_view instance = {});
  static Response event_stream(std::function<void(std::shared_ptr<EventStream>)> on_open);
};

// Handlers return a response or an Error; the server maps every Error to problem+json.
using Handler = std::function<Result<Response>(Request&)>;

}  // namespace concord::http
