// concord-console's own behaviour: assets with their headers, caching and compression, the
// one-time sign-in codes, the /api/ prefix, and bad input answered 4xx on the wire.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "concord/auth/jwt.hpp"
#include "concord/console/changes.hpp"
#include "concord/console/console.hpp"
#include "concord/console/stream_forward.hpp"
#include "concord/http/server.hpp"
#include "raw_client.hpp"

using namespace concord;
using namespace concord::console;
using namespace std::chrono_literals;

namespace {

const Asset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", "<!doctype html><script type=module src=/assets/app-1a2b.js></script>",
     "GZIP-INDEX", "BR-INDEX"},
    {"/assets/app-1a2b.js", "text/javascript; charset=utf-8", "console.log(1)", "GZIP-JS", ""},
    {"/favicon.svg", "image/svg+xml", "<svg/>", "", ""},
};

http::Router console_router() {
  http::Router r;
  mount_api_not_found(r);
  mount_assets(r, kAssets);
  return with_security_headers(r);
}

http::Response get(const http::Router& router, std::string path, http::Headers headers = {}) {
  http::Request req;
  req.method = http::Method::get;
  req.path = path;
  req.target = path;
  req.headers = std::move(headers);
  auto m = router.match(http::Method::get, path);
  auto* route = std::get_if<http::RouteMatch>(&m);
  if (!route) return http::Response::problem(Error::not_found("unmatched"));
  auto res = route->route->handler(req);
  return res ? *res : http::Response::problem(res.error());
}

http::Headers accepting(std::string encodings) {
  http::Headers h;
  h.set("Accept-Encoding", std::move(encodings));
  return h;
}

auth::JwtConfig dev_jwt() {
  auth::JwtConfig c;
  c.hs256_secret = "console-test-secret-0123456789abcdef-0123456789";
  return c;
}

}  // namespace

TEST(ConsoleAssets, every_response_carries_the_security_headers) {
  auto router = console_router();
  for (std::string path : {"/", "/assets/app-1a2b.js", "/no-such-page", "/api/nothing/v1/x"}) {
    auto r = get(router, path);
    auto csp = r.headers.get("Content-Security-Policy");
    ASSERT_TRUE(csp) << path;
    EXPECT_NE(csp->find("script-src 'self'"), std::string_view::npos);
    EXPECT_EQ(csp->find("unsafe-inline'; connect"), std::string_view::npos);  // never for scripts
    EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string_view::npos);
    EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer") << path;
  }
}

