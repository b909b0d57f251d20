// The Beast side of the server: sessions, limits, timeouts, streams and graceful shutdown.
// Shaped after Beast's advanced_server_flex_awaitable example (Boost 1.81): one coroutine per
// connection on its own strand; tcp_stream deadlines for every read and write.
#include "concord/http/server.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "concord/core/config.hpp"
#include "concord/core/log.hpp"
#include "nothrow_awaitable.hpp"
#include "pipeline.hpp"

namespace concord::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '\n' && c != '\r') out += c;
  return out;
}

std::string format_sse(const SseEvent& e) {
  std::string out;
  if (!e.id.empty()) out += "id: " + one_line(e.id) + "\n";
  if (!e.event.empty()) out += "event: " + one_line(e.event) + "\n";
  size_t start = 0;
  for (;;) {
    size_t end = e.data.find('\n', start);
    out += "data: ";
    out.append(e.data, start, end == std::string::npos ? std::string::npos : end - start);
    out += "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  out += "\n";
  return out;
}

// A live text/event-stream. send() may come from any thread; the session coroutine drains the
// queue on its strand and wakes on the timer being cancelled.
class SseChannel final : public EventStream, public std::enable_shared_from_this<SseChannel> {
 public:
  explicit SseChannel(asio::any_io_executor ex) : executor_(ex), wake_(ex) {}

  bool send(const SseEvent& event) override {
    if (!open_) return false;
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(format_sse(event));
    }
    poke();
    return true;
  }
  bool send_raw(std::string text) override {
    if (!open_) return false;
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(text));
    }
    poke();
    return true;
  }
  bool is_open() const override { return open_; }
  void close() override {
    open_ = false;
    poke();
  }
  void on_close(std::function<void()> callback) override {
    std::lock_guard lock(mutex_);
    on_close_.push_back(std::move(callback));
  }

  std::string take() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (auto& p : pending_) out += p;
    pending_.clear();
    return out;
  }
  asio::steady_timer& timer() { return wake_; }
  void finished() {
    open_ = false;
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      callbacks.swap(on_close_);
    }
    for (auto& c : callbacks) c();
  }

 private:
  void poke() {
    asio::post(executor_, [self = shared_from_this()] { self->wake_.cancel(); });
  }
  asio::any_io_executor executor_;
  asio::steady_timer wake_;
  std::atomic<bool> open_{true};
  std::mutex mutex_;
  std::deque<std::string> pending_;
  std::vector<std::function<void()>> on_close_;
};

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)), watchdog(stream.get_executor()) {}
  beast::tcp_stream stream;
  // Every read and write is bounded by one per-connection watchdog instead of tcp_stream's
  // expiry: tcp_stream closes the socket on expiry, which would leave no way to answer 408,
  // and re-arming a timer per operation costs syscalls on the hot path. Arming only moves a
  // deadline; the timer wakes at the old deadline, sees the new one and sleeps again.
  asio::steady_timer watchdog;
  std::chrono::steady_clock::time_point deadline{};
  bool guarding = false;  // an operation is under the deadline
  bool watchdog_running = false;
  bool timed_out = false;
  bool idle = true;  // waiting for the next request's headers: safe to close on shutdown
  std::shared_ptr<SseChannel> sse;

  void guard(std::chrono::milliseconds timeout) {
    deadline = std::chrono::steady_clock::now() + timeout;
    guarding = true;
    timed_out = false;
    // A deadline earlier than the one the timer sleeps to (the body's request timeout after the
    // headers' idle timeout) re-arms it: the pending wait ends aborted and touches nothing.
    if (!watchdog_running || deadline < armed_for) watch();
  }
  void unguard() { guarding = false; }

 private:
  std::chrono::steady_clock::time_point armed_for{};

  void watch() {
    watchdog_running = true;
    armed_for = deadline;
    watchdog.expires_at(deadline);
    watchdog.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // the connection is going away: touch nothing
      watchdog_running = false;
      if (!guarding) return;
      if (std::chrono::steady_clock::now() < deadline) return watch();
      timed_out = true;
      boost::system::error_code ignored;
      stream.socket().cancel(ignored);
    });
  }
};

bhttp::response<bhttp::string_body> to_beast(Response& r, unsigned version, bool keep_alive, bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), version};
  for (auto& [k, v] : r.headers.fields()) out.set(k, v);
  out.set(bhttp::field::server, "concord");
  out.keep_alive(keep_alive);
  auto size = r.body.size();
  if (!head) out.body() = std::move(r.body);
  out.content_length(size);
  return out;
}

