#pragma once
// The notifications service in this process over real HTTP: a file log in a temp dir, the
// memory cache, its loops turned by the test (settle()) rather than by threads, a fake
// authenticator ("Bearer member:<id>", "Bearer officer", "Bearer integrator", "Bearer admin"),
// and helpers that append contract-shaped events as the other services would.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "../../integration/events/temp_dir.hpp"
#include "concord/cache/memory_cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/events/file_log.hpp"
#include "concord/events/snapshot_store.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "concord/notifications/service.hpp"
#include "concord/service/api.hpp"
#include "contract_events.hpp"
#include "notifications/api/notifications_service.hpp"

namespace concord::notifications::testing {

inline Result<auth::Principal> fake_auth(std::optional<std::string_view> header) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  std::string_view h = *header;
  if (h == "Bearer officer") return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
  if (h == "Bearer admin") return auth::Principal{"admin-1", {auth::Role::admin}, {}, {}, {}};
  if (h == "Bearer integrator") return auth::Principal{"erp", {auth::Role::integrator}, {}, {}, {}};
  if (h.rfind("Bearer integrator:", 0) == 0)
    return auth::Principal{std::string(h.substr(18)), {auth::Role::integrator}, {}, {}, {}};
  if (h.rfind("Bearer expiring:", 0) == 0) {  // a member whose token expires at 2025-09-20T10:00:00Z
    std::string id(h.substr(16));
    return auth::Principal{
        "user-" + id, {auth::Role::delegation_member}, id, "d-" + id, *parse_rfc3339("2025-09-20T10:00:00Z")};
  }
  if (h.rfind("Bearer member:", 0) == 0) {
    std::string id(h.substr(14));
    return auth::Principal{"user-" + id, {auth::Role::delegation_member}, id, "d-" + id, {}};
  }
  return fail(Error::unauthorized("the token is not valid"));
}

