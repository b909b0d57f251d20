#include <gtest/gtest.h>

#include "../http/raw_client.hpp"
#include "service_harness.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
using concord::testing::RawClient;
namespace contract = concord::notifications::contract;

namespace {

class InboxApi : public ::testing::Test {
 protected:
  void SetUp() override {
    h.add_member("m-minsk", "ru", "Europe/Minsk");
    h.add_member("m-bishkek", "en", "Asia/Bishkek");
  }
  std::string schedule(const std::string& meeting_id, long long version = 1,
                       const char* start = "2025-09-28T07:00:00Z") {
    auto s = *parse_rfc3339(start);
    return h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
                    {{"meeting", contract::meeting(meeting_id, format_rfc3339_utc(s), format_rfc3339_utc(s + 1h),
                                                   {"m-minsk", "m-bishkek"}, version)}});
  }
  bool inbox_has(const std::string& member, size_t n) {
    return h.settled([&] { return h.inbox(member).size() == n; });
  }
  // Reads an SSE stream until `until` appears.
  struct Sse {
    explicit Sse(unsigned short port) : client(port) {}
    RawClient client;
    std::string text;
    bool open(const std::string& token, const std::string& last_event_id = {}, const std::string& query = {}) {
      std::string req = "GET /v1/inbox/stream" + query + " HTTP/1.1\r\nHost: x\r\n";
      if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
      if (!last_event_id.empty()) req += "Last-Event-ID: " + last_event_id + "\r\n";
      if (!client.send(req + "\r\n")) return false;
      text = client.read(2s, "\r\n\r\n");
      return concord::testing::status_of(text) == 200;
    }
    bool wait_for(const std::string& what, std::chrono::milliseconds timeout = 2s) {
      auto deadline = std::chrono::steady_clock::now() + timeout;
      while (text.find(what) == std::string::npos && std::chrono::steady_clock::now() < deadline)
        text += client.read(100ms, what);
      return text.find(what) != std::string::npos;
    }
    size_t count(const std::string& what) const {
      size_t n = 0;
      for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
      return n;
    }
  };

  Harness h;
};

}  // namespace

TEST_F(InboxApi, a_scheduled_meeting_lands_once_in_each_participants_inbox) {
  auto cause = schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-minsk", 1));
  ASSERT_TRUE(inbox_has("m-bishkek", 1));
  auto ru = h.inbox("m-minsk")[0];
  EXPECT_EQ(ru["language"], "ru");
  EXPECT_EQ(ru["kind"], "meeting.scheduled");
  EXPECT_EQ(ru["cause_event_id"], cause);
  EXPECT_TRUE(ru["read_at"].is_null());
  EXPECT_TRUE(is_uuid(ru["id"].get<std::string>()));
  EXPECT_NE(ru["body"].get<std::string>().find("(Europe/Minsk, UTC+03:00)"), std::string::npos);
  EXPECT_EQ(ru["created_at"], "2025-09-20T09:00:00Z");
  auto en = h.inbox("m-bishkek")[0];
  EXPECT_EQ(en["language"], "en");
  EXPECT_NE(en["body"].get<std::string>().find("13:00 (Asia/Bishkek, UTC+06:00)"), std::string::npos);
  EXPECT_EQ(h.get("/v1/inbox", "member:m-minsk").json["unread_count"], 1);
}

TEST_F(InboxApi, marking_read_records_an_event_and_the_unread_filter_follows) {
  schedule("mt-1");
  schedule("mt-2");
  ASSERT_TRUE(inbox_has("m-minsk", 2));
  std::string id = h.inbox("m-minsk")[0]["id"];
  auto r = h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-minsk");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["read_at"], "2025-09-20T09:00:00Z");
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"2\"");
  EXPECT_EQ(h.inbox("m-minsk", "&unread=true").size(), 1u);
  EXPECT_NE(h.inbox("m-minsk", "&unread=true")[0]["id"], id);
  // Again: the same answer, no second event.
  h.clock().advance(1h);
  auto again = h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-minsk");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json["read_at"], "2025-09-20T09:00:00Z");
  int reads = 0;
  ASSERT_TRUE(h.log().replay("concord.notifications.v1", [&](const events::Record& rec) -> Status {
    if (rec.event.type == "concord.notifications.notification.read") {
      ++reads;
      EXPECT_EQ(rec.key, "m-minsk");
      EXPECT_EQ(rec.event.data["notification_id"], id);
    }
    return {};
  }));
  EXPECT_EQ(reads, 1);
}