Request to_request(const bhttp::request_parser<bhttp::string_body>& parser, const std::string& remote) {
  const auto& msg = parser.get();
  Request req;
  req.method = parse_method(std::string_view(msg.method_string().data(), msg.method_string().size()));
  req.target = std::string(msg.target());
  for (const auto& f : msg) req.headers.add(std::string(f.name_string()), std::string(f.value()));
  req.remote_address = remote;
  return req;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router)
      : options_(options),
        pipeline_(std::move(options), std::move(router)),
        ioc_(std::max(1, options_.threads)),
        blocking_(static_cast<std::size_t>(std::max(1, options_.blocking_threads))) {}

  ~Impl() { stop(); }

  Pipeline& pipeline() { return pipeline_; }

  Status start() {
    auto hp = parse_host_port(options_.address);
    if (!hp) return fail(Error::internal("bad listen address '" + options_.address + "'"));
    boost::system::error_code ec;
    auto address = asio::ip::make_address(hp->host, ec);
    if (ec) return fail(Error::internal("bad listen host '" + hp->host + "': " + ec.message()));
    tcp::endpoint endpoint{address, hp->port};
    acceptor_.emplace(asio::make_strand(ioc_));
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(Error::unavailable("cannot listen on " + options_.address + ": " + ec.message()));
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(acceptor_->get_executor(), accept_loop(), asio::detached);
    for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { ioc_.run(); });
    log::info("listening", {{"service", options_.service}, {"address", hp->host + ":" + std::to_string(port_)}});
    return {};
  }

  unsigned short port() const { return port_; }

  void stop() {
    if (stopping_.exchange(true)) {
      join();
      return;
    }
    if (acceptor_)
      asio::post(acceptor_->get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
      });
    {
      std::lock_guard lock(mutex_);
      for (auto& weak : connections_) close_if_idle(weak);
    }
    {
      std::unique_lock lock(mutex_);
      drained_.wait_for(lock, options_.shutdown_grace, [this] { return connections_.empty(); });
      if (!connections_.empty())
        log::warn("shutdown grace period over; closing remaining connections",
                  {{"service", options_.service}, {"connections", connections_.size()}});
    }
    ioc_.stop();
    join();
    blocking_.join();
    log::info("stopped", {{"service", options_.service}});
  }

 private:
  void join() {
    for (auto& t : threads_)
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }

  static bool may_block(Method m) { return m != Method::get && m != Method::head && m != Method::options; }

  // Runs the handler on the blocking pool; the session resumes on its own strand afterwards.
  asio::awaitable<Response> handle_blocking(Request& req, Prepared& prepared) {
    co_return co_await asio::co_spawn(
        blocking_,
        [this, &req, &prepared]() -> asio::awaitable<Response> { co_return pipeline_.handle(req, prepared); },
        asio::use_awaitable);
  }

  void close_if_idle(const std::weak_ptr<Connection>& weak) {
    auto conn = weak.lock();
    if (!conn) return;
    asio::post(conn->stream.get_executor(), [conn] {
      if (conn->sse) conn->sse->close();
      if (conn->idle) conn->stream.socket().cancel();
    });
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_->async_accept(asio::make_strand(ioc_), nothrow_awaitable);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) co_return;
        log::warn("accept failed", {{"error", ec.message()}});
        continue;
      }
      tcp::socket plain(std::move(socket));
      if (stopping_) continue;
      size_t open = 0;
      {
        std::lock_guard lock(mutex_);
        open = connections_.size();
      }
      auto conn = std::make_shared<Connection>(std::move(plain));
      if (open >= options_.max_connections) {
        asio::co_spawn(conn->stream.get_executor(), refuse_busy(conn), asio::detached);
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        connections_.insert(conn);
      }
      asio::co_spawn(conn->stream.get_executor(), session(conn), [this, conn](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            log::error("session failed", {{"what", ex.what()}});
          }
        }
        std::lock_guard lock(mutex_);
        connections_.erase(conn);
        if (connections_.empty()) drained_.notify_all();
      });
    }
  }

  asio::awaitable<void> write_problem(Connection& conn, Request& req, ErrorCode code, std::string detail,
                                      std::chrono::steady_clock::time_point started,
                                      std::vector<std::pair<std::string, std::string>> extra = {}) {
    Error e = Error::of(code, std::move(detail));
    e.headers = std::move(extra);
    auto res = Response::problem(e, req.path.empty() ? std::string_view{} : std::string_view(req.path));
    res.headers.set("X-Request-Id",
                    req.correlation_id.empty() ? valid_correlation_id(std::nullopt) : req.correlation_id);
    pipeline_.record(req, res.status, started);
    auto out = to_beast(res, 11, false, false);
    conn.stream.expires_after(std::chrono::seconds(2));
    co_await bhttp::async_write(conn.stream, out, nothrow_awaitable);
  }

  asio::awaitable<void> refuse_busy(std::shared_ptr<Connection> conn) {
    Request req;
    // Built outside the co_await: g++ 12 miscompiles braced string-literal initializers there.
    std::vector<std::pair<std::string, std::string>> retry;
    retry.emplace_back(std::string("Retry-After"), std::string("1"));
    co_await write_problem(*conn, req, ErrorCode::too_many_requests,
                           std::string("the server has too many open connections"), std::chrono::steady_clock::now(),
                           std::move(retry));
    close(*conn);
  }

  static void close(Connection& conn) {
    boost::system::error_code ignored;
    conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    conn.stream.socket().close(ignored);
  }

  asio::awaitable<void> session(std::shared_ptr<Connection> conn) {
    beast::flat_buffer buffer;
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = conn->stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    for (;;) {
      if (stopping_) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
      // No body limit yet: the route, known once the headers are in, sets it.
      parser.body_limit(boost::none);
      conn->idle = true;
      conn->guard(options_.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(conn->stream, buffer, parser, nothrow_awaitable);
      conn->unguard();
      conn->idle = false;
      if (ec == asio::error::operation_aborted && conn->timed_out) ec = beast::error::timeout;
      auto started = std::chrono::steady_clock::now();
      Request req;
      if (ec) {
        if (ec == bhttp::error::header_limit)
          co_await write_problem(*conn, req, ErrorCode::header_too_large,
                                 "request headers exceed " + std::to_string(options_.header_limit) + " bytes", started);
        else if (ec == beast::error::timeout && (parser.got_some() || buffer.size() > 0))
          co_await write_problem(*conn, req, ErrorCode::request_timeout, "the request headers took too long to arrive",
                                 started);
        else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::operation_aborted && ec != asio::error::connection_reset && parser.got_some())
          co_await write_problem(*conn, req, ErrorCode::bad_request, "malformed HTTP request: " + ec.message(),
                                 started);
        break;
      }
      req = to_request(parser, remote);
      auto prepared = pipeline_.prepare(req);
      if (!prepared) {
        co_await write_problem(*conn, req, prepared.error().code, prepared.error().detail, started);
        break;
      }
      const auto& header = parser.get();
      if (auto length = parser.content_length(); length && *length > prepared->body_limit) {
        // Refused from the headers alone: the body is never read.
        co_await write_problem(*conn, req, ErrorCode::payload_too_large,
                               "the body is " + std::to_string(*length) + " bytes; the limit here is " +
                                   std::to_string(prepared->body_limit),
                               started);
        break;
      }
      parser.body_limit(prepared->body_limit);
      if (!parser.is_done()) {
        if (auto expect = header[bhttp::field::expect]; beast::iequals(expect, "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          conn->stream.expires_after(options_.write_timeout);
          co_await asio::async_write(conn->stream, asio::buffer(kContinue.data(), kContinue.size()), nothrow_awaitable);
          conn->stream.expires_never();
        }
        conn->guard(options_.request_timeout);
        auto [bec, bn] = co_await bhttp::async_read(conn->stream, buffer, parser, nothrow_awaitable);
        conn->unguard();
        if (bec == asio::error::operation_aborted && conn->timed_out) bec = beast::error::timeout;
        if (bec) {
          if (bec == bhttp::error::body_limit)
            co_await write_problem(*conn, req, ErrorCode::payload_too_large,
                                   "the body exceeds " + std::to_string(prepared->body_limit) + " bytes", started);
          else if (bec == beast::error::timeout)
            co_await write_problem(*conn, req, ErrorCode::request_timeout, "the request body took too long to arrive",
                                   started);
          else if (bec != asio::error::operation_aborted && bec != bhttp::error::end_of_stream &&
                   bec != bhttp::error::partial_message && bec != asio::error::connection_reset)
            co_await write_problem(*conn, req, ErrorCode::bad_request, "malformed HTTP request: " + bec.message(),
                                   started);
          break;
        }
      }
      req.body = std::move(parser.get().body());
      unsigned version = header.version();
      bool keep_alive = header.keep_alive();
      bool head = req.method == Method::head;
      // Not a conditional expression: g++ 12 miscompiles co_await inside one.
      Response res;
      if (may_block(req.method))
        res = co_await handle_blocking(req, *prepared);
      else
        res = pipeline_.handle(req, *prepared);
      if (res.on_stream) {
        co_await serve_stream(conn, res);
        break;
      }
      keep_alive = keep_alive && !stopping_;
      auto out = to_beast(res, version, keep_alive, head);
      conn->guard(options_.write_timeout);
      auto [wec, wn] = co_await bhttp::async_write(conn->stream, out, nothrow_awaitable);
      conn->unguard();
      if (wec || !keep_alive) break;
    }
    close(*conn);
  }

  asio::awaitable<void> serve_stream(std::shared_ptr<Connection> conn, Response& res) {
    std::string head = "HTTP/1.1 200 OK\r\n";
    for (auto& [k, v] : res.headers.fields()) head += k + ": " + v + "\r\n";
    // The stream ends when the connection does: no length, no chunking.
    head += "Connection: close\r\nX-Accel-Buffering: no\r\n\r\n";
    conn->stream.expires_after(options_.write_timeout);
    auto [ec, n] = co_await asio::async_write(conn->stream, asio::buffer(head), nothrow_awaitable);
    if (ec) co_return;
    auto channel = std::make_shared<SseChannel>(conn->stream.get_executor());
    conn->sse = channel;
    if (stopping_) channel->close();
    try {
      res.on_stream(channel);
    } catch (const std::exception& e) {
      log::error("stream handler threw", {{"what", e.what()}});
      channel->close();
    }
    for (;;) {
      std::string chunk = channel->take();
      if (chunk.empty()) {
        if (!channel->is_open()) break;
        channel->timer().expires_after(options_.sse_heartbeat);
        auto [tec] = co_await channel->timer().async_wait(nothrow_awaitable);
        if (!tec)
          chunk = ": keep-alive\n\n";  // the timer ran out: tell proxies and clients we are here
        else
          continue;
      }
      conn->stream.expires_after(options_.write_timeout);
      auto [wec, wn] = co_await asio::async_write(conn->stream, asio::buffer(chunk), nothrow_awaitable);
      if (wec) break;
    }
    conn->sse.reset();
    channel->finished();
  }

  ServerOptions options_;
  Pipeline pipeline_;
  asio::io_context ioc_;
  asio::thread_pool blocking_;
  std::optional<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  unsigned short port_ = 0;
  std::mutex mutex_;
  std::condition_variable drained_;
  std::set<std::shared_ptr<Connection>> connections_;
};

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}
Server::~Server() = default;

