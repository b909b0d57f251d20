#pragma once
// A small blocking HTTP/1.1 client for service-to-service calls and webhook deliveries: one
// request per connection, every phase bounded by the timeout.
#include <chrono>
#include <string>

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
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

// An Error (unavailable) when the target cannot be reached, times out or answers garbage;
// a response with any status otherwise. Only http:// URLs are supported.
Result<ClientResponse> fetch(const ClientRequest& request);

}  // namespace concord::http