TEST_F(InboxApi, a_member_cannot_read_mark_or_stream_another_members_notifications) {
  schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-bishkek", 1));
  std::string theirs = h.inbox("m-bishkek")[0]["id"];
  EXPECT_EQ(h.get("/v1/inbox?member_id=m-bishkek", "member:m-minsk").status, 403);
  EXPECT_EQ(h.get("/v1/inbox/" + theirs, "member:m-minsk").status, 404);
  EXPECT_EQ(h.call(http::Method::post, "/v1/inbox/" + theirs + "/read", "member:m-minsk").status, 404);
  EXPECT_TRUE(h.inbox("m-bishkek")[0]["read_at"].is_null());
  Sse sse(h.port());
  EXPECT_FALSE(sse.open("member:m-minsk", {}, "?member_id=m-bishkek"));
  EXPECT_EQ(concord::testing::status_of(sse.text), 403);
  EXPECT_EQ(h.get("/v1/reminders?member_id=m-bishkek", "member:m-minsk").status, 403);
  // Nor does a member's own list ever show another's.
  for (const auto& item : h.inbox("m-minsk")) EXPECT_EQ(item["member_id"], "m-minsk");
}

TEST_F(InboxApi, officers_read_any_members_inbox_and_integrators_none) {
  schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-bishkek", 1));
  auto r = h.get("/v1/inbox?member_id=m-bishkek", "officer");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["items"].size(), 1u);
  EXPECT_EQ(h.get("/v1/inbox?member_id=m-bishkek", "admin").status, 200);
  auto missing = h.get("/v1/inbox", "officer");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json["errors"][0]["pointer"], "/member_id");
  EXPECT_EQ(h.get("/v1/inbox?member_id=m-bishkek", "integrator").status, 403);
  // Officers read, but only the member marks read.
  std::string id = r.json["items"][0]["id"];
  EXPECT_EQ(h.call(http::Method::post, "/v1/inbox/" + id + "/read", "officer").status, 403);
  EXPECT_EQ(h.get("/v1/inbox/" + id, "officer").status, 200);
  EXPECT_EQ(h.get("/v1/inbox", "").status, 401);
}

