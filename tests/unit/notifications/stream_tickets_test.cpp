// Browser stream tickets: POST /v1/inbox/stream-tickets, then GET /v1/inbox/stream?ticket=…
// without an Authorization header, once, within 30 s, as the member who asked.
#include <gtest/gtest.h>

#include <mutex>

#include "../http/raw_client.hpp"
#include "concord/core/log.hpp"
#include "concord/core/secret.hpp"
#include "service_harness.hpp"

using namespace concord;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
using concord::testing::RawClient;
namespace contract = concord::notifications::contract;

namespace {

class StreamTickets : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink_for_testing([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
    h = std::make_unique<Harness>(std::map<std::string, std::string>{}, *parse_rfc3339("2025-09-20T09:00:00Z"), true);
    h->add_member("m-minsk", "ru", "Europe/Minsk");
    h->add_member("m-bishkek", "en", "Asia/Bishkek");
  }
  void TearDown() override {
    h.reset();
    log::set_sink_for_testing(nullptr);
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  void schedule(const std::string& meeting_id, std::vector<std::string> who) {
    auto s = *parse_rfc3339("2025-09-28T07:00:00Z");
    h->append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
              {{"meeting", contract::meeting(meeting_id, format_rfc3339_utc(s), format_rfc3339_utc(s + 1h), who, 1)}});
  }
  std::string ticket_for(const std::string& token) {
    auto r = h->call(http::Method::post, "/v1/inbox/stream-tickets", token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("ticket", "");
  }

  // A stream opened as a browser's EventSource would: no Authorization header.
  struct Stream {
    explicit Stream(unsigned short port) : client(port) {}
    RawClient client;
    std::string text;
    int open(const std::string& query, const std::string& token = {}) {
      std::string req = "GET /v1/inbox/stream" + query + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n";
      if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
      if (!client.send(req + "\r\n")) return 0;
      text = client.read(2s, "\r\n\r\n");
      if (concord::testing::status_of(text) != 200) text += client.read(500ms);  // the problem's body
      return concord::testing::status_of(text);
    }
    bool wait_for(const std::string& what, std::chrono::milliseconds timeout = 2s) {
      auto deadline = std::chrono::steady_clock::now() + timeout;
      while (text.find(what) == std::string::npos && std::chrono::steady_clock::now() < deadline)
        text += client.read(100ms, what);
      return text.find(what) != std::string::npos;
    }
  };

  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::unique_ptr<Harness> h;
};

TEST_F(StreamTickets, a_ticket_opens_the_members_stream_once_and_notifications_arrive_on_it) {
  auto r = h->call(http::Method::post, "/v1/inbox/stream-tickets", "member:m-bishkek");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string ticket = r.json["ticket"];
  EXPECT_TRUE(is_secret(ticket, kTicketSecretPrefix)) << ticket;
  EXPECT_EQ(r.json["expires_at"], "2025-09-20T09:00:30Z");
  EXPECT_EQ(r.json["stream"], "/v1/inbox/stream?ticket=" + ticket);
  EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "no-store");

  Stream stream(h->port());
  ASSERT_EQ(stream.open("?ticket=" + ticket), 200) << stream.text;
  schedule("mt-1", {"m-bishkek"});
  h->settle();
  ASSERT_TRUE(stream.wait_for("event: notification")) << stream.text;
  EXPECT_NE(stream.text.find("Meeting scheduled"), std::string::npos);

  // Used: refused, even while the first stream is open.
  Stream again(h->port());
  EXPECT_EQ(again.open("?ticket=" + ticket), 401);
  EXPECT_NE(again.text.find("application/problem+json"), std::string::npos);
  EXPECT_NE(again.text.find("has been used"), std::string::npos) << again.text;
}

TEST_F(StreamTickets, a_ticket_expires_after_thirty_seconds) {
  std::string in_time = ticket_for("member:m-minsk");
  std::string late = ticket_for("member:m-minsk");
  h->clock().advance(29s);
  Stream first(h->port());
  EXPECT_EQ(first.open("?ticket=" + in_time), 200) << first.text;
  h->clock().advance(2s);
  Stream second(h->port());
  EXPECT_EQ(second.open("?ticket=" + late), 401);
  EXPECT_NE(second.text.find("application/problem+json"), std::string::npos);
  EXPECT_NE(second.text.find("WWW-Authenticate"), std::string::npos);
}

TEST_F(StreamTickets, a_ticket_is_bound_to_its_member) {
  // Member A's ticket cannot open member B's inbox.
  Stream other(h->port());
  EXPECT_EQ(other.open("?member_id=m-minsk&ticket=" + ticket_for("member:m-bishkek")), 403);
  // And the stream it opens carries A's notifications only.
  Stream mine(h->port());
  ASSERT_EQ(mine.open("?ticket=" + ticket_for("member:m-bishkek")), 200);
  schedule("mt-minsk-only", {"m-minsk"});
  schedule("mt-both", {"m-minsk", "m-bishkek"});
  h->settle();
  ASSERT_TRUE(mine.wait_for("event: notification")) << mine.text;
  ASSERT_EQ(h->inbox("m-minsk").size(), 2u);
  std::string minsk_only = h->inbox("m-minsk")[1]["id"];
  mine.text += mine.client.read(300ms);
  EXPECT_EQ(mine.text.find(minsk_only), std::string::npos) << "another member's notification on the stream";
}

TEST_F(StreamTickets, who_gets_a_ticket_and_what_is_refused) {
  EXPECT_EQ(h->call(http::Method::post, "/v1/inbox/stream-tickets", "integrator").status, 403);
  EXPECT_EQ(h->call(http::Method::post, "/v1/inbox/stream-tickets", "").status, 401);
  EXPECT_EQ(h->call(http::Method::post, "/v1/inbox/stream-tickets", "officer").status, 201);
  EXPECT_EQ(h->call(http::Method::post, "/v1/inbox/stream-tickets", "member:m-minsk", nlohmann::json::object()).status,
            201);
  auto extra = h->call(http::Method::post, "/v1/inbox/stream-tickets", "member:m-minsk", {{"member_id", "m-bishkek"}});
  EXPECT_EQ(extra.status, 400) << extra.body;
  EXPECT_EQ(extra.headers.get("Content-Type").value_or(""), "application/problem+json");
  for (std::string query : {std::string(""), std::string("?ticket="), std::string("?ticket=st_nope"),
                            "?ticket=st_" + std::string(64, '0'), "?ticket=" + std::string(64, 'a')}) {
    Stream s(h->port());
    EXPECT_EQ(s.open(query), 401) << query;
    EXPECT_NE(s.text.find("application/problem+json"), std::string::npos) << query;
  }
  // The Authorization header keeps working, and a ticket beside it is not spent.
  std::string ticket = ticket_for("member:m-minsk");
  Stream with_header(h->port());
  EXPECT_EQ(with_header.open("?ticket=" + ticket, "member:m-minsk"), 200);
  Stream with_ticket(h->port());
  EXPECT_EQ(with_ticket.open("?ticket=" + ticket), 200);
}

TEST_F(StreamTickets, tickets_never_reach_the_log) {
  std::string used = ticket_for("member:m-minsk");
  Stream a(h->port());
  ASSERT_EQ(a.open("?ticket=" + used), 200);
  Stream b(h->port());
  ASSERT_EQ(b.open("?ticket=" + used), 401);
  Stream c(h->port());
  c.open("?ticket=" + used + "garbage");
  h->get("/v1/inbox/" + used, "member:m-minsk");  // a ticket where an id goes: 404, path logged
  ASSERT_TRUE(wait_until([&] {
    size_t stream_lines = 0;
    for (const auto& l : lines())
      if (l.find("/v1/inbox/stream") != std::string::npos) ++stream_lines;
    return stream_lines >= 3;
  })) << "the access log did not record the stream requests";
  ASSERT_TRUE(wait_until([&] {
    for (const auto& l : lines())
      if (l.find("st_REDACTED") != std::string::npos) return true;
    return false;
  }));
  for (const auto& l : lines()) EXPECT_EQ(l.find(used.substr(3, 16)), std::string::npos) << l;
}

}  // namespace
