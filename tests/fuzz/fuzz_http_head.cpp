// Raw bytes as the server reads them from a socket: Beast's request parser with the server's
// limits (8 KiB of headers, the route's body limit), then the request target, query string and
// cursor parsing, routing and every handler, in process. Whatever arrives ends in a 2xx or a
// 4xx problem+json (or is refused by the parser, which the server answers with 400, 413 or
// 431): never a 5xx, a crash, a hang or an unbounded allocation.
//
// Placeholders ({visit}, {member}, ...; see api_world.hpp) in the input are replaced by the
// world's ids first, so seeds reach existing resources.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api_world.hpp"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& world = concord::fuzzing::World::get();
  std::string bytes = world.substitute(std::string_view(reinterpret_cast<const char*>(data), size));

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(2 * 1024 * 1024);  // the largest route limit; the pipeline checks the route's own
  parser.eager(true);
  boost::system::error_code ec;
  size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == bhttp::error::need_more) break;  // the server would wait (and time out: 408)
    if (ec) return 0;                          // the server answers 400, 413 or 431 and closes
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  if (!parser.is_done()) {
    parser.put_eof(ec);  // the client closed: a body without a length ends here
    if (ec || !parser.is_done()) return 0;
  }

  const auto& msg = parser.get();
  concord::http::Request request;
  request.method =
      concord::http::parse_method(std::string_view(msg.method_string().data(), msg.method_string().size()));
  request.target = std::string(msg.target());
  for (const auto& field : msg) request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = msg.body();
  request.remote_address = "127.0.0.1";
  world.handle(std::move(request));
  return 0;
}