TEST_F(InboxApi, lists_are_paginated_and_bad_queries_are_named) {
  for (int i = 0; i < 5; ++i) schedule("mt-" + std::to_string(i));
  ASSERT_TRUE(inbox_has("m-minsk", 5));
  auto first = h.get("/v1/inbox?limit=2", "member:m-minsk");
  ASSERT_EQ(first.json["items"].size(), 2u);
  ASSERT_TRUE(first.json["next_cursor"].is_string());
  std::vector<std::string> seen;
  std::string cursor = first.json["next_cursor"];
  for (auto& i : first.json["items"]) seen.push_back(i["id"]);
  while (!cursor.empty()) {
    auto page = h.get("/v1/inbox?limit=2&cursor=" + cursor, "member:m-minsk");
    for (auto& i : page.json["items"]) seen.push_back(i["id"]);
    cursor = page.json["next_cursor"].is_string() ? page.json["next_cursor"].get<std::string>() : "";
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
  // Newest first.
  EXPECT_GT(seen.front(), seen.back());
  auto bad_limit = h.get("/v1/inbox?limit=0", "member:m-minsk");
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_EQ(bad_limit.json["errors"][0]["pointer"], "/limit");
  auto bad_unread = h.get("/v1/inbox?unread=maybe", "member:m-minsk");
  EXPECT_EQ(bad_unread.status, 400);
  EXPECT_EQ(bad_unread.json["errors"][0]["pointer"], "/unread");
  EXPECT_EQ(h.get("/v1/inbox?cursor=zz", "member:m-minsk").status, 400);
}

// The inbox is paged from bytes kept beside each notification: an item reads as its own GET
// does, and reading it shows in the next page at once, in the whole inbox and the unread one.
TEST_F(InboxApi, inbox_items_read_as_their_get_does_and_show_being_read_at_once) {
  schedule("mt-1");
  schedule("mt-2");
  ASSERT_TRUE(inbox_has("m-minsk", 2));
  auto page = h.get("/v1/inbox", "member:m-minsk");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers.get("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(page.json["unread_count"], 2);
  for (const auto& item : page.json["items"])
    EXPECT_EQ(item, h.get("/v1/inbox/" + item["id"].get<std::string>(), "member:m-minsk").json);
  std::string id = page.json["items"][0]["id"];
  ASSERT_EQ(h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-minsk").status, 200);
  auto after = h.get("/v1/inbox", "member:m-minsk");
  EXPECT_EQ(after.json["unread_count"], 1);
  EXPECT_TRUE(after.json["items"][0]["read_at"].is_string()) << after.body;
  EXPECT_EQ(after.json["items"][0], h.get("/v1/inbox/" + id, "member:m-minsk").json);
  auto unread = h.get("/v1/inbox?unread=true", "member:m-minsk");
  ASSERT_EQ(unread.json["items"].size(), 1u);
  EXPECT_NE(unread.json["items"][0]["id"], id);
}

TEST_F(InboxApi, a_live_notification_reaches_the_stream_within_a_second_and_resume_sends_what_was_missed_once) {
  auto live_stream = std::make_unique<Sse>(h.port());
  auto& live = *live_stream;
  ASSERT_TRUE(live.open("member:m-bishkek"));
  auto sent = std::chrono::steady_clock::now();
  schedule("mt-1");
  h.settle();
  ASSERT_TRUE(live.wait_for("event: notification", 1s)) << live.text;
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s);
  EXPECT_NE(live.text.find("Meeting scheduled: Expanded talks"), std::string::npos);
  ASSERT_TRUE(inbox_has("m-bishkek", 1));
  std::string first = h.inbox("m-bishkek")[0]["id"];
  EXPECT_NE(live.text.find("id: " + first), std::string::npos);

  // Disconnected, two more arrive; reconnecting with the last id seen gets exactly those two.
  live_stream.reset();
  schedule("mt-2");
  schedule("mt-3");
  ASSERT_TRUE(inbox_has("m-bishkek", 3));
  Sse resumed(h.port());
  ASSERT_TRUE(resumed.open("member:m-bishkek", first));
  auto items = h.inbox("m-bishkek");
  std::string second = items[1]["id"], third = items[0]["id"];
  ASSERT_TRUE(resumed.wait_for("id: " + third)) << resumed.text;
  EXPECT_EQ(resumed.count("id: " + second), 1u);
  EXPECT_EQ(resumed.count("id: " + third), 1u);
  EXPECT_EQ(resumed.count("id: " + first), 0u);
  EXPECT_LT(resumed.text.find("id: " + second), resumed.text.find("id: " + third));
  // Live ones keep coming on the resumed stream, once each.
  schedule("mt-4");
  ASSERT_TRUE(inbox_has("m-bishkek", 4));
  std::string fourth = h.inbox("m-bishkek")[0]["id"];
  h.settle();
  ASSERT_TRUE(resumed.wait_for("id: " + fourth, 1s));
  resumed.wait_for(": keep-alive", 500ms);
  EXPECT_EQ(resumed.count("id: " + fourth), 1u);
}

TEST_F(InboxApi, a_stream_resumed_with_a_malformed_last_event_id_is_a_400) {
  Sse sse(h.port());
  EXPECT_FALSE(sse.open("member:m-minsk", "not-an-id"));
  EXPECT_EQ(concord::testing::status_of(sse.text), 400);
}

TEST_F(InboxApi, reminders_are_listed_fire_on_time_and_vanish_with_a_cancellation) {
  schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-minsk", 1));
  auto pending = h.get("/v1/reminders", "member:m-minsk");
  ASSERT_EQ(pending.status, 200);
  ASSERT_EQ(pending.json["items"].size(), 2u);
  EXPECT_EQ(pending.json["items"][0]["at"], "2025-09-27T07:00:00Z");
  EXPECT_EQ(pending.json["items"][1]["at"], "2025-09-28T06:00:00Z");
  // A day ahead: the reminder fires, once.
  h.clock().set(*parse_rfc3339("2025-09-27T07:00:01Z"));
  ASSERT_TRUE(inbox_has("m-minsk", 2));
  EXPECT_EQ(h.inbox("m-minsk")[0]["kind"], "meeting.reminder");
  EXPECT_EQ(h.get("/v1/reminders", "member:m-minsk").json["items"].size(), 1u);
  h.append(
      "concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.cancelled",
      {{"meeting", contract::meeting("mt-1", contract::at("2025-09-28T07:00:00Z"), contract::at("2025-09-28T08:00:00Z"),
                                     {"m-minsk", "m-bishkek"}, 2, "cancelled")},
       {"reason", "weather"}});
  ASSERT_TRUE(inbox_has("m-minsk", 3));
  EXPECT_TRUE(h.get("/v1/reminders", "member:m-minsk").json["items"].empty());
  h.clock().set(*parse_rfc3339("2025-09-28T06:00:01Z"));
  h.settle();  // the reminders are checked: none may fire
  EXPECT_EQ(h.inbox("m-minsk").size(), 3u);
}

TEST_F(InboxApi, a_restart_serves_the_same_inbox_and_resumes_without_duplicates) {
  schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-minsk", 1));
  std::string id = h.inbox("m-minsk")[0]["id"];
  ASSERT_EQ(h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-minsk").status, 200);
  h.close();
  h.open_log();
  schedule("mt-2");  // while it is down
  h.open();
  ASSERT_TRUE(inbox_has("m-minsk", 2));
  h.settle();
  auto items = h.inbox("m-minsk");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["id"], id);
  EXPECT_FALSE(items[1]["read_at"].is_null());
  EXPECT_EQ(h.inbox("m-bishkek").size(), 2u);
}

TEST_F(InboxApi, a_stream_ends_when_the_token_it_was_opened_with_expires) {
  Sse sse(h.port());
  ASSERT_TRUE(sse.open("expiring:m-minsk"));
  schedule("mt-1");
  h.settle();
  ASSERT_TRUE(sse.wait_for("event: notification"));
  h.clock().set(*parse_rfc3339("2025-09-20T10:00:01Z"));
  h.settle();  // the processor's turn closes the streams whose token has expired
  ASSERT_TRUE(wait_until(
      [&] {
        sse.text += sse.client.read(50ms);
        return sse.client.closed_by_peer();
      },
      5s));
}
