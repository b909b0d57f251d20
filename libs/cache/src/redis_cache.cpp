#include "concord/cache/redis_cache.hpp"

#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <pthread.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "cache_metrics.hpp"
#include "concord/core/log.hpp"
#include "dispatcher.hpp"
#include "redis_connection.hpp"
#include "redis_errors.hpp"

namespace concord::cache {

namespace asio = boost::asio;
using detail::count;
using detail::counted;
using detail::Op;
using detail::Outcome;

namespace {

Error unavailable(std::string_view why) {
  return Error::unavailable("redis unavailable: " + std::string(why));
}

class ReplyPromise final : public detail::Completion {
 public:
  std::promise<Result<RedisReply>> promise;
  void complete(const redisReply* reply, std::string_view why_none) override {
    if (reply != nullptr) {
      promise.set_value(detail::copy_reply(*reply));
    } else {
      promise.set_value(fail(unavailable(why_none)));
    }
  }
};

struct Batch {
  std::vector<RedisReply> replies;
  std::size_t remaining = 0;
  std::string failure;
  std::promise<Result<std::vector<RedisReply>>> promise;
};

class BatchSlot final : public detail::Completion {
 public:
  BatchSlot(std::shared_ptr<Batch> batch, std::size_t index) : batch_(std::move(batch)), index_(index) {}
  void complete(const redisReply* reply, std::string_view why_none) override {
    auto& b = *batch_;
    if (reply != nullptr) {
      b.replies[index_] = detail::copy_reply(*reply);
    } else if (b.failure.empty()) {
      b.failure = why_none;
    }
    if (--b.remaining > 0) return;
    if (b.failure.empty()) {
      b.promise.set_value(std::move(b.replies));
    } else {
      b.promise.set_value(fail(unavailable(b.failure)));
    }
  }

 private:
  std::shared_ptr<Batch> batch_;
  std::size_t index_;
};

Result<std::string> ttl_millis(const Ttl& ttl) {
  if (ttl && ttl->count() <= 0) return fail(Error::internal("cache: a ttl must be positive"));
  return ttl ? std::to_string(ttl->count()) : std::string();
}

// g++ 12's std::expected has no transform().
Status without_value(const Result<long long>& r) {
  if (!r) return fail(r.error());
  return {};
}

// A subscriber idle this long proves its link with a SUBSCRIBE to a channel nobody publishes to.
constexpr auto kPubsubHeartbeat = std::chrono::seconds(5);
constexpr const char* kHeartbeatChannel = "concord:cache:heartbeat";

// Sets the ttl only when the key has no expiry after the increment: see Cache::increment.
constexpr std::string_view kIncrementScript =
    "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
    "if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
    "return v";

}  // namespace

struct RedisCache::Impl : std::enable_shared_from_this<RedisCache::Impl> {
  Impl(RedisOptions opts, const RedisEndpoint& endpoint)
      : options(std::move(opts)),
        commands(io, settings(endpoint, "commands"),
                 {[this] { notify_start(); }, [this](const std::string& why) { rejected(why); }, {}, {}}),
        pubsub(io, settings(endpoint, "pubsub"),
               {[this] { on_pubsub_ready(); }, [this](const std::string& why) { rejected(why); },
                [this] { on_pubsub_lost(); }, [this](const redisReply& r) { on_push(r); }}) {}

  ~Impl() { shutdown(); }

  detail::RedisConnection::Settings settings(const RedisEndpoint& endpoint, std::string role) const {
    detail::RedisConnection::Settings s{endpoint, options.connect_timeout, options.command_timeout,
                                        options.reconnect_backoff_max, role};
    if (role == "pubsub") {
      s.heartbeat = kPubsubHeartbeat;
      s.heartbeat_channel = kHeartbeatChannel;
    }
    return s;
  }