TEST(ConsoleAssets, the_root_is_the_application_revalidated_on_every_load) {
  auto r = get(console_router(), "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.headers.get("Cache-Control"), "no-cache");
  EXPECT_EQ(r.body, std::string(kAssets[0].identity));
}

TEST(ConsoleAssets, hashed_assets_are_cached_for_a_year_as_immutable) {
  auto r = get(console_router(), "/assets/app-1a2b.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.headers.get("Content-Type"), "text/javascript; charset=utf-8");
}

TEST(ConsoleAssets, brotli_is_preferred_then_gzip_then_identity) {
  auto router = console_router();
  auto br = get(router, "/", accepting("gzip, deflate, br"));
  EXPECT_EQ(br.headers.get("Content-Encoding"), "br");
  EXPECT_EQ(br.body, "BR-INDEX");
  EXPECT_EQ(br.headers.get("Vary"), "Accept-Encoding");
  auto gz = get(router, "/assets/app-1a2b.js", accepting("gzip, br"));  // no br variant stored
  EXPECT_EQ(gz.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.body, "GZIP-JS");
  auto plain = get(router, "/");
  EXPECT_FALSE(plain.headers.get("Content-Encoding"));
  EXPECT_EQ(plain.body, std::string(kAssets[0].identity));
}

TEST(ConsoleAssets, an_encoding_refused_with_q_zero_is_never_sent) {
  EXPECT_EQ(choose_encoding("br;q=0, gzip", true, true), "gzip");
  EXPECT_EQ(choose_encoding("*;q=0", true, true), "");
  EXPECT_EQ(choose_encoding("*", true, true), "br");
  EXPECT_EQ(choose_encoding("gzip;q=0.5, br;q=0.1", true, true), "gzip");
  EXPECT_EQ(choose_encoding("identity", true, true), "");
  EXPECT_EQ(choose_encoding("gzip;q=nonsense", true, true), "");
  EXPECT_EQ(choose_encoding(std::nullopt, true, true), "");
}

TEST(ConsoleAssets, a_matching_etag_is_304_per_encoding) {
  auto router = console_router();
  auto first = get(router, "/", accepting("br"));
  auto etag = std::string(*first.headers.get("ETag"));
  http::Headers again = accepting("br");
  again.set("If-None-Match", etag);
  EXPECT_EQ(get(router, "/", again).status, 304);
  http::Headers other = accepting("gzip");
  other.set("If-None-Match", etag);  // the brotli ETag does not match the gzip variant
  EXPECT_EQ(get(router, "/", other).status, 200);
}

TEST(ConsoleAssets, unknown_pages_and_apis_are_404_problems) {
  auto router = console_router();
  EXPECT_EQ(get(router, "/assets/missing-0000.js").status, 404);
  auto api = get(router, "/api/nothing/v1/visits");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.headers.get("Content-Type"), "application/problem+json");
}

TEST(ConsoleApi, a_service_route_is_served_under_its_api_prefix) {
  http::Router service;
  service.get("/v1/visits/{id}", [](http::Request& req) -> Result<http::Response> {
    return http::Response::json(200, {{"id", std::string(req.param("id"))}});
  });
  http::Router console;
  mount_in_process(console, "scheduling", service);
  mount_api_not_found(console);
  auto m = console.match(http::Method::get, "/api/scheduling/v1/visits/abc");
  ASSERT_TRUE(std::holds_alternative<http::RouteMatch>(m));
  EXPECT_EQ(std::get<http::RouteMatch>(m).route->pattern, "/api/scheduling/v1/visits/{id}");
  EXPECT_EQ(std::get<http::RouteMatch>(m).params.at("id"), "abc");
}

TEST(ConsoleApi,
     a_service_route_in_process_sees_its_own_target_and_its_answer_passes_with_its_address_under_the_prefix) {
  http::Router service;
  service.post("/v1/visits", [](http::Request& req) -> Result<http::Response> {
    auto r = http::Response::json(201, {{"target", req.target}});
    r.headers.set("Concord-Position", "concord.scheduling.v1:0:7");
    r.headers.set("Location", "/v1/visits/v-1");
    return r;
  });
  http::Router console;
  mount_in_process(console, "scheduling", service);
  auto m = console.match(http::Method::post, "/api/scheduling/v1/visits");
  ASSERT_TRUE(std::holds_alternative<http::RouteMatch>(m));
  http::Request request;
  request.method = http::Method::post;
  request.target = "/api/scheduling/v1/visits?dry_run=false";
  auto answer = std::get<http::RouteMatch>(m).route->handler(request);
  ASSERT_TRUE(answer);
  EXPECT_EQ(nlohmann::json::parse(answer->body)["target"], "/v1/visits?dry_run=false");
  EXPECT_EQ(answer->headers.get("Concord-Position"), "concord.scheduling.v1:0:7");
  // The new visit's address as the browser reaches it: under the console's prefix.
  EXPECT_EQ(answer->headers.get("Location"), "/api/scheduling/v1/visits/v-1");
}

TEST(ConsoleSignIn, a_code_signs_in_once) {
  ManualClock clock(Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)));
  SignIn sign_in(dev_jwt(), clock, SignIn::Options{});
  auto code = sign_in.issue();
  EXPECT_GE(code.size(), 43u);
  auto session = sign_in.exchange(code);
  ASSERT_TRUE(session) << session.error().detail;
  auto verifier = auth::Verifier::create(dev_jwt());
  ASSERT_TRUE(verifier);
  auto principal = verifier->verify((*session)["token"].get<std::string>(), clock.now());
  ASSERT_TRUE(principal) << principal.error().detail;
  EXPECT_EQ((*session)["roles"], nlohmann::json::array({"host_officer"}));
  auto again = sign_in.exchange(code);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::unauthorized);
}

