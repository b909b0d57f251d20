// Streams read as they arrive: one coroutine per stream on the StreamClient's one I/O thread,
// reading the body with Beast's buffer_body parser a socket read at a time (Beast's
// "incremental read" pattern), so each piece is handed on as soon as it is on the wire.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include "beast_request.hpp"
#include "nothrow_awaitable.hpp"

#include "concord/http/client.hpp"

namespace concord::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

// One stream's state; touched only on the I/O thread except `cancelled`.
struct Stream final : StreamClient::Handle, std::enable_shared_from_this<Stream> {
  Stream(asio::io_context& ioc, StreamHandlers h) : ioc_(ioc), handlers(std::move(h)) {}
  void cancel() override {
    if (cancelled.exchange(true)) return;
    asio::post(ioc_, [self = shared_from_this()] {
      if (self->socket) self->socket->close();
    });
  }
  asio::io_context& ioc_;
  StreamHandlers handlers;
  std::atomic<bool> cancelled{false};
  beast::tcp_stream* socket = nullptr;  // while connected
};

asio::awaitable<std::optional<Error>> run(std::shared_ptr<Stream> s, ClientRequest request, StreamLimits limits,
                                          std::string host, std::string port, std::string authority,
                                          std::string target) {
  auto executor = co_await asio::this_coro::executor;
  const auto started = steady::now();
  const auto head_deadline = started + request.timeout;
  const auto end = started + limits.max_duration;
  const auto where = host + ":" + port;
  tcp::resolver resolver(executor);
  auto [rec, resolved] = co_await resolver.async_resolve(host, port, nothrow_awaitable);
  if (rec) co_return Error::unavailable("cannot resolve " + where + ": " + rec.message());
  beast::tcp_stream stream(executor);
  s->socket = &stream;
  struct Forget {
    Stream& s;
    ~Forget() { s.socket = nullptr; }
  } forget{*s};
  if (s->cancelled) co_return std::nullopt;
  stream.expires_at(head_deadline);
  auto [cec, ep] = co_await stream.async_connect(resolved, nothrow_awaitable);
  if (s->cancelled) co_return std::nullopt;
  if (cec) co_return Error::unavailable("cannot connect to " + where + ": " + cec.message());

  auto req = beast_request(request, target, authority);
  stream.expires_at(head_deadline);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, nothrow_awaitable);
  if (s->cancelled) co_return std::nullopt;
  if (wec) co_return Error::unavailable("cannot send to " + where + ": " + wec.message());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);  // bounded by time instead
  stream.expires_at(head_deadline);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, nothrow_awaitable);
  if (s->cancelled) co_return std::nullopt;
  if (hec) co_return Error::unavailable("no valid response from " + where + ": " + hec.message());
  ClientResponse head;
  head.status = static_cast<int>(parser.get().result_int());
  for (const auto& f : parser.get()) head.headers.add(std::string(f.name_string()), std::string(f.value()));
  if (s->handlers.on_head) s->handlers.on_head(head);

  char chunk[16 * 1024];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    auto now = steady::now();
    if (now >= end) co_return Error::unavailable("the stream from " + where + " reached its maximum duration");
    stream.expires_at(std::min(now + limits.idle, end));
    auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, nothrow_awaitable);
    if (ec == bhttp::error::need_buffer) ec = {};
    size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0 && !s->cancelled && s->handlers.on_data) s->handlers.on_data(std::string_view(chunk, got));
    if (s->cancelled) co_return std::nullopt;
    if (ec == bhttp::error::end_of_stream) break;
    if (ec == beast::error::timeout)
      co_return Error::unavailable(steady::now() >= end ? "the stream from " + where + " reached its maximum duration"
                                                        : "the stream from " + where + " was idle too long");
    if (ec) co_return Error::unavailable("the stream from " + where + " failed: " + ec.message());
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return std::nullopt;
}

}  // namespace

struct StreamClient::Impl {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread;
  mutable std::mutex mutex;
  std::set<std::shared_ptr<Stream>> streams;
};

StreamClient::StreamClient() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

StreamClient::~StreamClient() {
  std::set<std::shared_ptr<Stream>> open;
  {
    std::lock_guard lock(impl_->mutex);
    open = impl_->streams;
  }
  for (const auto& s : open) s->cancel();
  impl_->work.reset();  // run() returns once every stream has ended
  if (impl_->thread.joinable()) impl_->thread.join();
}

size_t StreamClient::open_streams() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->streams.size();
}

std::shared_ptr<StreamClient::Handle> StreamClient::open(const ClientRequest& request, StreamLimits limits,
                                                         StreamHandlers handlers) {
  auto s = std::make_shared<Stream>(impl_->ioc, std::move(handlers));
  auto finish = [this, s](const std::optional<Error>& error) {
    {
      std::lock_guard lock(impl_->mutex);
      impl_->streams.erase(s);
    }
    if (s->handlers.on_end) s->handlers.on_end(error);
  };
  auto url = boost::urls::parse_absolute_uri(request.url);
  if (!url || url->scheme() != "http" || url->has_userinfo() || url->host_address().empty()) {
    finish(Error::validation("/url", "a stream is opened from an http:// URL with a host: '" + request.url + "'"));
    return s;
  }
  std::string host = url->host_address();
  std::string port = url->has_port() ? std::string(url->port()) : "80";
  std::string target = std::string(url->encoded_path());
  if (target.empty()) target = "/";
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  std::string authority = std::string(url->encoded_host_and_port());
  {
    std::lock_guard lock(impl_->mutex);
    impl_->streams.insert(s);
  }
  asio::co_spawn(impl_->ioc, run(s, request, limits, host, port, authority, target),
                 [finish](std::exception_ptr e, std::optional<Error> error) {
                   if (e) error = Error::unavailable("the stream failed unexpectedly");
                   finish(error);
                 });
  return s;
}

}  // namespace concord::http
