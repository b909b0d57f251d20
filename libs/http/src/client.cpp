#include "concord/http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace concord::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow_awaitable = asio::as_tuple(asio::use_awaitable);

bhttp::verb verb_of(Method m) {
  switch (m) {
    case Method::get: return bhttp::verb::get;
    case Method::head: return bhttp::verb::head;
    case Method::post: return bhttp::verb::post;
    case Method::put: return bhttp::verb::put;
    case Method::patch: return bhttp::verb::patch;
    case Method::del: return bhttp::verb::delete_;
    case Method::options: return bhttp::verb::options;
    case Method::other: break;
  }
  return bhttp::verb::get;
}

asio::awaitable<void> exchange(const ClientRequest& request, std::string host, std::string port, std::string target,
                               Result<ClientResponse>& result) {
  auto executor = co_await asio::this_coro::executor;
  auto deadline = std::chrono::steady_clock::now() + request.timeout;
  auto unavailable = [&](std::string what, const boost::system::error_code& ec) {
    result = fail(Error::unavailable(what + " " + host + ":" + port + ": " + ec.message()));
  };
  tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, nothrow_awaitable);
  if (rec) co_return unavailable("cannot resolve", rec);
  beast::tcp_stream stream(executor);
  stream.expires_at(deadline);
  auto [cec, ep] = co_await stream.async_connect(endpoints, nothrow_awaitable);
  if (cec) co_return unavailable("cannot connect to", cec);
  bhttp::request<bhttp::string_body> req{verb_of(request.method), target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, "concord");
  for (const auto& [k, v] : request.headers.fields()) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  stream.expires_at(deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, nothrow_awaitable);
  if (wec) co_return unavailable("cannot send to", wec);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_body);
  if (request.method == Method::head) parser.skip(true);
  stream.expires_at(deadline);
  auto [ree, rn] = co_await bhttp::async_read(stream, buffer, parser, nothrow_awaitable);
  if (ree) co_return unavailable("no valid response from", ree);
  ClientResponse out;
  auto& msg = parser.get();
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  result = std::move(out);
}

}  // namespace

Result<ClientResponse> fetch(const ClientRequest& request) {
  auto url = boost::urls::parse_absolute_uri(request.url);
  if (!url) return fail(Error::validation("/url", "'" + request.url + "' is not an absolute URL"));
  if (url->scheme() != "http") return fail(Error::validation("/url", "only http:// URLs are supported"));
  std::string host = url->host_address();
  if (host.empty()) return fail(Error::validation("/url", "the URL has no host"));
  std::string port = url->has_port() ? std::string(url->port()) : "80";
  std::string target = std::string(url->encoded_path());
  if (target.empty()) target = "/";
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  Result<ClientResponse> result = fail(Error::unavailable("the request did not complete"));
  asio::io_context ioc;
  asio::co_spawn(ioc, exchange(request, host, port, target, result), [](std::exception_ptr) {});
  ioc.run();
  return result;
}

}  // namespace concord::http