TEST(ConsoleSignIn, unknown_and_expired_codes_are_refused) {
  ManualClock clock(Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)));
  SignIn sign_in(dev_jwt(), clock, SignIn::Options{.code_ttl = std::chrono::minutes(10)});
  EXPECT_FALSE(sign_in.exchange("not-a-code"));
  EXPECT_FALSE(sign_in.exchange(""));
  EXPECT_FALSE(sign_in.exchange(std::string(10000, 'a')));
  auto code = sign_in.issue();
  clock.advance(11min);
  EXPECT_FALSE(sign_in.exchange(code));
}

TEST(ConsoleSignIn, a_member_code_signs_in_as_that_member) {
  ManualClock clock(Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)));
  SignIn sign_in(dev_jwt(), clock, SignIn::Options{});
  auto code = sign_in.issue(SignIn::Grant{
      .subject = "member:m-1", .roles = {auth::Role::delegation_member}, .member_id = "m-1", .delegation_id = "d-1"});
  auto session = sign_in.exchange(code);
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_EQ((*session)["roles"], nlohmann::json::array({"delegation_member"}));
  EXPECT_EQ((*session)["member_id"], "m-1");
  auto verifier = auth::Verifier::create(dev_jwt());
  ASSERT_TRUE(verifier);
  auto principal = verifier->verify((*session)["token"].get<std::string>(), clock.now());
  ASSERT_TRUE(principal) << principal.error().detail;
  EXPECT_TRUE(principal->has(auth::Role::delegation_member));
  EXPECT_FALSE(principal->has(auth::Role::protocol_officer));
  EXPECT_EQ(principal->member_id, "m-1");
  EXPECT_EQ(principal->delegation_id, "d-1");
}

namespace {

// The console's routes with a delegations API that knows two members, one withdrawn.
struct MemberLinks {
  ManualClock clock{Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1))};
  SignIn sign_in{dev_jwt(), clock, SignIn::Options{}};
  http::Router router;
  MemberLinks() {
    auto api = std::make_shared<http::Router>();
    api->get("/api/delegations/v1/members/{id}", [](http::Request& req) -> Result<http::Response> {
      std::string id(req.param("id"));
      if (id == "0190a1b2-0000-7000-8000-0000000000c1")
        return http::Response::json(200, {{"id", id}, {"delegation_id", "d-kg"}, {"status", "active"}});
      if (id == "0190a1b2-0000-7000-8000-0000000000c2")
        return http::Response::json(200, {{"id", id}, {"delegation_id", "d-kg"}, {"status", "withdrawn"}});
      return http::Response::problem(Error::not_found("no member"));
    });
    mount_member_links(router, sign_in, api);
  }
  Result<http::Response> post(const std::string& id, auth::Role role) {
    std::string path = "/console/v1/members/" + id + "/sign-in-link";
    http::Request req;
    req.method = http::Method::post;
    req.path = path;
    req.target = path;
    auth::Principal who;
    who.subject = "someone";
    who.roles = {role};
    req.principal = who;
    if (role == auth::Role::delegation_member) {
      req.principal->member_id = "0190a1b2-0000-7000-8000-0000000000c1";
      req.principal->delegation_id = "d-kg";
    }
    auto m = router.match(http::Method::post, path);
    auto* route = std::get_if<http::RouteMatch>(&m);
    if (!route) return fail(Error::not_found("unmatched"));
    req.path_params = route->params;
    return route->route->handler(req);
  }
};

}  // namespace

TEST(ConsoleMemberLinks, an_officer_gets_a_link_that_signs_the_member_in_with_their_delegation_from_state) {
  MemberLinks links;
  auto res = links.post("0190a1b2-0000-7000-8000-0000000000c1", auth::Role::protocol_officer);
  ASSERT_TRUE(res) << res.error().detail;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->headers.get("Cache-Control").value_or(""), "no-store");
  auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["path"], "/#signin=" + body["code"].get<std::string>());
  auto session = links.sign_in.exchange(body["code"].get<std::string>());
  ASSERT_TRUE(session) << session.error().detail;
  EXPECT_EQ((*session)["member_id"], "0190a1b2-0000-7000-8000-0000000000c1");
  EXPECT_EQ((*session)["delegation_id"], "d-kg");
  EXPECT_EQ((*session)["roles"], nlohmann::json::array({"delegation_member"}));
}