  void start() {
    thread = std::thread([this] {
      // hiredis writes with write(2): a peer that went away would raise SIGPIPE. Blocked on this
      // thread (the only one writing to Redis sockets) the write just fails with EPIPE.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      for (;;) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          log::error("redis client: unexpected exception", {{"what", e.what()}});
        }
      }
    });
    asio::post(io, [this] {
      commands.start();
      pubsub.start();
    });
  }

  // Until both connections are ready or the server refused us, at most the connect timeout.
  Status wait_started() {
    std::unique_lock lock(start_mutex);
    start_cv.wait_for(lock, options.connect_timeout + std::chrono::milliseconds(50),
                      [&] { return !refusal.empty() || (commands.ready() && pubsub_ready.load()); });
    if (!refusal.empty()) return fail(Error::unavailable("redis refused the connection: " + refusal));
    if (!commands.ready() || !pubsub_ready.load()) {
      log::warn("redis not reachable yet; carrying on without it and retrying",
                {{"reason", commands.ready() ? pubsub.error() : commands.error()}});
    }
    return {};
  }

  void shutdown() {
    if (shut.exchange(true)) return;
    dispatcher.stop();
    asio::post(io, [this] {
      commands.stop();
      pubsub.stop();
      work.reset();
    });
    if (thread.joinable()) thread.join();
  }

  // ---- caller threads ----

  Result<RedisReply> call(std::initializer_list<std::string_view> args) {
    if (!commands.ready()) return fail(unavailable(commands.error()));
    auto done = std::make_unique<ReplyPromise>();
    auto reply = done->promise.get_future();
    asio::post(io, [this, cmd = detail::format_command(args), done = std::move(done)]() mutable {
      commands.send(cmd, std::move(done));
    });
    if (reply.wait_for(options.command_timeout) != std::future_status::ready) return fail(timed_out());
    return reply.get();
  }

  Result<std::vector<RedisReply>> pipeline(std::span<const RedisCommand> batch) {
    if (batch.empty()) return std::vector<RedisReply>{};
    if (!commands.ready()) return fail(unavailable(commands.error()));
    std::vector<std::string> formatted;
    formatted.reserve(batch.size());
    for (const auto& command : batch) {
      std::vector<std::string_view> args(command.begin(), command.end());
      formatted.push_back(detail::format_command(args));
    }
    auto state = std::make_shared<Batch>();
    state->replies.resize(batch.size());
    state->remaining = batch.size();
    auto replies = state->promise.get_future();
    asio::post(io, [this, formatted = std::move(formatted), state] {
      for (std::size_t i = 0; i < formatted.size(); ++i) {
        commands.send(formatted[i], std::make_unique<BatchSlot>(state, i));
      }
    });
    if (replies.wait_for(options.command_timeout) != std::future_status::ready) return fail(timed_out());
    return replies.get();
  }

  Result<std::uint64_t> subscribe(std::string_view channel, MessageHandler handler) {
    if (!pubsub_ready.load()) return fail(unavailable(pubsub_error()));
    auto id = dispatcher.add(std::string(channel), std::move(handler));
    auto confirmed = std::make_shared<std::promise<Status>>();
    auto done = confirmed->get_future();
    asio::post(io, [this, channel = std::string(channel), confirmed] {
      std::string_view args[] = {"SUBSCRIBE", channel};
      if (!pubsub_ready.load() || !pubsub.send_subscription(detail::format_command(args))) {
        confirmed->set_value(fail(unavailable(pubsub_error())));
        return;
      }
      server_channels.insert(channel);
      waiters[channel].push_back(confirmed);
    });
    bool answered = done.wait_for(options.command_timeout) == std::future_status::ready;
    Status status = answered ? done.get() : fail(timed_out());
    if (!status) {
      unsubscribe(id);
      return fail(status.error());
    }
    return id;
  }

  void unsubscribe(std::uint64_t id) {
    std::string channel;
    if (!dispatcher.remove(id, &channel)) return;
    asio::post(io, [this, channel = std::move(channel)] {
      // Checked here, in order with the SUBSCRIBEs: a new handler may have come meanwhile.
      if (dispatcher.has_handlers(channel) || server_channels.erase(channel) == 0) return;
      std::string_view args[] = {"UNSUBSCRIBE", channel};
      pubsub.send_subscription(detail::format_command(args));
    });
  }

  bool healthy() const { return commands.ready() && pubsub_ready.load(); }

  Error timed_out() const {
    return unavailable("no reply within " + std::to_string(options.command_timeout.count()) + " ms");
  }

  std::string pubsub_error() const {
    auto why = pubsub.error();
    return why.empty() ? "resubscribing" : why;
  }

  // ---- the io thread ----

  void on_pubsub_ready() {
    auto channels = dispatcher.channels();
    server_channels = {channels.begin(), channels.end()};
    if (channels.empty()) return became_subscribed();
    std::vector<std::string_view> args{"SUBSCRIBE"};
    args.insert(args.end(), channels.begin(), channels.end());
    resubscribing = channels.size();
    pubsub.send_subscription(detail::format_command(args));
  }

  void became_subscribed() {
    pubsub_ready.store(true);
    notify_start();
  }

  void on_pubsub_lost() {
    pubsub_ready.store(false);
    resubscribing = 0;
    server_channels.clear();
    for (auto& [channel, queue] : waiters) {
      for (auto& w : queue) w->set_value(fail(unavailable(pubsub.error())));
    }
    waiters.clear();
  }

  void on_push(const redisReply& r) {
    if (r.type != REDIS_REPLY_ARRAY || r.elements < 3) return;
    const auto* kind = r.element[0];
    const auto* channel = r.element[1];
    if (kind->type != REDIS_REPLY_STRING || channel->type != REDIS_REPLY_STRING) return;
    std::string_view k(kind->str, kind->len);
    if (k == "message" && r.element[2]->type == REDIS_REPLY_STRING) {
      dispatcher.post(std::string(channel->str, channel->len), std::string(r.element[2]->str, r.element[2]->len));
    } else if (k == "subscribe") {
      if (std::string_view(channel->str, channel->len) == kHeartbeatChannel) return;  // the link's, not a caller's
      if (resubscribing > 0) {
        if (--resubscribing == 0) became_subscribed();
        return;
      }
      auto it = waiters.find(std::string_view(channel->str, channel->len));
      if (it == waiters.end()) return;
      it->second.front()->set_value({});
      it->second.pop_front();
      if (it->second.empty()) waiters.erase(it);
    }
  }

  void rejected(const std::string& why) {
    {
      std::lock_guard lock(start_mutex);
      if (refusal.empty()) refusal = why;
    }
    start_cv.notify_all();
  }

  void notify_start() {
    { std::lock_guard lock(start_mutex); }
    start_cv.notify_all();
  }

  RedisOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  detail::Dispatcher dispatcher;
  detail::RedisConnection commands;
  detail::RedisConnection pubsub;

  // The io thread's own.
  std::set<std::string, std::less<>> server_channels;  // subscribed on the current connection
  std::map<std::string, std::deque<std::shared_ptr<std::promise<Status>>>, std::less<>> waiters;
  std::size_t resubscribing = 0;

  std::atomic<bool> pubsub_ready{false};
  std::mutex start_mutex;
  std::condition_variable start_cv;
  std::string refusal;
  std::atomic<bool> shut{false};
  std::thread thread;
};

