// The replica's pieces that need no broker: the Concord-Position format, the positions a Store
// write reports to the response, and a replica without an election (the file log), which is
// the writer and lets every request through. The election, forwarding and failover themselves
// run against the real broker: tests/faults/writer_failover.py.
#include <gtest/gtest.h>

#include "concord/events/file_log.hpp"
#include "concord/http/server.hpp"
#include "concord/service/replica.hpp"
#include "concord/service/store.hpp"
#include "temp_dir.hpp"

using namespace concord;
using concord::events::testing::TempDir;

namespace {

// The file log, reporting made-up positions as Kafka reports its delivery offsets.
class PositionedLog final : public events::EventLog {
 public:
  explicit PositionedLog(std::unique_ptr<events::EventLog> inner) : inner_(std::move(inner)) {}
  Status ensure_topics(const std::vector<events::TopicSpec>& t) override { return inner_->ensure_topics(t); }
  Status append_all(const std::vector<events::Append>& a) override { return inner_->append_all(a); }
  Result<events::Positions> append_all_at(const std::vector<events::Append>& a) override {
    if (auto s = inner_->append_all(a); !s) return fail(s.error());
    ++next_;
    return events::Positions{{"t.v1", {{0, next_}}}};
  }
  Status replay(std::string_view topic, const std::function<Status(const events::Record&)>& visit) override {
    return inner_->replay(topic, visit);
  }
  Result<std::unique_ptr<events::Subscription>> subscribe(const std::vector<std::string>& t,
                                                          const std::string& g) override {
    return inner_->subscribe(t, g);
  }
  Result<std::unique_ptr<events::Tail>> tail(const std::vector<std::string>& t, const events::Positions& p) override {
    return inner_->tail(t, p);
  }
  bool healthy() override { return true; }

 private:
  std::unique_ptr<events::EventLog> inner_;
  long long next_ = 40;
};

events::Event event(const std::string& id) {
  events::Event e;
  e.id = id;
  e.source = "/concord/test";
  e.type = "concord.test.thing.done";
  e.time = Timestamp{std::chrono::milliseconds(1700000000000)};
  return e;
}

bool written_positions_are_clear() {
  return service::written_positions().empty();
}

TEST(Positions, round_trip_through_the_header_format) {
  events::Positions p{{"concord.delegations.v1", {{0, 12}, {2, 57}}}, {"concord.delegations.private.v1", {{1, 3}}}};
  auto text = service::format_positions(p);
  EXPECT_EQ(text, "concord.delegations.private.v1:1:3,concord.delegations.v1:0:12,concord.delegations.v1:2:57");
  auto parsed = service::parse_positions(text);
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(*parsed, p);
}

TEST(Positions, refuses_what_no_write_gave_as_a_bad_request) {
  for (const std::string& bad :
       std::vector<std::string>{"", "nonsense", "t:1", ":1:2", "t:x:2", "t:1:-2", "t:1:2,", "t:1:2,,u:0:1",
                                "t:1:99999999999999999999", std::string(5000, 'a')}) {
    auto parsed = service::parse_positions(bad);
    ASSERT_FALSE(parsed) << "accepted '" << bad << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::bad_request) << bad;
  }
}

TEST(Replica, a_write_answer_carries_where_the_store_wrote_it_and_the_next_request_starts_clean) {
  TempDir dir;
  auto file = events::open_file_log({.directory = dir.path()});
  ASSERT_TRUE(file);
  auto log = std::make_shared<PositionedLog>(std::move(*file));
  ASSERT_TRUE(log->ensure_topics({{"t.v1"}}));
  service::Store<int> store(log, [](int& n, const std::string&, const events::Event&) { ++n; });
  ASSERT_TRUE(store.replay({"t.v1"}));
  service::Replica replica({.service = "test", .own_topics = {"t.v1"}}, log, nullptr);
  replica.track(store);
  replica.start();
  EXPECT_TRUE(replica.writer());  // no election: the only process

  http::Request post;
  post.method = http::Method::post;
  EXPECT_FALSE(replica.intercept(post).has_value());  // the writer handles it itself
  auto written = store.write([](const int&) -> Result<std::vector<service::Append>> {
    return std::vector<service::Append>{{"t.v1", "k", {event("e1")}}};
  });
  ASSERT_TRUE(written) << written.error().detail;
  http::Response created;
  created.status = 201;
  replica.finish(post, created);
  EXPECT_EQ(created.headers.get("Concord-Position"), "t.v1:0:41");

  // A refused write has no position, and what an earlier request wrote does not leak into it.
  EXPECT_FALSE(replica.intercept(post).has_value());
  http::Response refused;
  refused.status = 409;
  replica.finish(post, refused);
  EXPECT_FALSE(refused.headers.get("Concord-Position").has_value());

  http::Request get;
  get.headers.set("Concord-Min-Position", "t.v1:0:41");
  EXPECT_FALSE(replica.intercept(get).has_value());  // the writer's state holds every write
  get.headers.set("Concord-Min-Position", "t.v1:zero:41");
  auto answer = replica.intercept(get);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 400);
  replica.stop();
}

TEST(Replica, routes_mounted_in_another_server_answer_a_write_with_its_position) {
  // The console inside `concord serve` runs the services' routes in process: through the
  // replica, as the service's own server does.
  TempDir dir;
  auto file = events::open_file_log({.directory = dir.path()});
  ASSERT_TRUE(file);
  auto log = std::make_shared<PositionedLog>(std::move(*file));
  ASSERT_TRUE(log->ensure_topics({{"t.v1"}}));
  service::Store<int> store(log, [](int& n, const std::string&, const events::Event&) { ++n; });
  ASSERT_TRUE(store.replay({"t.v1"}));
  service::Replica replica({.service = "test", .own_topics = {"t.v1"}}, log, nullptr);
  replica.track(store);
  replica.start();
  http::Router routes;
  routes.post("/v1/things", [&](http::Request&) -> Result<http::Response> {
    auto written = store.write([](const int&) -> Result<std::vector<service::Append>> {
      return std::vector<service::Append>{{"t.v1", "k", {event("e1")}}};
    });
    if (!written) return fail(written.error());
    return http::Response::json(201, {{"n", 1}});
  });
  routes.post("/v1/refused", [](http::Request&) -> Result<http::Response> { return fail(Error::conflict("no")); });
  http::Server server({.service = "test", .access_log = false}, std::move(routes));
  server.set_interceptor([&](http::Request& r) { return replica.intercept(r); });
  server.set_finisher([&](const http::Request& q, http::Response& r) { replica.finish(q, r); });
  auto mounted = server.in_process_routes();

  auto run = [&](const std::string& path) {
    auto match = mounted.match(http::Method::post, path);
    http::Request request;
    request.method = http::Method::post;
    request.target = request.path = path;
    return std::get<http::RouteMatch>(match).route->handler(request);
  };
  auto created = run("/v1/things");
  ASSERT_TRUE(created) << created.error().detail;
  EXPECT_EQ(created->headers.get("Concord-Position"), "t.v1:0:41");
  auto refused = run("/v1/refused");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409);
  EXPECT_FALSE(refused->headers.get("Concord-Position"));
  EXPECT_TRUE(written_positions_are_clear());
  replica.stop();
}

}  // namespace
