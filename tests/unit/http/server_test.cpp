#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <thread>

#include "concord/core/json_input.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "fake_cache.hpp"
#include "raw_client.hpp"

using namespace concord;
using namespace concord::http;
using namespace std::chrono_literals;
using concord::testing::RawClient;
using concord::testing::status_of;

namespace {

Result<auth::Principal> fake_auth(std::optional<std::string_view> header) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  if (*header == "Bearer officer") return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
  if (*header == "Bearer member") return auth::Principal{"member-1", {auth::Role::delegation_member}, "m1", "d1", {}};
  return fail(Error::unauthorized("the token is not valid"));
}

nlohmann::json body_of(const ClientResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.access_log = false;
    router_.post("/v1/echo", [](Request& req) -> Result<Response> {
      auto doc = json_input::parse_object(req.body);
      if (!doc) return fail(doc.error());
      return Response::json(201, {{"echo", *doc}, {"by", req.who().subject}});
    });
    router_.get("/v1/things/{id}", [](Request& req) -> Result<Response> {
      return Response::json(200, {{"id", req.param("id")}, {"q", req.query_param("q").value_or("")}});
    });
    router_.get("/v1/officers-only", [](Request& req) -> Result<Response> {
      if (!req.who().has(auth::Role::protocol_officer)) return fail(Error::forbidden("protocol officers only"));
      return Response::no_content();
    });
    router_.post(
        "/v1/small", [](Request&) -> Result<Response> { return Response::no_content(); },
        RouteOptions{.body_limit = 16});
    router_.post("/v1/slow", [this](Request&) -> Result<Response> {
      entered_.count_down();
      std::this_thread::sleep_for(slow_for_);
      return Response::json(201, {{"n", ++slow_calls_}});
    });
    router_.post("/v1/held", [this](Request&) -> Result<Response> {
      {
        std::lock_guard lock(held_mutex_);
        ++held_inside_;
      }
      held_cv_.notify_all();
      std::unique_lock lock(held_mutex_);
      held_cv_.wait(lock, [this] { return held_open_; });
      return Response::no_content();
    });
    router_.get(
        "/v1/large",
        [](Request&) -> Result<Response> {
          return Response::text(200, std::string(32 << 20, 'x'));  // far more than the socket buffers hold
        },
        RouteOptions{.public_route = true});
    router_.get("/v1/stream", [this](Request&) -> Result<Response> {
      return Response::event_stream([this](std::shared_ptr<EventStream> s) { stream_promise_.set_value(s); });
    });
    server_ = std::make_unique<Server>(options, std::move(router_));
    server_->set_authenticator(fake_auth);
    server_->set_idempotency_store(&cache_);
    server_->set_readiness([this] { return Readiness{ready_.load(), {{"replay", ready_ ? "done" : "running"}}}; });
    ASSERT_TRUE(server_->start());
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  ClientResponse call(Method m, const std::string& path, std::string body = {}, Headers headers = {}) {
    ClientRequest req{.method = m, .url = url(path), .headers = std::move(headers), .body = std::move(body)};
    auto r = fetch(req);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : ClientResponse{};
  }
  static Headers officer() {
    Headers h;
    h.set("Authorization", "Bearer officer");
    h.set("Content-Type", "application/json");
    return h;
  }

  Router router_;
  std::unique_ptr<Server> server_;
  concord::testing::MapCache cache_;
  std::atomic<bool> ready_{true};
  std::latch entered_{1};
  std::chrono::milliseconds slow_for_{300ms};
  std::atomic<int> slow_calls_{0};
  std::promise<std::shared_ptr<EventStream>> stream_promise_;
  // /v1/held: a write stuck on its append until held_open_ (a broker that stalls).
  std::mutex held_mutex_;
  std::condition_variable held_cv_;
  int held_inside_ = 0;
  bool held_open_ = false;
};

}  // namespace

