#include "redis_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include "concord/core/log.hpp"

namespace concord::cache::detail {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string format_command(std::span<const std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* raw = nullptr;
  int len = redisFormatCommandArgv(&raw, static_cast<int>(args.size()), argv.data(), lens.data());
  if (len < 0 || raw == nullptr) std::abort();  // only out of memory
  std::string out(raw, static_cast<std::size_t>(len));
  redisFreeCommand(raw);
  return out;
}

RedisReply copy_reply(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      break;
    default:
      out.type = RedisReply::Type::nil;
      break;
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  out.elements.reserve(r.elements);
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(copy_reply(*r.element[i]));
  return out;
}

// AUTH / SELECT / PING, queued together before the socket is even connected. The last reply
// makes the connection ready; an error reply anywhere means the server refuses us.
class Handshake final : public Completion {
 public:
  Handshake(RedisConnection& c, bool last) : c_(c), generation_(c.generation_), last_(last) {}
  void complete(const redisReply* reply, std::string_view) override {
    if (reply == nullptr || generation_ != c_.generation_) return;  // a loss is reported by hiredis
    if (reply->type == REDIS_REPLY_ERROR) {
      c_.reject(std::string(reply->str, reply->len));
    } else if (last_) {
      c_.became_ready();
    }
  }

 private:
  RedisConnection& c_;
  std::uint64_t generation_;
  bool last_;
};

RedisConnection::RedisConnection(asio::io_context& io, Settings settings, Events events)
    : io_(io),
      settings_(std::move(settings)),
      events_(std::move(events)),
      connect_timer_(io),
      retry_timer_(io),
      watchdog_(io) {}

RedisConnection::~RedisConnection() = default;

std::string RedisConnection::error() const {
  std::lock_guard lock(error_mutex_);
  return error_;
}

void RedisConnection::start() {
  stopped_ = false;
  connect_now();
  watch();
}

void RedisConnection::stop() {
  stopped_ = true;
  connect_timer_.cancel();
  retry_timer_.cancel();
  watchdog_.cancel();
  teardown("shutting down");
}

void RedisConnection::connect_now() {
  if (stopped_) return;
  const auto& ep = settings_.endpoint;
  // hiredis 0.14 resolves the host with a blocking getaddrinfo on this thread: fine for the
  // addresses and /etc/hosts names Concord is configured with.
  redisAsyncContext* ac = redisAsyncConnect(ep.host.c_str(), ep.port);
  if (ac == nullptr || ac->err != 0) {
    std::string why = ac != nullptr && ac->errstr != nullptr ? ac->errstr : "cannot allocate a context";
    if (ac != nullptr) redisAsyncFree(ac);  // no hooks installed yet: frees and closes, nothing else
    down(why);
    schedule_retry();
    return;
  }
  ac_ = ac;
  ++generation_;
  ac->data = this;
  want_read_ = want_write_ = read_armed_ = write_armed_ = false;
  in_flight_ = 0;
  awaiting_push_ = false;
  socket_ = std::make_unique<asio::posix::stream_descriptor>(io_, ac->c.fd);
  // The hooks first: redisAsyncSetConnectCallback itself calls addWrite.
  ac->ev.data = this;
  ac->ev.addRead = [](void* self) { static_cast<RedisConnection*>(self)->add_read(); };
  ac->ev.delRead = [](void* self) { static_cast<RedisConnection*>(self)->want_read_ = false; };
  ac->ev.addWrite = [](void* self) { static_cast<RedisConnection*>(self)->add_write(); };
  ac->ev.delWrite = [](void* self) { static_cast<RedisConnection*>(self)->want_write_ = false; };
  ac->ev.cleanup = [](void* self) { static_cast<RedisConnection*>(self)->cleanup(); };
  redisAsyncSetConnectCallback(ac, &RedisConnection::on_connect);
  redisAsyncSetDisconnectCallback(ac, &RedisConnection::on_disconnect);
  handshake();

  connect_timer_.expires_after(settings_.connect_timeout);
  connect_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
    if (ec || generation != generation_ || ready()) return;
    teardown("no connection within " + std::to_string(settings_.connect_timeout.count()) + " ms");
  });
}