namespace {

class RedisSubscription final : public Subscription {
 public:
  RedisSubscription(std::weak_ptr<RedisCache::Impl> impl, std::uint64_t id) : impl_(std::move(impl)), id_(id) {}
  ~RedisSubscription() override {
    if (auto impl = impl_.lock()) impl->unsubscribe(id_);
  }

 private:
  std::weak_ptr<RedisCache::Impl> impl_;
  std::uint64_t id_;
};

}  // namespace

Result<std::unique_ptr<RedisCache>> RedisCache::connect(RedisOptions options) {
  auto endpoint = parse_redis_url(options.url);
  if (!endpoint) return fail(endpoint.error());
  auto impl = std::make_shared<Impl>(std::move(options), *endpoint);
  impl->start();
  if (auto started = impl->wait_started(); !started) return fail(started.error());
  return std::unique_ptr<RedisCache>(new RedisCache(std::move(impl)));
}

RedisCache::RedisCache(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

RedisCache::~RedisCache() {
  impl_->shutdown();
}

Result<std::optional<std::string>> RedisCache::get(std::string_view key) {
  auto reply = impl_->call({"GET", key});
  if (reply && reply->type == RedisReply::Type::string) {
    count(Op::get, Outcome::hit);
    return std::move(reply->str);
  }
  if (reply && reply->type == RedisReply::Type::nil) {
    count(Op::get, Outcome::miss);
    return std::nullopt;
  }
  count(Op::get, Outcome::error);
  return fail(reply ? detail::error_of(*reply) : reply.error());
}

Status RedisCache::set(std::string_view key, std::string_view value, Ttl ttl) {
  auto px = ttl_millis(ttl);
  if (!px) return counted(Op::set, Status(fail(px.error())));
  auto reply = ttl ? impl_->call({"SET", key, value, "PX", *px}) : impl_->call({"SET", key, value});
  return counted(Op::set, detail::expect_ok(reply));
}

Status RedisCache::del(std::string_view key) {
  auto reply = impl_->call({"DEL", key});
  return counted(Op::del, without_value(detail::expect_integer(reply)));
}

Result<bool> RedisCache::set_if_absent(std::string_view key, std::string_view value, Ttl ttl) {
  auto px = ttl_millis(ttl);
  if (!px) return counted(Op::set_if_absent, Result<bool>(fail(px.error())));
  auto reply = ttl ? impl_->call({"SET", key, value, "NX", "PX", *px}) : impl_->call({"SET", key, value, "NX"});
  Result<bool> out = false;
  if (!reply || reply->type != RedisReply::Type::nil) {
    auto ok = detail::expect_ok(reply);
    out = ok ? Result<bool>(true) : Result<bool>(fail(ok.error()));
  }
  return counted(Op::set_if_absent, out);
}

Result<long long> RedisCache::increment(std::string_view key, long long by, Ttl ttl) {
  auto px = ttl_millis(ttl);
  if (!px) return counted(Op::increment, Result<long long>(fail(px.error())));
  auto delta = std::to_string(by);
  auto reply =
      ttl ? impl_->call({"EVAL", kIncrementScript, "1", key, delta, *px}) : impl_->call({"INCRBY", key, delta});
  return counted(Op::increment, detail::expect_integer(reply));
}

Status RedisCache::publish(std::string_view channel, std::string_view message) {
  auto reply = impl_->call({"PUBLISH", channel, message});
  return counted(Op::publish, without_value(detail::expect_integer(reply)));
}

Result<std::unique_ptr<Subscription>> RedisCache::subscribe(std::string_view channel, MessageHandler handler) {
  auto id = impl_->subscribe(channel, std::move(handler));
  count(Op::subscribe, id ? Outcome::ok : Outcome::error);
  if (!id) return fail(id.error());
  return std::make_unique<RedisSubscription>(impl_, *id);
}

bool RedisCache::healthy() {
  return impl_->healthy();
}

Result<std::vector<RedisReply>> RedisCache::pipeline(std::span<const RedisCommand> commands) {
  return impl_->pipeline(commands);
}

Result<std::unique_ptr<Cache>> make_redis_cache(RedisOptions options) {
  auto cache = RedisCache::connect(std::move(options));
  if (!cache) return fail(cache.error());
  return std::unique_ptr<Cache>(std::move(*cache));
}

}  // namespace concord::cache
