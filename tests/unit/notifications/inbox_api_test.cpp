#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../http/raw_client.hpp"
#include "notifications/domain/route.hpp"
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
  std::vector<std::string> seen, causes;
  std::string cursor = first.json["next_cursor"];
  for (auto& i : first.json["items"]) {
    seen.push_back(i["id"]);
    causes.push_back(i["cause_event_id"]);
  }
  while (!cursor.empty()) {
    auto page = h.get("/v1/inbox?limit=2&cursor=" + cursor, "member:m-minsk");
    for (auto& i : page.json["items"]) {
      seen.push_back(i["id"]);
      causes.push_back(i["cause_event_id"]);
    }
    cursor = page.json["next_cursor"].is_string() ? page.json["next_cursor"].get<std::string>() : "";
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
  // Newest first: the events that caused them (time-ordered ids) from the last to the first.
  EXPECT_TRUE(std::is_sorted(causes.rbegin(), causes.rend())) << nlohmann::json(causes).dump();
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

// What the follower routes itself, before any processor step has recorded it (provisional.hpp),
// is shown at once under the id its record will have; the record then takes its place, and a
// read mark made meanwhile waits for the record and follows it on the topic.
TEST_F(InboxApi, a_notification_is_shown_before_its_record_under_the_same_id_and_a_read_mark_waits_for_it) {
  // The members folded first: a follower folds the topics in the order it reads them, and one
  // that met the meeting before the roster would render it in the fallback language (the
  // record, routed with the roster first, would then replace it in the member's).
  h.settle();
  auto cause = schedule("mt-1");  // no loop is turned now: only the follower's thread meets it
  nlohmann::json shown;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       shown.is_null() && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms))
    if (auto items = h.inbox("m-minsk"); items.size() == 1) shown = items[0];
  ASSERT_FALSE(shown.is_null()) << "the follower did not route the event";
  std::string id = shown["id"];
  EXPECT_EQ(id, notification_id(cause, "m-minsk", "meeting.scheduled"));
  EXPECT_EQ(shown["cause_event_id"], cause);
  EXPECT_EQ(shown["language"], "ru");
  EXPECT_TRUE(shown["read_at"].is_null());
  EXPECT_EQ(h.get("/v1/inbox", "member:m-minsk").json["unread_count"], 1);
  EXPECT_EQ(h.get("/v1/inbox/" + id, "member:m-minsk").json, shown);
  EXPECT_EQ(h.get("/v1/inbox/" + id, "member:m-bishkek").status, 404) << "another member's, as a recorded one";
  EXPECT_EQ(h.get("/v1/inbox/" + id, "officer").status, 200);
  auto created_on_topic = [&] {
    std::vector<std::string> types;
    EXPECT_TRUE(h.log().replay("concord.notifications.v1", [&](const events::Record& r) -> Status {
      if (r.key == "m-minsk") types.push_back(r.event.type);
      return {};
    }));
    return types;
  };
  EXPECT_TRUE(created_on_topic().empty()) << "shown, not recorded";

  std::atomic<bool> marked{false};
  Harness::Reply mark;
  std::thread marker([&] {
    mark = h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-minsk");
    marked = true;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(marked) << "the mark went ahead of the record: " << mark.body;
  h.settle();  // the processor records it
  marker.join();
  ASSERT_EQ(mark.status, 200) << mark.body;
  EXPECT_EQ(mark.json["id"], id);
  EXPECT_TRUE(mark.json["read_at"].is_string());

  auto items = h.inbox("m-minsk");
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["id"], id);
  EXPECT_TRUE(items[0]["read_at"].is_string());
  EXPECT_EQ(h.get("/v1/inbox", "member:m-minsk").json["unread_count"], 0);
  EXPECT_EQ(created_on_topic(), (std::vector<std::string>{"concord.notifications.notification.created",
                                                          "concord.notifications.notification.read"}));
}

TEST_F(InboxApi, shown_before_their_record_they_head_the_first_page_and_the_cursor_leads_to_the_recorded_ones) {
  auto recorded = schedule("mt-1");
  ASSERT_TRUE(inbox_has("m-minsk", 1));
  auto pending = schedule("mt-2");  // not settled: only the follower routes it
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       h.inbox("m-minsk").size() < 2 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(10ms);
  for (const char* unread : {"", "&unread=true"}) {
    auto first = h.get(std::string("/v1/inbox?limit=1") + unread, "member:m-minsk");
    ASSERT_EQ(first.status, 200) << first.body;
    ASSERT_EQ(first.json["items"].size(), 1u) << first.body;
    EXPECT_EQ(first.json["items"][0]["cause_event_id"], pending);
    EXPECT_EQ(first.json["unread_count"], 2);
    ASSERT_TRUE(first.json["next_cursor"].is_string()) << first.body;
    auto second =
        h.get("/v1/inbox?limit=1" + std::string(unread) + "&cursor=" + first.json["next_cursor"].get<std::string>(),
              "member:m-minsk");
    ASSERT_EQ(second.json["items"].size(), 1u) << second.body;
    EXPECT_EQ(second.json["items"][0]["cause_event_id"], recorded);
    EXPECT_TRUE(second.json["next_cursor"].is_null()) << second.body;
  }
  auto whole = h.get("/v1/inbox?limit=2", "member:m-minsk");
  ASSERT_EQ(whole.json["items"].size(), 2u) << whole.body;
  EXPECT_EQ(whole.json["items"][0]["cause_event_id"], pending);
  EXPECT_EQ(whole.json["items"][1]["cause_event_id"], recorded);
  EXPECT_TRUE(whole.json["next_cursor"].is_null());
}

TEST(InboxProvisional, a_read_mark_whose_record_does_not_come_in_time_is_a_503_to_retry) {
  Harness h(std::map<std::string, std::string>{{"CONCORD_NOTIFICATIONS_READ_MARK_WAIT", "200ms"}});
  h.add_member("m-1", "en", "Europe/Minsk");
  auto cause =
      h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
               {{"meeting", contract::meeting("mt-1", "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"m-1"})}});
  std::string id = notification_id(cause, "m-1", "meeting.scheduled");
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       h.get("/v1/inbox/" + id, "member:m-1").status != 200 && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(10ms);
  auto mark = h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-1");
  EXPECT_EQ(mark.status, 503) << mark.body;
  EXPECT_EQ(mark.headers.get("Retry-After").value_or(""), "1");
  EXPECT_NE(mark.json["detail"].get<std::string>().find("not recorded yet"), std::string::npos) << mark.body;
  h.settle();
  EXPECT_EQ(h.call(http::Method::post, "/v1/inbox/" + id + "/read", "member:m-1").status, 200);
}

TEST(InboxProvisional, with_it_off_nothing_is_shown_before_its_record) {
  Harness h(std::map<std::string, std::string>{{"CONCORD_NOTIFICATIONS_PROVISIONAL_AGE", "0s"}});
  h.add_member("m-1", "en", "Europe/Minsk");
  h.append("concord.scheduling.v1", "visit-1", "concord.scheduling.meeting.scheduled",
           {{"meeting", contract::meeting("mt-1", "2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"m-1"})}});
  std::this_thread::sleep_for(500ms);  // the follower's poll is 100 ms at most
  EXPECT_EQ(h.inbox("m-1").size(), 0u);
  h.settle();
  EXPECT_EQ(h.inbox("m-1").size(), 1u);
}
