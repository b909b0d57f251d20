#include "concord/http/client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include "beast_request.hpp"
#include "nothrow_awaitable.hpp"

namespace concord::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

namespace {

// Writes the request and reads the response over a connected stream, plain or TLS.
template <class Stream>
asio::awaitable<Result<ClientResponse>> send(Stream& stream, const ClientRequest& request, const std::string& authority,
                                             const std::string& target,
                                             std::chrono::steady_clock::time_point deadline) {
  auto where = authority;
  auto req = beast_request(request, target, authority);
  beast::get_lowest_layer(stream).expires_at(deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, nothrow_awaitable);
  if (wec) co_return fail(Error::unavailable("cannot send to " + where + ": " + wec.message()));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_response_body);
  if (request.method == Method::head) parser.skip(true);
  beast::get_lowest_layer(stream).expires_at(deadline);
  auto [ree, rn] = co_await bhttp::async_read(stream, buffer, parser, nothrow_awaitable);
  if (ree) co_return fail(Error::unavailable("no valid response from " + where + ": " + ree.message()));
  ClientResponse out;
  auto& msg = parser.get();
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  co_return out;
}

// The TLS settings of one connection: TLS 1.2 or later, the chain verified against the system's
// CAs and the request's, the certificate checked against the host (a name or an IP address).
Status configure_tls(ssl::context& ctx, const ClientRequest& request) {
  boost::system::error_code ec;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (!ec) ctx.set_default_verify_paths(ec);
  if (ec) return fail(Error::unavailable("cannot set up TLS: " + ec.message()));
  if (!request.ca_file.empty()) {
    ctx.load_verify_file(request.ca_file, ec);
    if (ec) return fail(Error::unavailable("cannot read the CA file " + request.ca_file + ": " + ec.message()));
  }
  return {};
}

Status expect_host(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host, ec);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int ok = ec ? X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size())
              : X509_VERIFY_PARAM_set1_ip_asc(param, ip.to_string().c_str());
  // SNI carries names only (RFC 6066).
  if (ok == 1 && ec) ok = static_cast<int>(SSL_set_tlsext_host_name(ssl, host.c_str()));
  if (ok != 1) return fail(Error::unavailable("cannot set up TLS for host " + host));
  return {};
}

// `authority` is the URL's host and port as written: the Host header (RFC 9110 §7.2), which
// must name the port when it is not the scheme's default (a server building its own URLs from
// Host, such as an OpenID Provider's discovery document, would otherwise lose it).
asio::awaitable<Result<ClientResponse>> exchange(const ClientRequest& request, bool tls, std::string host,
                                                 std::string port, std::string authority, std::string target) {
  auto executor = co_await asio::this_coro::executor;
  auto deadline = std::chrono::steady_clock::now() + request.timeout;
  auto where = host + ":" + port;
  tcp::resolver resolver(executor);
  auto [rec, resolved] = co_await resolver.async_resolve(host, port, nothrow_awaitable);
  if (rec) co_return fail(Error::unavailable("cannot resolve " + where + ": " + rec.message()));
  std::vector<tcp::endpoint> endpoints;
  std::string refused;
  for (const auto& entry : resolved) {
    auto address = entry.endpoint().address().to_string();
    if (!request.allow_address || request.allow_address(address))
      endpoints.push_back(entry.endpoint());
    else
      refused += (refused.empty() ? "" : ", ") + address;
  }
  if (endpoints.empty())
    co_return fail(Error::unavailable("refused to connect to " + where + ": it resolves to " + refused +
                                      ", which this client may not reach"));
  beast::tcp_stream stream(executor);
  stream.expires_at(deadline);
  auto [cec, ep] = co_await stream.async_connect(endpoints, nothrow_awaitable);
  if (cec) co_return fail(Error::unavailable("cannot connect to " + where + ": " + cec.message()));
  if (!tls) {
    auto result = co_await send(stream, request, authority, target, deadline);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return result;
  }
  ssl::context ctx(ssl::context::tls_client);
  if (auto ok = configure_tls(ctx, request); !ok) co_return fail(ok.error());
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), ctx);
  if (auto ok = expect_host(secure.native_handle(), host); !ok) co_return fail(ok.error());
  beast::get_lowest_layer(secure).expires_at(deadline);
  auto [hec] = co_await secure.async_handshake(ssl::stream_base::client, nothrow_awaitable);
  if (hec) {
    long verified = SSL_get_verify_result(secure.native_handle());
    std::string reason = verified != X509_V_OK ? X509_verify_cert_error_string(verified) : hec.message();
    co_return fail(Error::unavailable("TLS with " + where + " failed: " + reason));
  }
  auto result = co_await send(secure, request, authority, target, deadline);
  // No close_notify exchange: the response is complete, and a peer that never answers one must
  // not hold this call up.
  boost::system::error_code ignored;
  beast::get_lowest_layer(secure).socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return result;
}

}  // namespace

Result<ClientResponse> fetch(const ClientRequest& request) {
  auto url = boost::urls::parse_absolute_uri(request.url);
  if (!url) return fail(Error::validation("/url", "'" + request.url + "' is not an absolute URL"));
  bool tls = url->scheme() == "https";
  if (!tls && url->scheme() != "http")
    return fail(Error::validation("/url", "only http:// and https:// URLs are supported"));
  if (url->has_userinfo()) return fail(Error::validation("/url", "the URL must not carry user information"));
  std::string host = url->host_address();
  if (host.empty()) return fail(Error::validation("/url", "the URL has no host"));
  std::string port = url->has_port() ? std::string(url->port()) : (tls ? "443" : "80");
  std::string target = std::string(url->encoded_path());
  if (target.empty()) target = "/";
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  Result<ClientResponse> result = fail(Error::unavailable("the request did not complete"));
  asio::io_context ioc;
  std::string authority = std::string(url->encoded_host_and_port());
  asio::co_spawn(ioc, exchange(request, tls, host, port, authority, target),
                 [&](std::exception_ptr e, Result<ClientResponse> r) {
                   if (!e) result = std::move(r);
                 });
  ioc.run();
  return result;
}

}  // namespace concord::http