void Server::set_authenticator(Authenticator authenticator) {
  impl_->pipeline().set_authenticator(std::move(authenticator));
}
void Server::set_readiness(std::function<Readiness()> readiness) {
  impl_->pipeline().set_readiness(std::move(readiness));
}
void Server::set_interceptor(Interceptor interceptor) {
  impl_->pipeline().set_interceptor(std::move(interceptor));
}
void Server::set_finisher(Finisher finisher) {
  impl_->pipeline().set_finisher(std::move(finisher));
}
void Server::set_idempotency_store(cache::Cache* cache, std::chrono::seconds ttl) {
  impl_->pipeline().set_idempotency_store(cache, ttl);
}
void Server::set_idempotency_ledger(IdempotencyLedger ledger) {
  impl_->pipeline().set_idempotency_ledger(std::move(ledger));
}
Router Server::in_process_routes() const {
  Router out;
  Pipeline* pipeline = &impl_->pipeline();
  for (const auto& route : pipeline->router().routes())
    out.add(
        route.method, route.pattern,
        [pipeline, route](Request& request) -> Result<Response> { return pipeline->in_process(request, route); },
        route.options);
  return out;
}
void Server::set_rate_limit_store(cache::Cache* cache) {
  impl_->pipeline().set_rate_limit_store(cache);
}
Status Server::start() {
  return impl_->start();
}
unsigned short Server::port() const {
  return impl_->port();
}
void Server::stop() {
  impl_->stop();
}

void wait_for_shutdown_signal() {
  asio::io_context ioc;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code&, int signo) { received = signo; });
  ioc.run();
  log::info("shutdown signal received", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
}

}  // namespace concord::http
