// The console inside `concord serve` runs the services' routes in process: a write that comes
// through it is the service's request as if it had been sent to the service (its Idempotency-Key
// claimed under the service and the signed-in user, its events stamped), so a retry through the
// console after the writer died between its commit and its answer is answered from the log.
#include <gtest/gtest.h>

#include <future>

#include "concord/console/console.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/server.hpp"
#include "fake_cache.hpp"
#include "temp_dir.hpp"
#include "writer_harness.hpp"

using namespace concord;
using concord::events::testing::TempDir;
using concord::service::testing::Writer;

namespace {

constexpr const char* kTopic = "concord.things.v1";

// A console that mounts one writer's routes as `concord serve` mounts a host's, and signs
// requests in as the harness's writers do.
struct Console {
  explicit Console(const Writer& writer) {
    http::Router routes;
    console::mount_in_process(routes, "things", writer.in_process_routes());
    server = std::make_unique<http::Server>(
        http::ServerOptions{.service = "console", .shutdown_grace = std::chrono::seconds(1), .access_log = false},
        std::move(routes));
    server->set_authenticator([](std::optional<std::string_view> header) -> Result<auth::Principal> {
      if (!header || !header->starts_with("Bearer ")) return fail(Error::unauthorized("sign in"));
      return auth::Principal{.subject = std::string(header->substr(7)), .roles = {auth::Role::admin}};
    });
    EXPECT_TRUE(server->start());
  }
  ~Console() { server->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()) + "/api/things/v1/things"; }
  std::unique_ptr<http::Server> server;
};

TEST(ConsoleInProcess, a_retry_through_the_console_after_the_writer_died_is_answered_from_the_log) {
  TempDir dir{"concord-console-idem-"};
  auto opened = events::open_file_log({.directory = dir.path()});
  ASSERT_TRUE(opened);
  std::shared_ptr<events::EventLog> log(std::move(*opened));
  ASSERT_TRUE(log->ensure_topics({{kTopic}}));
  concord::testing::MapCache cache;

  auto first = std::make_unique<Writer>(log, cache, kTopic);
  ASSERT_TRUE(first->replay());
  Console first_console(*first);
  first->dies_at(Writer::DiesAt::after_commit);
  auto lost = std::async(std::launch::async,
                         [&] { return Writer::post_to(first_console.url(), "k-c", R"({"n":1})", "alice"); });
  first->wait_until_held();
  // Claimed as the service's key of the user, not the console's.
  auto claim = cache.get("idem:things:alice:k-c");
  ASSERT_TRUE(claim);
  EXPECT_TRUE(claim->has_value());
  EXPECT_FALSE(*cache.get("idem:console:alice:k-c"));

  auto next = std::make_unique<Writer>(log, cache, kTopic);
  ASSERT_TRUE(next->replay());
  Console next_console(*next);
  auto retry = Writer::post_to(next_console.url(), "k-c", R"({"n":1})", "alice");
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->headers.get("Idempotent-Replayed").value_or(""), "true");
  auto ids = next->ids();
  ASSERT_EQ(ids.size(), 1u);
  // The address as the browser reaches it, under the console's prefix; the receipt's body is the
  // service's own, byte for byte (below).
  EXPECT_EQ(retry->headers.get("Location").value_or(""), "/api/things/v1/things/" + ids[0]);
  EXPECT_EQ(next->handled(), 0);
  // The same request sent to the service itself is this one.
  auto direct = Writer::post_to(next->url(), "k-c", R"({"n":1})", "alice");
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->status, 200);
  EXPECT_EQ(direct->body, retry->body);

  // Another user's key of the same name is another request.
  auto bob = Writer::post_to(next_console.url(), "k-c", R"({"n":1})", "bob");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->status, 201) << bob->body;
  EXPECT_EQ(next->handled(), 1);

  first->release();
  lost.wait();
  EXPECT_EQ(next->ids().size(), 2u);
}

}  // namespace