TEST_F(ServerTest, a_route_may_take_a_credential_other_than_the_header_when_the_header_is_absent) {
  std::atomic<int> asked{0};
  router_.get(
      "/v1/ticketed",
      [](Request& req) -> Result<Response> {
        return Response::json(200, {{"by", req.who().subject}});
      },
      RouteOptions{.header_free_credential = [&asked](const Request& req) -> Result<auth::Principal> {
        ++asked;
        if (req.query_param("ticket") == "good")
          return auth::Principal{"ticket-holder", {auth::Role::delegation_member}, "m1", "d1", {}};
        return fail(Error::unauthorized("the ticket is not valid"));
      }});
  start();
  auto good = call(Method::get, "/v1/ticketed?ticket=good");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(body_of(good)["by"], "ticket-holder");
  auto bad = call(Method::get, "/v1/ticketed?ticket=bad");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers.get("Content-Type").value_or(""), "application/problem+json");
  EXPECT_TRUE(bad.headers.get("WWW-Authenticate").has_value());
  // With the header, the header decides and the other credential is not consulted.
  auto with_header = call(Method::get, "/v1/ticketed?ticket=bad", {}, officer());
  EXPECT_EQ(with_header.status, 200);
  EXPECT_EQ(body_of(with_header)["by"], "officer-1");
  EXPECT_EQ(asked.load(), 2);
  // Routes without the option still want the header.
  EXPECT_EQ(call(Method::get, "/v1/officers-only?ticket=good").status, 401);
}

TEST_F(ServerTest, malformed_json_is_400_problem_with_a_pointer) {
  start();
  auto r = call(Method::post, "/v1/echo", "{\"a\": ", officer());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  auto doc = body_of(r);
  EXPECT_EQ(doc["status"], 400);
  EXPECT_EQ(doc["errors"][0]["pointer"], "");
  EXPECT_NE(doc["detail"].get<std::string>().find("syntax error at byte"), std::string::npos);
}

TEST_F(ServerTest, unknown_route_is_404_problem) {
  start();
  auto r = call(Method::get, "/v1/nothing-here", {}, officer());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body_of(r)["type"], "urn:concord:problem:not-found");
}

TEST_F(ServerTest, wrong_method_is_405_with_allow) {
  start();
  auto r = call(Method::del, "/v1/things/7", {}, officer());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow").value_or(""), "GET, HEAD");
}

TEST_F(ServerTest, path_and_query_parameters_are_decoded) {
  start();
  auto r = call(Method::get, "/v1/things/a%20b?q=Minsk%2BBishkek", {}, officer());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["id"], "a b");
  EXPECT_EQ(body_of(r)["q"], "Minsk+Bishkek");
}

TEST_F(ServerTest, missing_or_bad_token_is_401_with_www_authenticate) {
  start();
  auto r = call(Method::get, "/v1/things/1");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.get("WWW-Authenticate").value_or("").rfind("Bearer", 0), 0u);
  Headers bad;
  bad.set("Authorization", "Bearer forged");
  EXPECT_EQ(call(Method::get, "/v1/things/1", {}, bad).status, 401);
}

TEST_F(ServerTest, wrong_role_is_403) {
  start();
  Headers member;
  member.set("Authorization", "Bearer member");
  EXPECT_EQ(call(Method::get, "/v1/officers-only", {}, member).status, 403);
  EXPECT_EQ(call(Method::get, "/v1/officers-only", {}, officer()).status, 204);
}

TEST_F(ServerTest, correlation_id_is_echoed_or_generated) {
  start();
  auto h = officer();
  h.set("X-Request-Id", "visit-minsk-42");
  EXPECT_EQ(call(Method::get, "/v1/things/1", {}, h).headers.get("X-Request-Id").value_or(""), "visit-minsk-42");
  auto generated = call(Method::get, "/v1/things/1", {}, officer()).headers.get("X-Request-Id");
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->size(), 36u);
}