void RedisConnection::handshake() {
  const auto& ep = settings_.endpoint;
  if (!ep.password.empty()) {
    if (ep.username.empty()) {
      std::string_view args[] = {"AUTH", ep.password};
      enqueue(format_command(args), std::make_unique<Handshake>(*this, false));
    } else {
      std::string_view args[] = {"AUTH", ep.username, ep.password};
      enqueue(format_command(args), std::make_unique<Handshake>(*this, false));
    }
  }
  if (ep.db != 0) {
    auto db = std::to_string(ep.db);
    std::string_view args[] = {"SELECT", db};
    enqueue(format_command(args), std::make_unique<Handshake>(*this, false));
  }
  std::string_view ping[] = {"PING"};  // proves the server answers (and that no AUTH is missing)
  enqueue(format_command(ping), std::make_unique<Handshake>(*this, true));
}

void RedisConnection::became_ready() {
  connect_timer_.cancel();
  backoff_ = milliseconds(0);
  {
    std::lock_guard lock(error_mutex_);
    error_.clear();
  }
  ready_.store(true, std::memory_order_release);
  const auto& ep = settings_.endpoint;
  log::info("redis connected", {{"role", settings_.role}, {"host", ep.host}, {"port", ep.port}});
  if (events_.ready) events_.ready();
}

void RedisConnection::reject(const std::string& why) {
  log::error("redis refused the handshake", {{"role", settings_.role}, {"reply", why}});
  if (events_.rejected) events_.rejected(why);
  teardown("handshake refused: " + why);
}

void RedisConnection::send(std::string_view formatted, std::unique_ptr<Completion> done) {
  if (ac_ == nullptr || !ready()) {
    done->complete(nullptr, error());
    return;
  }
  enqueue(formatted, std::move(done));
}

void RedisConnection::enqueue(std::string_view formatted, std::unique_ptr<Completion> done) {
  if (redisAsyncFormattedCommand(ac_, &RedisConnection::on_reply, done.get(), formatted.data(), formatted.size()) !=
      REDIS_OK) {
    done->complete(nullptr, "the connection is closing");
    return;
  }
  done.release();  // hiredis calls on_reply exactly once, which deletes it
  if (in_flight_++ == 0) last_progress_ = Clock::now();
}

bool RedisConnection::send_subscription(std::string_view formatted) {
  if (ac_ == nullptr || !ready()) return false;
  if (redisAsyncFormattedCommand(ac_, &RedisConnection::on_push, nullptr, formatted.data(), formatted.size()) !=
      REDIS_OK)
    return false;
  // Watched like a command: a SUBSCRIBE whose confirmation never comes (a link that swallows
  // bytes) must not leave the subscriber waiting forever.
  if (!awaiting_push_ && in_flight_ == 0) last_progress_ = Clock::now();
  awaiting_push_ = true;
  return true;
}

// Frees the context ourselves (a timeout, a refusal, shutting down). Inside a hiredis callback
// redisAsyncFree only flags the context and hiredis frees it once the callback returns.
void RedisConnection::teardown(const std::string& why) {
  if (ac_ == nullptr) return;
  redisAsyncContext* ac = std::exchange(ac_, nullptr);
  connect_timer_.cancel();
  down(why);
  schedule_retry();
  redisAsyncFree(ac);  // pending commands complete with nullptr and `why`
}

// hiredis freed (or is freeing) the context: a read or write error, the server closed, or the
// connect failed. Never free it here.
void RedisConnection::lost(const redisAsyncContext* ac, const std::string& why) {
  if (ac != ac_) return;  // we tore it down ourselves
  ac_ = nullptr;
  connect_timer_.cancel();
  down(why);
  schedule_retry();
}

void RedisConnection::down(const std::string& why) {
  {
    std::lock_guard lock(error_mutex_);
    error_ = why;
  }
  if (ready_.exchange(false, std::memory_order_acq_rel)) {
    if (!stopped_) log::warn("redis connection lost", {{"role", settings_.role}, {"reason", why}});
    if (events_.lost) events_.lost();
  } else {
    log::debug("redis connection attempt failed", {{"role", settings_.role}, {"reason", why}});
  }
}

void RedisConnection::schedule_retry() {
  if (stopped_) return;
  // Exponential from 50 ms up to the maximum, each wait drawn from its upper half so that many
  // clients do not come back in step.
  auto cap = std::max(settings_.backoff_max, milliseconds(1));
  backoff_ = backoff_.count() == 0 ? std::min(milliseconds(50), cap) : std::min(backoff_ * 2, cap);
  thread_local std::minstd_rand random{std::random_device{}()};
  auto half = backoff_.count() / 2;
  auto delay = milliseconds(backoff_.count() - half + std::uniform_int_distribution<long long>(0, half)(random));
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && ac_ == nullptr) connect_now();
  });
}