// For what arrives over a socket on another thread (an SSE stream's events): the loops' work
// itself is done by Harness::settle(), without waiting.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class Harness {
 public:
  // Loops::stepped: the processor, deliverer and mailer have no threads; settle() turns them.
  // Loops::threads: they run as in production (the benchmark).
  enum class Loops { stepped, threads };
  explicit Harness(std::map<std::string, std::string> env = {}, Timestamp now = *parse_rfc3339("2025-09-20T09:00:00Z"),
                   bool access_log = false, Loops loops = Loops::stepped)
      : clock_(now), ids_(clock_), env_(Env::from_map(std::move(env))), access_log_(access_log), loops_(loops) {
    cache_ = cache::make_memory_cache(clock_);
    open();
  }
  ~Harness() { close(); }

  // Starts (again) on the same data directory, as a restarted process would.
  void open() {
    open_log();
    start_service();
  }
  // The log alone (when closed), so a test can append while the service is down.
  void open_log() {
    if (log_) return;
    auto log = events::open_file_log({dir_.path()});
    if (!log) throw std::runtime_error(log.error().detail);
    log_ = std::shared_ptr<events::EventLog>(std::move(*log));
    auto ensured = log_->ensure_topics({{"concord.notifications.v1"},
                                        {"concord.webhooks.dlq.v1"},
                                        {"concord.delegations.v1"},
                                        {"concord.scheduling.v1"},
                                        {"concord.documents.v1"},
                                        {"concord.delegations.private.v1"}});
    if (!ensured) throw std::runtime_error(ensured.error().detail);
  }
  void start_service() {
    context_ = std::unique_ptr<service::ServiceContext>(
        new service::ServiceContext{"notifications", log_, *cache_, clock_, ids_, env_});
    context_->snapshots.store = snapshots_;
    service_ = make_service(*context_);
    http::Router router;
    service_->mount(router);
    http::ServerOptions options;
    options.access_log = access_log_;
    options.sse_heartbeat = std::chrono::milliseconds(200);
    server_ = std::make_unique<http::Server>(options, std::move(router));
    server_->set_authenticator(fake_auth);
    server_->set_idempotency_store(cache_.get());
    if (auto s = server_->start(); !s) throw std::runtime_error(s.error().detail);
    if (auto s = service_->recover(); !s) throw std::runtime_error(s.error().detail);
    if (loops_ == Loops::threads)
      service_->start();
    else
      notifications().start_stepped();
  }

  // Turns the service's loops (processor with reminders and digests, deliverer, mailer) until
  // none has anything left to do: what their threads would do by themselves, here and at once.
  void settle() {
    for (int round = 0; round < 100; ++round) {
      auto handled = notifications().run_once();
      if (!handled) throw std::runtime_error("a notification loop failed: " + handled.error().detail);
      if (*handled == 0) return;
    }
    throw std::runtime_error("the notification loops still had work after 100 rounds");
  }
  // settle(), then whether `condition` holds.
  bool settled(const std::function<bool()>& condition) {
    settle();
    return condition();
  }
  NotificationsService& notifications() { return dynamic_cast<NotificationsService&>(*service_); }
  void close() {
    if (server_) server_->stop();
    if (service_) service_->stop();
    server_.reset();
    service_.reset();
    context_.reset();
    log_.reset();
  }

  // From the next open() on: state snapshots in the data directory (written when a test asks
  // the store for one), and a start from the latest usable one.
  void use_snapshots() {
    auto store = events::open_file_snapshots((dir_.path() / "snapshots").string());
    if (!store) throw std::runtime_error(store.error().detail);
    snapshots_ = *store;
  }
  std::filesystem::path snapshot_file() const { return dir_.path() / "snapshots" / "notifications.snapshot"; }

  unsigned short port() const { return server_->port(); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  ManualClock& clock() { return clock_; }
  events::EventLog& log() { return *log_; }
  cache::Cache& cache() { return *cache_; }

  struct Reply {
    int status = 0;
    http::Headers headers;
    nlohmann::json json;
    std::string body;
  };
  Reply call(http::Method m, const std::string& path, const std::string& token, const nlohmann::json& body = nullptr,
             http::Headers headers = {}) const {
    if (!token.empty()) headers.set("Authorization", "Bearer " + token);
    http::ClientRequest req{.method = m, .url = url(path), .headers = std::move(headers)};
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.set("Content-Type", "application/json");
    }
    auto r = http::fetch(req);
    if (!r) return Reply{0, {}, nullptr, r.error().detail};
    return Reply{r->status, r->headers, nlohmann::json::parse(r->body, nullptr, false), r->body};
  }
  Reply get(const std::string& path, const std::string& token) const { return call(http::Method::get, path, token); }

  // Appends one event as the service owning `topic` would, keyed by `key`.
  std::string append(const std::string& topic, const std::string& key, const std::string& type, nlohmann::json data) {
    auto e = make_event(type, std::move(data));
    if (auto s = log_->append(topic, key, {e}); !s) throw std::runtime_error(s.error().detail);
    return e.id;
  }
  events::Event make_event(const std::string& type, nlohmann::json data) {
    events::Event e;
    e.id = ids_.next();
    auto parts = type.substr(std::string("concord.").size());
    e.source = "/concord/" + parts.substr(0, parts.find('.'));
    e.type = type;
    e.subject = "test/" + e.id;
    e.time = clock_.now();
    e.sequence = 1;
    e.actor = "test";
    e.correlationid = "corr-" + e.id;
    e.data = std::move(data);
    return e;
  }
  void add_member(const std::string& id, const std::string& language, const std::string& zone) {
    append("concord.delegations.v1", "d-" + id, "concord.delegations.member.added",
           {{"member", contract::member(id, "d-" + id, language, zone)}});
  }
  // The member's inbox items (first page of up to 200).
  nlohmann::json inbox(const std::string& member, const std::string& query = "") const {
    auto r = get("/v1/inbox?limit=200" + query, "member:" + member);
    return r.status == 200 ? r.json["items"] : nlohmann::json::array();
  }

 private:
  events::testing::TempDir dir_{"concord-notifications-"};
  ManualClock clock_;
  UuidV7Generator ids_;
  Env env_;
  bool access_log_ = false;
  Loops loops_ = Loops::stepped;
  std::unique_ptr<cache::Cache> cache_;
  std::shared_ptr<events::EventLog> log_;
  std::shared_ptr<events::SnapshotStore> snapshots_;
  std::unique_ptr<service::ServiceContext> context_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace concord::notifications::testing
