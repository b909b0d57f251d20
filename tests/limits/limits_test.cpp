// Every limit in the README's limits table, hit once: what a hostile or broken client meets
// when it sends too much, too deep, too slowly or too often. Each answer is a 4xx problem+json
// (or a closed connection where no request had started), never a 5xx or a hang.
//
// The service-level rows run the four real services in process (tests/fuzz/api_world.hpp:
// routing, authentication and the handlers, without sockets); the connection-level rows run
// the real HTTP server on a loopback port.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../fuzz/api_world.hpp"
#include "../unit/http/raw_client.hpp"
#include "concord/core/json_input.hpp"
#include "concord/core/log.hpp"
#include "concord/http/server.hpp"

using namespace concord;
using namespace std::chrono_literals;
using concord::testing::RawClient;
using concord::testing::status_of;
using json = nlohmann::json;

namespace {

fuzzing::World& world() {
  return fuzzing::World::get();
}

http::Response post(const std::string& target, const std::string& body, std::string_view token = "officer") {
  return world().call(http::Method::post, target, token, body);
}

json problem(const http::Response& r) {
  return json::parse(r.body, nullptr, false);
}

bool names_pointer(const http::Response& r, const std::string& pointer) {
  for (const auto& e : problem(r).value("errors", json::array()))
    if (e.value("pointer", "") == pointer) return true;
  return false;
}

json member_body() {
  return {{"full_name", {{"en", "Ivan Petrov"}}},
          {"position", {{"en", "Minister"}}},
          {"rank", "minister"},
          {"languages", {"ru"}},
          {"time_zone", "Europe/Minsk"},
          {"is_head", false},
          {"contact", {{"email", "ivan@gov.example.org"}}}};
}

// --- bodies -----------------------------------------------------------------------------------

TEST(Limits, a_body_over_one_mebibyte_is_413_on_every_write_route) {
  std::string big(1024 * 1024 + 1, ' ');
  for (const char* target : {"/v1/venues", "/v1/visits", "/v1/delegations", "/v1/documents", "/v1/webhooks",
                             "/v1/delegations/{delegation}/members", "/v1/visits/{visit}/meetings"}) {
    auto r = post(target, big);
    EXPECT_EQ(r.status, 413) << target;
  }
}

TEST(Limits, a_document_version_may_be_two_mebibytes_and_no_more) {
  // The route takes 2 MiB of content plus 64 KiB for the rest of the body.
  std::string content(1536 * 1024, 'a');
  auto ok = post("/v1/documents/{document}/versions", json{{"language", "ru"}, {"content", content}}.dump());
  EXPECT_NE(ok.status, 413) << ok.body.substr(0, 300);
  auto too_long = post("/v1/documents/{document}/versions",
                       json{{"language", "ru"}, {"content", std::string(2 * 1024 * 1024 + 1, 'a')}}.dump());
  EXPECT_EQ(too_long.status, 400) << too_long.body.substr(0, 300);
  std::string over(2 * 1024 * 1024 + 64 * 1024 + 1, ' ');
  EXPECT_EQ(post("/v1/documents/{document}/versions", over).status, 413);
}

// --- JSON shape -------------------------------------------------------------------------------

TEST(Limits, json_nested_deeper_than_64_is_400_on_every_write_route) {
  std::string deep = std::string(65, '[') + std::string(65, ']');
  std::string deep_object;
  for (int i = 0; i < 100000; ++i) deep_object += "{\"a\":";  // half a MiB of nesting: no recursion
  for (const char* target : {"/v1/venues", "/v1/visits", "/v1/delegations", "/v1/documents", "/v1/webhooks",
                             "/v1/delegations/{delegation}/members", "/v1/documents/{document}/approvals"}) {
    std::string_view who = std::string_view(target) == "/v1/webhooks" ? "integrator" : "officer";
    auto r = post(target, "{\"x\":" + deep + "}", who);
    EXPECT_EQ(r.status, 400) << target << r.body;
    EXPECT_EQ(post(target, deep_object, who).status, 400) << target;
  }
}

TEST(Limits, a_wide_object_is_400_and_the_answer_stays_small) {
  // ~70,000 unknown members in one MiB: every one is refused, but the problem lists a bounded
  // number of them, so a client cannot make the server write many times what it sent.
  std::string wide = "{";
  for (int i = 0; wide.size() < 1024 * 1024 - 32; ++i) wide += "\"k" + std::to_string(i) + "\":0,";
  wide.back() = '}';
  auto r = post("/v1/delegations", wide);
  EXPECT_EQ(r.status, 400);
  EXPECT_LT(r.body.size(), 64u * 1024) << "a 1 MiB body made a " << r.body.size() << "-byte answer";
}

TEST(Limits, every_string_field_of_a_member_has_a_length_limit) {
  for (const char* field : {"rank", "time_zone", "full_name", "position"}) {
    auto body = member_body();
    std::string long_text(100 * 1024, 'x');
    if (body[field].is_object())
      body[field]["en"] = long_text;
    else
      body[field] = long_text;
    auto r = post("/v1/delegations/{delegation}/members", body.dump());
    EXPECT_EQ(r.status, 400) << field << ": " << r.body.substr(0, 300);
  }
  auto body = member_body();
  body["contact"]["email"] = std::string(100 * 1024, 'e') + "@example.org";
  EXPECT_EQ(post("/v1/delegations/{delegation}/members", body.dump()).status, 400);
}

TEST(Limits, lists_in_bodies_have_item_limits) {
  json participants = json::array();
  for (int i = 0; i < 1001; ++i) participants.push_back("{member}");
  auto r = post("/v1/visits/{visit}/meetings", json{{"title", {{"en", "Talks"}}},
                                                    {"kind", "expanded_format"},
                                                    {"start", "2025-09-28T15:00:00+03:00"},
                                                    {"end", "2025-09-28T16:00:00+03:00"},
                                                    {"venue_id", "{venue}"},
                                                    {"participants", participants}}
                                                   .dump());
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_TRUE(names_pointer(r, "/participants")) << r.body.substr(0, 300);
  json types = json::array();
  for (int i = 0; i < 51; ++i) types.push_back("concord.scheduling.*");
  auto w = post("/v1/webhooks", json{{"url", "http://127.0.0.1:9/h"}, {"event_types", types}}.dump(), "integrator");
  EXPECT_EQ(w.status, 400) << w.body.substr(0, 300);
}

// --- query strings ----------------------------------------------------------------------------

TEST(Limits, page_size_is_1_to_200_and_cursors_are_only_ours) {
  for (const char* q : {"limit=0", "limit=201", "limit=-1", "limit=1e3", "cursor=zz",
                        "cursor=", "cursor=00000000000000000000000000000000000000000000"}) {
    auto r = world().call(http::Method::get, std::string("/v1/delegations?") + q, "officer");
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
  }
  EXPECT_EQ(world().call(http::Method::get, "/v1/delegations?limit=200", "officer").status, 200);
}

TEST(Limits, a_compressed_body_is_415) {
  auto r =
      world().call(http::Method::post, "/v1/venues", "officer", "\x1f\x8b\x08\x00", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 415) << r.body;
}

TEST(Limits, an_idempotency_key_is_at_most_255_characters) {
  auto r =
      world().call(http::Method::post, "/v1/venues", "officer", "{}", {{"Idempotency-Key", std::string(256, 'k')}});
  EXPECT_EQ(r.status, 400) << r.body;
}

// --- connections ------------------------------------------------------------------------------

class ConnectionLimits : public ::testing::Test {
 protected:
  void start(http::ServerOptions options) {
    log::set_level(log::Level::error);
    options.access_log = false;
    http::Router router;
    router.post("/v1/echo", [](http::Request& req) -> Result<http::Response> {
      auto doc = json_input::parse_object(req.body);
      if (!doc) return fail(doc.error());
      return http::Response::json(201, *doc);
    });
    server_ = std::make_unique<http::Server>(options, std::move(router));
    server_->set_authenticator([](std::optional<std::string_view>) -> Result<auth::Principal> {
      return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
    });
    ASSERT_TRUE(server_->start());
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::unique_ptr<http::Server> server_;
};

TEST_F(ConnectionLimits, a_body_trickling_in_is_408_after_the_request_timeout) {
  // The request timeout is shorter than the idle timeout (as by default: 30 s and 60 s): it
  // once waited for the idle timeout's deadline instead, so a slow body held a connection for
  // up to twice as long as configured.
  start({.idle_timeout = 60s, .request_timeout = 500ms});
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"a\":"));
  auto started = std::chrono::steady_clock::now();
  std::string got;
  for (int i = 0; i < 40 && got.empty() && !c.closed_by_peer(); ++i) {
    c.send(" ");
    got = c.read(100ms);
  }
  EXPECT_EQ(status_of(got), 408) << got;
  EXPECT_NE(got.find("application/problem+json"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ConnectionLimits, many_small_headers_adding_up_past_8_KiB_are_431) {
  start({});
  RawClient c(server_->port());
  std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 1000; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  ASSERT_TRUE(c.send(head + "\r\n"));
  EXPECT_EQ(status_of(c.read(2s)), 431);
}

TEST_F(ConnectionLimits, a_request_target_longer_than_the_header_limit_is_431) {
  start({});
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("GET /v1/echo?q=" + std::string(9000, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_of(c.read(2s)), 431);
}

TEST_F(ConnectionLimits, a_flood_of_connections_is_answered_429_beyond_the_cap_and_the_server_recovers) {
  // 300 clients at once against a cap of 50: everyone gets an answer (200 or 429 with
  // Retry-After), nobody waits past the timeouts, and once they are gone the server serves again.
  start({.idle_timeout = 2s, .max_connections = 50});
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 300; ++i) clients.push_back(std::make_unique<RawClient>(server_->port()));
  int ok = 0, refused = 0, other = 0;
  for (auto& c : clients) {
    if (!c->connected()) {
      ++other;
      continue;
    }
    c->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  for (auto& c : clients) {
    auto status = status_of(c->read(3s, "}"));
    if (status == 200)
      ++ok;
    else if (status == 429)
      ++refused;
    else
      ++other;
  }
  std::printf("flood: %d served, %d refused with 429, %d other\n", ok, refused, other);
  EXPECT_GE(ok, 50);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(other, 0);
  clients.clear();
  std::this_thread::sleep_for(200ms);
  RawClient after(server_->port());
  ASSERT_TRUE(after.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_of(after.read(2s, "}")), 200);
}

}  // namespace