// A connection that leaves a command unanswered for the command timeout is presumed dead (a
// frozen server, a silent network) and replaced, so callers fail fast instead of each waiting.
void RedisConnection::watch() {
  auto period = std::clamp(settings_.command_timeout / 4, milliseconds(5), milliseconds(250));
  watchdog_.expires_after(period);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    bool waiting = in_flight_ > 0 || awaiting_push_;
    if (ac_ != nullptr && ready() && waiting && Clock::now() - last_progress_ > settings_.command_timeout) {
      teardown("no reply within " + std::to_string(settings_.command_timeout.count()) + " ms");
    } else if (ac_ != nullptr && ready() && !waiting && settings_.heartbeat.count() > 0 &&
               Clock::now() - last_progress_ > settings_.heartbeat) {
      std::string_view heartbeat[] = {"SUBSCRIBE", settings_.heartbeat_channel};
      send_subscription(format_command(heartbeat));
    }
    watch();
  });
}

std::string RedisConnection::reason(const redisAsyncContext* ac) const {
  // hiredis 0.14 copies c.err to ac->err only after the connect callback has run: read both.
  if (ac->c.err != 0 && ac->c.errstr[0] != '\0') return ac->c.errstr;
  if (ac->err != 0 && ac->errstr != nullptr && ac->errstr[0] != '\0') return ac->errstr;
  auto why = error();
  return why.empty() ? "connection lost" : why;
}

void RedisConnection::add_read() {
  want_read_ = true;
  if (read_armed_ || !socket_) return;
  read_armed_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                      [this, generation = generation_](const boost::system::error_code& ec) {
                        if (generation != generation_) return;  // that context is gone
                        read_armed_ = false;
                        if (ec == asio::error::operation_aborted) return;
                        if (ec) return teardown(ec.message());
                        // May free the context (and run cleanup): touch nothing of it after.
                        if (want_read_ && ac_ != nullptr) redisAsyncHandleRead(ac_);
                      });
}

void RedisConnection::add_write() {
  want_write_ = true;
  if (write_armed_ || !socket_) return;
  write_armed_ = true;
  socket_->async_wait(asio::posix::stream_descriptor::wait_write,
                      [this, generation = generation_](const boost::system::error_code& ec) {
                        if (generation != generation_) return;
                        write_armed_ = false;
                        if (ec == asio::error::operation_aborted) return;
                        if (ec) return teardown(ec.message());
                        if (want_write_ && ac_ != nullptr) redisAsyncHandleWrite(ac_);
                      });
}

// Called by hiredis just before it closes the descriptor and frees the context (possibly more
// than once): hand the descriptor back without closing it and forget pending waits.
void RedisConnection::cleanup() {
  ++generation_;
  want_read_ = want_write_ = read_armed_ = write_armed_ = false;
  if (socket_) {
    boost::system::error_code ignored;
    socket_->cancel(ignored);
    socket_->release();
    socket_.reset();
  }
}

void RedisConnection::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  // hiredis 0.14 calls this outside its IN_CALLBACK guard: freeing the context here would be a
  // use after free in hiredis. On failure hiredis frees it right after we return.
  if (status != REDIS_OK) return self->lost(ac, self->reason(ac));
  if (ac == self->ac_) redisEnableKeepAlive(&self->ac_->c);
}

void RedisConnection::on_disconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  self->lost(ac, status == REDIS_OK ? "the connection was closed" : self->reason(ac));
}

void RedisConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Completion> done(static_cast<Completion*>(privdata));
  auto* self = static_cast<RedisConnection*>(ac->data);
  if (ac == self->ac_) {
    if (self->in_flight_ > 0) --self->in_flight_;
    self->last_progress_ = Clock::now();
  }
  auto* r = static_cast<const redisReply*>(reply);
  // A null reply means hiredis is freeing the context, and it runs these callbacks before the
  // disconnect callback: mark the connection lost first, so nobody woken here sees it ready.
  if (r == nullptr && ac == self->ac_) self->lost(ac, self->reason(ac));
  done->complete(r, r != nullptr ? std::string() : self->reason(ac));
}

void RedisConnection::on_push(redisAsyncContext* ac, void* reply, void*) {
  auto* self = static_cast<RedisConnection*>(ac->data);
  // nullptr: the context is being freed (hiredis calls every channel's callback then).
  if (reply == nullptr && ac == self->ac_) self->lost(ac, self->reason(ac));
  if (reply == nullptr || ac != self->ac_) return;
  self->awaiting_push_ = false;
  self->last_progress_ = Clock::now();
  if (self->events_.push) self->events_.push(*static_cast<const redisReply*>(reply));
}

}  // namespace concord::cache::detail
