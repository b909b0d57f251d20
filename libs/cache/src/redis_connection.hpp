#pragma once
// One hiredis 0.14 async connection driven by Asio: a posix::stream_descriptor waits for the
// socket and calls redisAsyncHandleRead/Write. Every member function but ready() and error()
// runs on the io_context's one thread, and so does every hiredis call and callback.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include <hiredis/async.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "concord/cache/redis_cache.hpp"

namespace concord::cache::detail {

// RESP for one command, built on the caller's thread (a pure function of hiredis).
std::string format_command(std::span<const std::string_view> args);
RedisReply copy_reply(const redisReply& reply);

// The fate of one command. complete() runs exactly once, on the io thread, with the reply
// (freed when complete() returns: copy what you keep) or with nullptr and the reason.
class Completion {
 public:
  virtual ~Completion() = default;
  virtual void complete(const redisReply* reply, std::string_view why_none) = 0;
};

class RedisConnection {
 public:
  struct Settings {
    RedisEndpoint endpoint;
    std::chrono::milliseconds connect_timeout{500}, command_timeout{500}, backoff_max{2000};
    std::string role;  // for logs: "commands" or "pubsub"
    // A subscriber can sit silent for hours, so a dead link would never be noticed: after this
    // long without a byte from the server, SUBSCRIBE `heartbeat_channel` (confirmed at once by
    // a live server); no confirmation within the command timeout replaces the connection.
    // Zero: no heartbeat.
    std::chrono::milliseconds heartbeat{0};
    std::string heartbeat_channel;
  };
  struct Events {
    std::function<void()> ready;                       // the handshake finished
    std::function<void(const std::string&)> rejected;  // the server refused the handshake
    std::function<void()> lost;                        // was ready, is not any more
    std::function<void(const redisReply&)> push;       // subscribe-mode replies and messages
  };

  RedisConnection(boost::asio::io_context& io, Settings settings, Events events);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  void start();
  void stop();  // frees the context; no reconnecting after it
  // Appends a formatted command; written with whatever else is appended before the socket is
  // next writable. Completes `done` at once when the connection is not ready.
  void send(std::string_view formatted, std::unique_ptr<Completion> done);
  // (UN)SUBSCRIBE: replies and messages go to Events::push. False when not ready.
  bool send_subscription(std::string_view formatted);

  bool ready() const { return ready_.load(std::memory_order_acquire); }  // any thread
  std::string error() const;                                             // any thread: why not ready

 private:
  void connect_now();
  void enqueue(std::string_view formatted, std::unique_ptr<Completion> done);
  void handshake();
  void became_ready();
  void reject(const std::string& why);
  void teardown(const std::string& why);
  void lost(const redisAsyncContext* ac, const std::string& why);
  void down(const std::string& why);
  void schedule_retry();
  void watch();
  std::string reason(const redisAsyncContext* ac) const;

  // hiredis event hooks and callbacks (C linkage-compatible statics).
  void add_read();
  void add_write();
  void cleanup();
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_push(redisAsyncContext* ac, void* reply, void* privdata);
  friend class Handshake;

  boost::asio::io_context& io_;
  Settings settings_;
  Events events_;

  redisAsyncContext* ac_ = nullptr;  // null between a loss and the next attempt
  std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
  std::uint64_t generation_ = 0;  // bumped when a context comes or goes; stale waits check it
  bool want_read_ = false, want_write_ = false, read_armed_ = false, write_armed_ = false;
  bool stopped_ = true;
  std::size_t in_flight_ = 0;
  bool awaiting_push_ = false;  // a subscription command sent, no push seen since
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::milliseconds backoff_{0};
  boost::asio::steady_timer connect_timer_, retry_timer_, watchdog_;

  std::atomic<bool> ready_{false};
  mutable std::mutex error_mutex_;
  std::string error_ = "not connected yet";
};

}  // namespace concord::cache::detail
