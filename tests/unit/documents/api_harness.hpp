#pragma once
// The documents service in-process over real HTTP: its routes on an http::Server on port 0, a
// file log in a temp dir, the memory cache, a ManualClock and a fake authenticator whose tokens
// say who the caller is ("officer", "integrator", "member:<member id>:<delegation id>").
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "concord/cache/memory_cache.hpp"
#include "concord/core/id.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/documents/service.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "ed25519_key.hpp"

namespace concord::documents::testing {

inline Result<auth::Principal> fake_auth(std::optional<std::string_view> header) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  std::string_view h = *header;
  if (!h.starts_with("Bearer ")) return fail(Error::unauthorized("not a bearer token"));
  h.remove_prefix(7);
  if (h == "officer") return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
  if (h == "integrator") return auth::Principal{"erp", {auth::Role::integrator}, {}, {}, {}};
  if (h.starts_with("member:")) {
    auto rest = std::string(h.substr(7));
    auto colon = rest.find(':');
    return auth::Principal{"member-" + rest.substr(0, colon),
                           {auth::Role::delegation_member},
                           rest.substr(0, colon),
                           rest.substr(colon + 1),
                           {}};
  }
  return fail(Error::unauthorized("the token is not valid"));
}

class LockedIds final : public IdGenerator {
 public:
  std::string next() override {
    std::lock_guard lock(m_);
    return ids_.next();
  }

 private:
  std::mutex m_;
  SequentialIdGenerator ids_;
};

struct Reply {
  int status = 0;
  http::Headers headers;
  nlohmann::json json;
  std::string body;
};

class TempDirectory {
 public:
  TempDirectory() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("concord-documents-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class Harness {
 public:
  explicit Harness(std::filesystem::path dir, Timestamp start = *parse_rfc3339("2026-11-28T10:00:00Z"))
      : clock(start), dir_(std::move(dir)), cache_(cache::make_memory_cache(clock)) {}
  ~Harness() { stop(); }

  void start() {
    auto opened = events::open_file_log({.directory = dir_});
    ASSERT_TRUE(opened) << opened.error().detail;
    log = std::move(*opened);
    ASSERT_TRUE(log->ensure_topics({{"concord.documents.v1"}, {"concord.delegations.v1"}, {"concord.scheduling.v1"}}));
    context_ = std::unique_ptr<service::ServiceContext>(
        new service::ServiceContext{"documents", log, *cache_, clock, ids, env_});
    service_ = make_service(*context_);
    http::Router router;
    service_->mount(router);
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, std::move(router));
    server_->set_authenticator(fake_auth);
    server_->set_idempotency_store(cache_.get());
    ASSERT_TRUE(server_->start());
    auto recovered = service_->recover();
    ASSERT_TRUE(recovered) << recovered.error().detail;
    service_->start();
  }

  // The log alone, with the service stopped: what another service writes meanwhile.
  void open_log_only() {
    auto opened = events::open_file_log({.directory = dir_});
    ASSERT_TRUE(opened) << opened.error().detail;
    log = std::move(*opened);
  }

  void stop() {
    if (server_) server_->stop();
    if (service_) service_->stop();
    server_.reset();
    service_.reset();
    context_.reset();
    log.reset();
  }

  Reply call(http::Method m, const std::string& path, const std::string& who, const nlohmann::json& body = nullptr,
             http::Headers headers = {}) {
    if (!who.empty()) headers.set("Authorization", "Bearer " + who);
    http::ClientRequest req{.method = m,
                            .url = "http://127.0.0.1:" + std::to_string(server_->port()) + path,
                            .headers = std::move(headers)};
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.set("Content-Type", "application/json");
    }
    return send(std::move(req));
  }
  Reply call_raw(http::Method m, const std::string& path, const std::string& who, std::string body) {
    http::ClientRequest req{.method = m, .url = "http://127.0.0.1:" + std::to_string(server_->port()) + path};
    req.headers.set("Authorization", "Bearer " + who);
    req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
    return send(std::move(req));
  }

  Reply get(const std::string& path, const std::string& who = "officer") { return call(http::Method::get, path, who); }
  Reply post(const std::string& path, const nlohmann::json& body, const std::string& who = "officer",
             http::Headers headers = {}) {
    return call(http::Method::post, path, who, body, std::move(headers));
  }

  // Events of other services, as their writers would append them.
  void append(const std::string& topic, const std::string& key, const std::string& type, nlohmann::json data) {
    events::Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/" + topic.substr(8, topic.find('.', 8) - 8);
    e.type = type;
    e.subject = key;
    e.time = clock.now();
    e.sequence = ++sequences_[key];
    e.actor = "test";
    e.data = std::move(data);
    auto st = log->append(topic, key, {e});
    ASSERT_TRUE(st) << st.error().detail;
  }
  void delegation(const std::string& id, const std::string& visit) {
    append("concord.delegations.v1", id, "concord.delegations.delegation.registered",
           {{"delegation",
             {{"id", id},
              {"visit_id", visit},
              {"country", "KG"},
              {"side", "host"},
              {"name", {{"en", "Delegation"}}},
              {"head_member_id", nullptr},
              {"version", 1}}}});
  }
  void member(const std::string& id, const std::string& delegation, const std::string& visit, const Ed25519Key& key,
              long long version = 1) {
    append("concord.delegations.v1", delegation,
           version == 1 ? "concord.delegations.member.added" : "concord.delegations.member.updated",
           {{"member",
             {{"id", id},
              {"delegation_id", delegation},
              {"visit_id", visit},
              {"full_name", {{"en", "M"}}},
              {"rank", "minister"},
              {"status", "active"},
              {"public_key", crypto::base64_encode(key.public_raw())},
              {"version", version}}}});
  }
  void meeting(const std::string& type, const std::string& id, const std::string& visit, const std::string& start,
               const std::string& end, const std::string& status, long long version,
               nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json data = {{"meeting",
                            {{"id", id},
                             {"visit_id", visit},
                             {"title", {{"en", "Signing"}}},
                             {"kind", "signing_ceremony"},
                             {"start", start},
                             {"end", end},
                             {"venue_id", nullptr},
                             {"time_zone", "Asia/Bishkek"},
                             {"participants", nlohmann::json::array()},
                             {"status", status},
                             {"version", version}}}};
    data.update(extra);
    append("concord.scheduling.v1", visit, type, data);
  }

  template <class Pred>
  bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }

  unsigned short port() const { return server_->port(); }

  std::shared_ptr<events::EventLog> log;
  ManualClock clock;
  LockedIds ids;

 private:
  Reply send(http::ClientRequest req) {
    auto r = http::fetch(req);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    if (!r) return {};
    Reply out{r->status, r->headers, nlohmann::json::parse(r->body, nullptr, false), r->body};
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<cache::Cache> cache_;
  Env env_ = Env::from_map({{"CONCORD_DOCUMENTS_TICK", "50ms"}});
  std::unique_ptr<service::ServiceContext> context_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<http::Server> server_;
  std::map<std::string, long long> sequences_;
};

}  // namespace concord::documents::testing
