#pragma once
// One writer of a made-up service, as a host wires it (a Store, its Replica, an HTTP server
// with the Idempotency-Key records in a cache shared with the other writers and the Replica's
// ledger), with one write route that can be held where a writer dies: before its commit or
// between its commit and its response. Two of these on one log (the file log, or two Kafka
// logs with one transactional id) play a writer that dies and the one that takes over. With a
// snapshot store, its state is snapshotted there and a start begins from the latest snapshot.
// The caller is "anonymous" unless the request says "Authorization: Bearer <subject>".
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "concord/cache/cache.hpp"
#include "concord/core/id.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "concord/service/replica.hpp"
#include "concord/service/store.hpp"

namespace concord::service::testing {

struct Things {
  std::vector<std::string> ids;
};

inline StateCodec<Things> things_codec() {
  return {1, [](const Things& s) { return nlohmann::json(s.ids).dump(); },
          [](std::string_view bytes) { return Things{nlohmann::json::parse(bytes).get<std::vector<std::string>>()}; }};
}

// `n` events of requests made under no key, as the route writes them.
inline std::vector<events::Event> unkeyed_things(int n) {
  std::vector<events::Event> out;
  for (int i = 0; i < n; ++i) {
    events::Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/things";
    e.type = "concord.things.thing.created";
    e.subject = "thing/" + e.id;
    e.sequence = 1;
    e.time = Timestamp{std::chrono::milliseconds(1'760'000'000'000)};
    e.data = {{"id", e.id}};
    out.push_back(std::move(e));
  }
  return out;
}

class Writer {
 public:
  // Where the route's handler is held until release(): as a writer that dies there.
  enum class DiesAt { never, before_commit, after_commit };

  Writer(std::shared_ptr<events::EventLog> log, cache::Cache& cache, std::string topic,
         std::shared_ptr<events::SnapshotStore> snapshots = nullptr)
      : topic_(std::move(topic)),
        store_(log, [](Things& s, const std::string&, const events::Event& e) { s.ids.push_back(e.data["id"]); }),
        replica_({.service = "things", .own_topics = {topic_}, .addresses = {{"thing", "/v1/things/"}}}, log, nullptr) {
    // Snapshots only when asked for (snapshot_now()): never in the background.
    store_.use_snapshots(
        "things", things_codec(),
        {.store = std::move(snapshots), .every_events = 1LL << 40, .interval = std::chrono::hours(24)});
    replica_.track(store_);
    http::Router router;
    router.post("/v1/things", [this](http::Request& request) -> Result<http::Response> { return create(request); });
    server_ = std::make_unique<http::Server>(
        http::ServerOptions{.service = "things", .shutdown_grace = std::chrono::seconds(1), .access_log = false},
        std::move(router));
    server_->set_authenticator([](std::optional<std::string_view> header) -> Result<auth::Principal> {
      std::string subject = header && header->starts_with("Bearer ") ? std::string(header->substr(7)) : "anonymous";
      return auth::Principal{.subject = subject, .roles = {auth::Role::admin}};
    });
    server_->set_idempotency_store(&cache);
    server_->set_idempotency_ledger(replica_.idempotency_ledger());
    server_->set_finisher([this](const http::Request& q, http::Response& r) { replica_.finish(q, r); });
  }
  ~Writer() {
    release();
    server_->stop();
  }

  Status replay() {
    if (auto s = store_.replay({topic_}); !s) return s;
    replica_.start();
    return server_->start();
  }
  // What promotion does once the previous writer is fenced.
  Status catch_up() { return store_.catch_up({topic_}); }

  Result<events::Snapshot> snapshot_now() { return store_.snapshot_now(); }
  Store<Things>::Recovery recovery() const { return store_.recovery(); }
  // The routes as a console in the same process mounts them.
  http::Router in_process_routes() const { return server_->in_process_routes(); }

  void dies_at(DiesAt where) { dies_at_ = where; }
  // Waits until a request is held where the writer dies.
  void wait_until_held() { held_.get_future().wait(); }
  // Lets the held handler go on, as the dead writer's thread never would: it answers 503 and
  // writes nothing more.
  void release() {
    if (!released_.exchange(true)) release_.set_value();
  }

  Result<http::ClientResponse> post(const std::string& key, const std::string& body,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return post_to(url(), key, body, {}, timeout);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/things"; }
  // A POST under `key`, as `subject` (Authorization: Bearer <subject>) when one is given.
  static Result<http::ClientResponse> post_to(const std::string& url, const std::string& key, const std::string& body,
                                              const std::string& subject = {},
                                              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    http::ClientRequest request{.method = http::Method::post, .url = url, .body = body, .timeout = timeout};
    request.headers.set("Idempotency-Key", key);
    request.headers.set("Content-Type", "application/json");
    if (!subject.empty()) request.headers.set("Authorization", "Bearer " + subject);
    return http::fetch(request);
  }

  int handled() const { return handled_; }
  std::vector<std::string> ids() const {
    return store_.read([](const Things& s) { return s.ids; });
  }

 private:
  Result<http::Response> create(http::Request&) {
    ++handled_;
    auto where = dies_at_.load();
    auto hold = [&] {
      held_.set_value();
      release_future_.wait();
    };
    if (where == DiesAt::before_commit) {
      hold();
      return fail(Error::unavailable("this writer died before it committed"));
    }
    std::string id = new_uuid_v7();
    auto written = store_.write([&](const Things&) -> Result<std::vector<Append>> {
      events::Event e;
      e.id = new_uuid_v7();
      e.source = "/concord/things";
      e.type = "concord.things.thing.created";
      e.subject = "thing/" + id;
      e.sequence = 1;
      e.time = Timestamp{std::chrono::milliseconds(1'760'000'000'000)};
      e.data = {{"id", id}};
      return std::vector<Append>{{topic_, id, {e}}};
    });
    if (!written) return fail(written.error());
    if (where == DiesAt::after_commit) {
      hold();
      return fail(Error::unavailable("this writer died before it answered"));
    }
    auto response = http::Response::json(201, {{"id", id}});
    response.headers.set("Location", "/v1/things/" + id);
    return response;
  }

  std::string topic_;
  Store<Things> store_;
  Replica replica_;
  std::unique_ptr<http::Server> server_;
  std::atomic<DiesAt> dies_at_{DiesAt::never};
  std::atomic<int> handled_{0};
  std::promise<void> held_;
  std::promise<void> release_;
  std::shared_future<void> release_future_{release_.get_future().share()};
  std::atomic<bool> released_{false};
};

}  // namespace concord::service::testing