TEST_F(ServerTest, health_readiness_and_metrics_need_no_token) {
  start();
  EXPECT_EQ(call(Method::get, "/healthz").status, 200);
  EXPECT_EQ(call(Method::get, "/readyz").status, 200);
  ready_ = false;
  auto r = call(Method::get, "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body_of(r)["checks"]["replay"], "running");
  call(Method::get, "/v1/things/9", {}, officer());
  auto m = call(Method::get, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find(
          "concord_http_requests_total{service=\"concord\",route=\"/v1/things/{id}\",method=\"GET\",status=\"200\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find("concord_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(ServerTest, keep_alive_serves_several_requests_on_one_connection) {
  start();
  RawClient c(server_->port());
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(c.send(req + req));
  auto out = c.read(2s, "\"ok\"");
  out += c.read(1s, "}");
  size_t first = out.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out.find("HTTP/1.1 200", first + 1), std::string::npos) << out;
  EXPECT_FALSE(c.closed_by_peer());
}

TEST_F(ServerTest, body_over_the_route_limit_is_413_before_it_is_read) {
  start();
  RawClient c(server_->port());
  // Claims 10 MB and sends only a few bytes: the answer must come without waiting for the rest.
  ASSERT_TRUE(
      c.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n"
             "Content-Length: 10485760\r\n\r\n{\"a\":"));
  auto started = std::chrono::steady_clock::now();
  auto out = c.read(2s);
  EXPECT_EQ(status_of(out), 413) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_NE(out.find("application/problem+json"), std::string::npos);
}

TEST_F(ServerTest, per_route_body_limit_applies_to_chunked_bodies_too) {
  start();
  RawClient c(server_->port());
  ASSERT_TRUE(
      c.send("POST /v1/small HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n"
             "Transfer-Encoding: chunked\r\n\r\n20\r\n0123456789abcdef0123456789abcdef\r\n0\r\n\r\n"));
  EXPECT_EQ(status_of(c.read(2s)), 413);
}

TEST_F(ServerTest, oversized_headers_are_431) {
  start();
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"));
  EXPECT_EQ(status_of(c.read(2s)), 431);
}

TEST_F(ServerTest, a_client_trickling_headers_is_cut_off) {
  start(ServerOptions{.idle_timeout = 400ms});
  RawClient c(server_->port());
  auto started = std::chrono::steady_clock::now();
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: yes\r\n\r\n";
  std::string got;
  for (char ch : request) {
    if (!c.send(std::string(1, ch))) break;
    got = c.read(100ms);
    if (!got.empty() || c.closed_by_peer()) break;
  }
  if (got.empty()) got = c.read(1s);
  EXPECT_EQ(status_of(got), 408) << got;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ServerTest, an_idle_connection_is_closed_after_the_idle_timeout) {
  start(ServerOptions{.idle_timeout = 200ms});
  RawClient c(server_->port());
  auto out = c.read(2s);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, a_client_that_stops_reading_its_answer_is_cut_off_after_the_write_timeout) {
  start(ServerOptions{.write_timeout = 300ms});
  RawClient slow(server_->port());
  ASSERT_TRUE(slow.send("GET /v1/large HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(1500ms);  // reads nothing while the server writes
  auto got = slow.read(5s);
  EXPECT_TRUE(slow.closed_by_peer());
  EXPECT_EQ(status_of(got), 200);
  EXPECT_LT(got.size(), size_t{32} << 20) << "the whole answer arrived: the server waited for the reader";
  // The stalled connection held nothing up for anyone else.
  RawClient next(server_->port());
  ASSERT_TRUE(next.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_of(next.read(1s, "}")), 200);
}

TEST_F(ServerTest, connections_beyond_the_cap_get_429) {
  start(ServerOptions{.max_connections = 2});
  RawClient a(server_->port()), b(server_->port());
  ASSERT_TRUE(a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_of(a.read(1s, "}")), 200);
  EXPECT_EQ(status_of(b.read(1s, "}")), 200);
  RawClient third(server_->port());
  auto out = third.read(2s);
  EXPECT_EQ(status_of(out), 429) << out;
  EXPECT_NE(out.find("Retry-After: 1"), std::string::npos);
}

TEST_F(ServerTest, idempotency_key_replays_the_first_response) {
  start();
  auto h = officer();
  h.set("Idempotency-Key", "k-1");
  auto first = call(Method::post, "/v1/echo", R"({"x":1})", h);
  auto second = call(Method::post, "/v1/echo", R"({"x":1})", h);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(second.headers.get("Idempotent-Replayed").value_or(""), "true");
  EXPECT_FALSE(first.headers.get("Idempotent-Replayed"));
}

TEST_F(ServerTest, idempotency_key_with_another_body_is_422) {
  start();
  auto h = officer();
  h.set("Idempotency-Key", "k-2");
  EXPECT_EQ(call(Method::post, "/v1/echo", R"({"x":1})", h).status, 201);
  auto r = call(Method::post, "/v1/echo", R"({"x":2})", h);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(body_of(r)["type"], "urn:concord:problem:unprocessable");
}

TEST_F(ServerTest, idempotent_duplicate_while_the_first_runs_is_409_and_the_handler_runs_once) {
  start();
  auto h = officer();
  h.set("Idempotency-Key", "k-3");
  auto first = std::async(std::launch::async, [&] { return call(Method::post, "/v1/slow", "{}", h); });
  entered_.wait();
  auto dup = call(Method::post, "/v1/slow", "{}", h);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(first.get().status, 201);
  auto replay = call(Method::post, "/v1/slow", "{}", h);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(body_of(replay)["n"], 1);
  EXPECT_EQ(slow_calls_.load(), 1);
}

TEST_F(ServerTest, graceful_stop_lets_in_flight_requests_finish) {
  start();
  auto h = officer();
  auto in_flight = std::async(std::launch::async, [&] { return call(Method::post, "/v1/slow", "{}", h); });
  entered_.wait();
  auto port = server_->port();
  server_->stop();
  EXPECT_EQ(in_flight.get().status, 201);
  RawClient late(port);
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, server_sent_events_reach_the_client_in_order) {
  start(ServerOptions{.sse_heartbeat = 100ms});
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer officer\r\n\r\n"));
  auto head = c.read(2s, "\r\n\r\n");
  EXPECT_EQ(status_of(head), 200);
  EXPECT_NE(head.find("text/event-stream"), std::string::npos);
  auto stream = stream_promise_.get_future().get();
  stream->send({.id = "1", .event = "notification", .data = "first"});
  stream->send({.id = "2", .event = "notification", .data = "line one\nline two"});
  auto body = c.read(2s, "line two\n\n");
  EXPECT_NE(body.find("id: 1\nevent: notification\ndata: first\n\n"), std::string::npos) << body;
  EXPECT_NE(body.find("id: 2\nevent: notification\ndata: line one\ndata: line two\n\n"), std::string::npos) << body;
  EXPECT_NE(c.read(1s, "keep-alive").find(": keep-alive"), std::string::npos);
  server_->stop();
  EXPECT_FALSE(stream->is_open());
}

TEST(HttpClient, a_silent_server_times_out_as_unavailable) {
  // A listening socket that never answers.
  Router r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto started = std::chrono::steady_clock::now();
  auto res = fetch({.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", .timeout = 300ms});
  ::close(fd);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(HttpClient, refuses_urls_it_cannot_serve) {
  EXPECT_EQ(fetch({.url = "ftp://example.invalid/"}).error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fetch({.url = "not a url"}).error().code, ErrorCode::validation_failed);
  // https:// is served (tests/integration/http); a name that does not resolve is unavailable.
  EXPECT_EQ(fetch({.url = "https://example.invalid/"}).error().code, ErrorCode::unavailable);
}

TEST_F(ServerTest, reads_and_health_answer_while_every_io_thread_worth_of_writes_is_held_up) {
  start(ServerOptions{.threads = 2, .blocking_threads = 16});
  // More stuck writes than there are I/O threads: before writes had a pool of their own, these
  // would have taken every thread and /healthz would have waited with them.
  constexpr int kStuck = 6;
  std::vector<std::future<ClientResponse>> stuck;
  for (int i = 0; i < kStuck; ++i)
    stuck.push_back(std::async(std::launch::async, [this] {
      ClientRequest req{.method = Method::post, .url = url("/v1/held"), .headers = officer(), .body = "{}"};
      req.timeout = 30s;
      auto r = fetch(req);
      return r ? *r : ClientResponse{};
    }));
  {
    std::unique_lock lock(held_mutex_);
    held_cv_.wait(lock, [this] { return held_inside_ == kStuck; });
  }
  ClientRequest health{.url = url("/healthz")};
  health.timeout = 2s;
  auto h = fetch(health);
  ASSERT_TRUE(h) << h.error().detail;
  EXPECT_EQ(h->status, 200);
  ClientRequest read{.url = url("/v1/things/t1"), .headers = officer()};
  read.timeout = 2s;
  auto r = fetch(read);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->status, 200);
  {
    std::lock_guard lock(held_mutex_);
    held_open_ = true;
  }
  held_cv_.notify_all();
  for (auto& f : stuck) EXPECT_EQ(f.get().status, 204);
}
