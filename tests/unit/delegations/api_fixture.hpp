#pragma once
// The delegations service in-process over real HTTP: a server on a free port with the service's
// routes, a file log in a temporary directory, a memory cache and a fake authenticator
// ("Bearer officer", "Bearer integrator", "Bearer member:<member id>").
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "concord/cache/memory_cache.hpp"
#include "concord/core/config.hpp"
#include "concord/core/id.hpp"
#include "concord/core/log.hpp"
#include "concord/delegations/service.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"

namespace concord::delegations::testing {

inline Result<auth::Principal> fake_auth(std::optional<std::string_view> header) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  std::string_view h = *header;
  if (h == "Bearer officer") return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
  if (h == "Bearer admin") return auth::Principal{"admin-1", {auth::Role::admin}, {}, {}, {}};
  if (h == "Bearer integrator") return auth::Principal{"erp", {auth::Role::integrator}, {}, {}, {}};
  // A person of an OpenID Connect issuer, signed in as a delegation_member with no member claims:
  // who they are is whatever their identity is linked to.
  if (h.starts_with("Bearer person:")) {
    auth::Principal p{std::string(h.substr(14)), {auth::Role::delegation_member}, {}, {}, {}};
    p.issuer = "https://idp.example";
    return p;
  }
  if (h.starts_with("Bearer member:")) {
    std::string id(h.substr(14));
    return auth::Principal{"member-" + id, {auth::Role::delegation_member}, id, "unused-claim", {}};
  }
  return fail(Error::unauthorized("the token is not valid"));
}

class TempDirectory {
 public:
  TempDirectory() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("concord-delegations-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
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

struct Reply {
  int status = 0;
  http::Headers headers;
  nlohmann::json body;
  std::string text;
  std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
};

class DelegationsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::error);  // the service's info lines would bury the test output
    start();
  }
  void TearDown() override { stop(); }

  // Opens the log, rebuilds the service from it and serves it.
  // `wrap` may put a decorator around the file log (to inject failures).
  using Wrap = std::function<std::shared_ptr<events::EventLog>(std::shared_ptr<events::EventLog>)>;
  void start(cache::Cache* cache = nullptr, Wrap wrap = {}) {
    auto opened = events::open_file_log({.directory = dir_.path() / "log"});
    ASSERT_TRUE(opened) << opened.error().detail;
    log_ = std::move(*opened);
    if (wrap) log_ = wrap(log_);
    ASSERT_TRUE(log_->ensure_topics({{"concord.delegations.v1"}, {"concord.delegations.private.v1"}}));
    if (!memory_cache_) memory_cache_ = cache::make_memory_cache(clock_);
    cache_ = cache ? cache : memory_cache_.get();
    context_ = std::make_unique<service::ServiceContext>(
        service::ServiceContext{"delegations", log_, *cache_, clock_, ids_, env_});
    service_ = make_service(*context_);
    http::Router router;
    service_->mount(router);
    ASSERT_TRUE(service_->recover());
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, std::move(router));
    server_->set_authenticator(fake_auth);
    server_->set_idempotency_store(cache_);
    ASSERT_TRUE(server_->start());
  }
  void stop() {
    if (server_) server_->stop();
    server_.reset();
    service_.reset();
    context_.reset();
    log_.reset();
  }
  void restart() {
    stop();
    start();
  }

  Reply call(http::Method method, const std::string& path, const std::string& token,
             const nlohmann::json& body = nullptr, http::Headers headers = {}) {
    http::ClientRequest req{.method = method,
                            .url = "http://127.0.0.1:" + std::to_string(server_->port()) + path,
                            .headers = std::move(headers)};
    if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
    if (!body.is_null()) {
      req.headers.set("Content-Type", "application/json");
      req.body = body.dump();
    }
    auto r = http::fetch(req);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    if (!r) return {};
    return Reply{r->status, r->headers, nlohmann::json::parse(r->body, nullptr, false), r->body};
  }
  Reply get(const std::string& path, const std::string& token = "officer") {
    return call(http::Method::get, path, token);
  }
  Reply post(const std::string& path, const nlohmann::json& body, const std::string& token = "officer",
             http::Headers headers = {}) {
    return call(http::Method::post, path, token, body, std::move(headers));
  }
  Reply patch(const std::string& path, const nlohmann::json& body, const std::string& token = "officer",
              http::Headers headers = {}) {
    return call(http::Method::patch, path, token, body, std::move(headers));
  }
  Reply put(const std::string& path, const nlohmann::json& body, const std::string& token = "officer",
            http::Headers headers = {}) {
    return call(http::Method::put, path, token, body, std::move(headers));
  }

  static constexpr const char* kVisit = "01900000-0000-7000-8000-0000000000aa";

  std::string new_delegation(const std::string& country, const std::string& side = "guest",
                             const std::string& visit = kVisit) {
    auto r =
        post("/v1/delegations",
             {{"visit_id", visit}, {"country", country}, {"side", side}, {"name", {{"en", country + " delegation"}}}});
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", "");
  }
  static nlohmann::json member_body(const std::string& name, const std::string& rank) {
    return {{"full_name", {{"en", name}}},
            {"position", {{"en", "Position of " + name}}},
            {"rank", rank},
            {"languages", {"ru", "en"}},
            {"time_zone", "Europe/Minsk"}};
  }
  std::string new_member(const std::string& delegation_id, const nlohmann::json& body) {
    auto r = post("/v1/delegations/" + delegation_id + "/members", body);
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("id", "");
  }

  static void expect_problem(const Reply& r, int status, const std::string& pointer = {}) {
    EXPECT_EQ(r.status, status) << r.text;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json") << r.text;
    EXPECT_EQ(r.body.value("status", 0), status);
    if (!pointer.empty()) {
      bool found = false;
      for (const auto& e : r.body.value("errors", nlohmann::json::array())) found |= e.value("pointer", "") == pointer;
      EXPECT_TRUE(found) << "no error at " << pointer << " in " << r.text;
    }
  }

  TempDirectory dir_;
  SystemClock clock_;
  UuidV7Generator ids_{clock_};
  Env env_ = Env::from_map({});
  std::unique_ptr<cache::Cache> memory_cache_;
  cache::Cache* cache_ = nullptr;
  std::shared_ptr<events::EventLog> log_;
  std::unique_ptr<service::ServiceContext> context_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace concord::delegations::testing