TEST(ConsoleMemberLinks, members_unknown_withdrawn_or_malformed_get_no_link) {
  MemberLinks links;
  auto by_member = links.post("0190a1b2-0000-7000-8000-0000000000c1", auth::Role::delegation_member);
  ASSERT_FALSE(by_member);
  EXPECT_EQ(by_member.error().code, ErrorCode::forbidden);
  auto withdrawn = links.post("0190a1b2-0000-7000-8000-0000000000c2", auth::Role::protocol_officer);
  ASSERT_FALSE(withdrawn);
  EXPECT_EQ(withdrawn.error().code, ErrorCode::conflict);
  auto unknown = links.post("0190a1b2-0000-7000-8000-0000000000c9", auth::Role::admin);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  auto malformed = links.post("not-a-uuid!", auth::Role::protocol_officer);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::validation_failed);
}

class ConsoleServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ManualClock* clock = &clock_;
    sign_in_ = std::make_unique<SignIn>(dev_jwt(), *clock, SignIn::Options{});
    http::Router r;
    sign_in_->mount(r);
    mount_api_not_found(r);
    mount_assets(r, kAssets);
    http::ServerOptions o;
    o.access_log = false;
    server_ = std::make_unique<http::Server>(o, with_security_headers(r));
    ASSERT_TRUE(server_->start());
  }
  std::string exchange(const std::string& body) {
    concord::testing::RawClient c(server_->port());
    c.send("POST /console/v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return c.read(5s);
  }
  ManualClock clock_{Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1))};
  std::unique_ptr<SignIn> sign_in_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(ConsoleServerTest, the_sign_in_exchange_is_single_use_and_never_cached) {
  auto code = sign_in_->issue();
  auto first = exchange(R"({"code":")" + code + R"("})");
  EXPECT_EQ(concord::testing::status_of(first), 200);
  EXPECT_NE(first.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_NE(first.find("\"token\""), std::string::npos);
  auto second = exchange(R"({"code":")" + code + R"("})");
  EXPECT_EQ(concord::testing::status_of(second), 401);
}

TEST_F(ConsoleServerTest, bad_input_is_4xx_never_500) {
  EXPECT_EQ(concord::testing::status_of(exchange("not json")), 400);
  EXPECT_EQ(concord::testing::status_of(exchange(R"({"code": 7})")), 400);
  EXPECT_EQ(concord::testing::status_of(exchange(R"([])")), 400);
  EXPECT_EQ(concord::testing::status_of(exchange(std::string(5000, 'x'))), 413);
  for (std::string raw : {"GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                          "DELETE /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                          "GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
                          "BREW /assets/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
    concord::testing::RawClient c(server_->port());
    c.send(raw);
    int status = concord::testing::status_of(c.read(5s));
    EXPECT_GE(status, 400) << raw;
    EXPECT_LT(status, 500) << raw;
  }
}

TEST_F(ConsoleServerTest, head_answers_like_get_without_a_body) {
  concord::testing::RawClient c(server_->port());
  c.send("HEAD /assets/app-1a2b.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read(5s);
  EXPECT_EQ(concord::testing::status_of(r), 200);
  EXPECT_NE(r.find("immutable"), std::string::npos);
  EXPECT_EQ(r.find("console.log"), std::string::npos);
}

TEST(ConsoleChanges, each_event_is_told_to_its_visit) {
  std::map<std::string, std::string> visits;
  events::Record meeting{.topic = "concord.scheduling.v1", .partition = 0, .offset = 1, .key = "visit-1", .event = {}};
  meeting.event.type = "concord.scheduling.meeting.rescheduled";
  EXPECT_EQ(visit_of(meeting, visits), "visit-1");
  events::Record venue{.topic = "concord.scheduling.v1", .partition = 0, .offset = 2, .key = "venue-1", .event = {}};
  venue.event.type = "concord.scheduling.venue.created";
  EXPECT_EQ(visit_of(venue, visits), "");
  events::Record created{.topic = "concord.documents.v1", .partition = 0, .offset = 1, .key = "doc-1", .event = {}};
  created.event.type = "concord.documents.document.created";
  created.event.data = {{"visit_id", "visit-2"}};
  EXPECT_EQ(visit_of(created, visits), "visit-2");
  events::Record agreed{.topic = "concord.documents.v1", .partition = 0, .offset = 2, .key = "doc-1", .event = {}};
  agreed.event.type = "concord.documents.document.agreed";
  EXPECT_EQ(visit_of(agreed, visits), "visit-2");  // named by the document's creation
}

TEST(ConsoleForward, a_request_reaches_the_service_with_its_query_and_credentials) {
  http::Router upstream_routes;
  upstream_routes.get(
      "/v1/echo",
      [](http::Request& req) -> Result<http::Response> {
        auto r = http::Response::json(
            201,
            {{"target", req.target}, {"authorization", std::string(req.headers.get("Authorization").value_or(""))}});
        r.headers.set("Location", "/v1/echo/1");
        return r;
      },
      http::RouteOptions{.public_route = true});
  http::ServerOptions o;
  o.access_log = false;
  auto upstream = std::make_unique<http::Server>(o, std::move(upstream_routes));
  ASSERT_TRUE(upstream->start());
  http::Router routes;
  mount_forward(routes, "scheduling", "http://127.0.0.1:" + std::to_string(upstream->port()), nullptr);
  mount_api_not_found(routes);
  http::Server console(o, with_security_headers(routes));
  ASSERT_TRUE(console.start());

  concord::testing::RawClient c(console.port());
  c.send(
      "GET /api/scheduling/v1/echo?limit=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\nConnection: "
      "close\r\n\r\n");
  auto r = c.read(5s);
  EXPECT_EQ(concord::testing::status_of(r), 201);
  EXPECT_NE(r.find(R"("target":"/v1/echo?limit=5")"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("authorization":"Bearer abc")"), std::string::npos) << r;
  EXPECT_NE(r.find("Location: /api/scheduling/v1/echo/1\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("X-Content-Type-Options: nosniff"), std::string::npos);

  upstream.reset();  // the service is gone (its socket closed): 503 problem, never a hang or a 500
  concord::testing::RawClient d(console.port());
  d.send("GET /api/scheduling/v1/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(concord::testing::status_of(d.read(10s)), 503);
  console.stop();
}

TEST(ConsoleStreams, only_complete_events_are_passed_on) {
  EXPECT_EQ(complete_events(""), 0u);
  EXPECT_EQ(complete_events("id: 1\ndata: x\n"), 0u);
  EXPECT_EQ(complete_events("id: 1\ndata: x\n\n"), 15u);
  EXPECT_EQ(complete_events("data: a\n\ndata: b\n"), 9u);
  EXPECT_EQ(complete_events(": keep-alive\n\nid: 2\ndata: y\n\nda"), 29u);
  EXPECT_EQ(complete_events("data: a\r\n\r\n"), 11u);
  EXPECT_EQ(complete_events("data: a\r\r"), 0u);  // "\r" then maybe "\n": not decided yet
  EXPECT_EQ(complete_events("data: a\r\rx"), 9u);
  EXPECT_EQ(complete_events("data: a\n\r\n"), 10u);
}

namespace {

// A service with a live stream at /v1/stream (public) and a refusal at /v1/private-stream.
struct StreamingService {
  std::promise<std::shared_ptr<http::EventStream>> opened;
  std::unique_ptr<http::Server> server;
  StreamingService() {
    http::Router routes;
    routes.get(
        "/v1/stream",
        [this](http::Request& req) -> Result<http::Response> {
          auto r = http::Response::event_stream([this](std::shared_ptr<http::EventStream> s) {
            s->send({.id = {}, .event = "ready", .data = "{}"});
            opened.set_value(s);
          });
          r.headers.set("X-Seen-Query", req.target);
          return r;
        },
        http::RouteOptions{.public_route = true});
    routes.get(
        "/v1/private-stream",
        [](http::Request&) -> Result<http::Response> {
          return fail(Error::unauthorized("a stream ticket or a token is needed"));
        },
        http::RouteOptions{.public_route = true});
    http::ServerOptions o;
    o.access_log = false;
    o.sse_heartbeat = 100ms;  // a server notices a peer gone when it next writes
    server = std::make_unique<http::Server>(o, std::move(routes));
    EXPECT_TRUE(server->start());
  }
};

std::unique_ptr<http::Server> console_in_front(unsigned short port, std::shared_ptr<StreamForwarder> streams) {
  http::Router routes;
  mount_forward(routes, "notifications", "http://127.0.0.1:" + std::to_string(port), std::move(streams));
  mount_api_not_found(routes);
  http::ServerOptions o;
  o.access_log = false;
  o.sse_heartbeat = 100ms;
  auto console = std::make_unique<http::Server>(o, with_security_headers(routes));
  EXPECT_TRUE(console->start());
  return console;
}

const char* kStreamRequest =
    "GET /api/notifications/v1/stream?ticket=st_x HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";

}  // namespace

TEST(ConsoleStreams, a_live_stream_passes_through_event_by_event_while_it_stays_open) {
  StreamingService service;
  auto streams = std::make_shared<StreamForwarder>(StreamForwarder::Options{});
  auto console = console_in_front(service.server->port(), streams);
  auto browser = std::make_unique<concord::testing::RawClient>(console->port());
  auto& c = *browser;
  ASSERT_TRUE(c.send(kStreamRequest));
  auto head = c.read(10s, "event: ready");
  EXPECT_EQ(concord::testing::status_of(head), 200) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Seen-Query: /v1/stream?ticket=st_x"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Content-Type-Options: nosniff"), std::string::npos) << head;
  EXPECT_EQ(head.find("text/event-stream\r\nContent-Type"), std::string::npos) << "one Content-Type only: " << head;
  auto upstream = service.opened.get_future().get();
  // Each event arrives on its own while the stream stays open: nothing waits for its end.
  for (int i = 1; i <= 3; ++i) {
    std::string id = "0190-" + std::to_string(i);
    ASSERT_TRUE(upstream->send({.id = id, .event = "notification", .data = "{\"n\":" + std::to_string(i) + "}"}));
    auto got = c.read(10s, "data: {\"n\":" + std::to_string(i) + "}\n\n");
    EXPECT_NE(got.find("id: " + id + "\nevent: notification\n"), std::string::npos) << got;
    EXPECT_FALSE(c.closed_by_peer());
  }
  EXPECT_EQ(streams->open_streams(), 1u);
  // The browser goes: the service's stream is closed too, and the console forgets it.
  browser.reset();
  for (int i = 0; i < 200 && (upstream->is_open() || streams->open_streams() > 0); ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(upstream->is_open());
  EXPECT_EQ(streams->open_streams(), 0u);
  console->stop();
}

TEST(ConsoleStreams, a_refused_stream_comes_back_as_the_service_said_it) {
  StreamingService service;
  auto console =
      console_in_front(service.server->port(), std::make_shared<StreamForwarder>(StreamForwarder::Options{}));
  concord::testing::RawClient c(console->port());
  ASSERT_TRUE(
      c.send("GET /api/notifications/v1/private-stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
             "Connection: close\r\n\r\n"));
  auto r = c.read(10s);
  EXPECT_EQ(concord::testing::status_of(r), 401) << r;
  EXPECT_NE(r.find("application/problem+json"), std::string::npos) << r;
  EXPECT_NE(r.find("a stream ticket or a token is needed"), std::string::npos) << r;
  console->stop();
}

TEST(ConsoleStreams, a_stream_ends_at_its_maximum_age_and_an_unreachable_service_is_503) {
  StreamingService service;
  StreamForwarder::Options short_lived;
  short_lived.max_age = 300ms;
  auto console = console_in_front(service.server->port(), std::make_shared<StreamForwarder>(short_lived));
  concord::testing::RawClient c(console->port());
  ASSERT_TRUE(c.send(kStreamRequest));
  auto r = c.read(10s);  // until the console closes it
  EXPECT_NE(r.find("event: ready"), std::string::npos) << r;
  EXPECT_TRUE(c.closed_by_peer());
  auto upstream = service.opened.get_future().get();
  for (int i = 0; i < 200 && upstream->is_open(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(upstream->is_open());
  upstream.reset();  // its timer belongs to the service's I/O context, which goes next

  service.server->stop();
  service.server.reset();
  concord::testing::RawClient d(console->port());
  ASSERT_TRUE(d.send(kStreamRequest));
  auto refused = d.read(10s);
  EXPECT_EQ(concord::testing::status_of(refused), 503) << refused;
  console->stop();
}
