#pragma once
// The smallest HTTP/1.1 request reader a webhook receiver needs, for bytes from the network:
// a request line, headers, and a body by Content-Length. It refuses what it does not need
// rather than guessing: chunked bodies, folded header lines, conflicting lengths, oversized
// heads and bodies, control characters.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concord_example {

struct Limits {
  size_t max_head_bytes = 16 * 1024;
  size_t max_headers = 100;
  size_t max_body_bytes = 1024 * 1024;
};

struct Request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // The first header of that name (lower case), or empty.
  std::string_view header(std::string_view name) const;
};

struct Parsed {
  enum class State { complete, incomplete, refused } state = State::incomplete;
  int status = 0;       // when refused: the status to answer (400, 413, 431, 501, 505)
  std::string reason;   // when refused
  Request request;      // when complete
  size_t consumed = 0;  // when complete: bytes of `input` the request took
};

// Reads one request from the start of `input`. `incomplete` means: read more and call again.
Parsed parse_request(std::string_view input, const Limits& limits = {});

}  // namespace concord_example
