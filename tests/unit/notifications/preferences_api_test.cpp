#include <gtest/gtest.h>

#include "service_harness.hpp"

using namespace concord;
using namespace concord::notifications;
using namespace concord::notifications::testing;
using namespace std::chrono_literals;
namespace contract = concord::notifications::contract;

namespace {

class PreferencesApi : public ::testing::Test {
 protected:
  void SetUp() override { h.add_member("m-minsk", "ru", "Europe/Minsk"); }
  Harness::Reply put(const nlohmann::json& body, const std::string& token = "member:m-minsk", http::Headers hd = {}) {
    return h.call(http::Method::put, "/v1/preferences", token, body, std::move(hd));
  }
  void schedule(const std::string& id, long long version = 1, const std::string& status = "scheduled",
                const char* verb = "scheduled") {
    h.append("concord.scheduling.v1", "visit-1", std::string("concord.scheduling.meeting.") + verb,
             {{"meeting", contract::meeting(id, contract::at("2025-09-28T07:00:00Z"),
                                            contract::at("2025-09-28T08:00:00Z"), {"m-minsk"}, version, status)},
              {"reason", "storm"}});
  }
  std::vector<std::string> pointers(const Harness::Reply& r) {
    std::vector<std::string> out;
    for (const auto& e : r.json["errors"]) out.push_back(e["pointer"]);
    return out;
  }
  Harness h;
};

}  // namespace

TEST_F(PreferencesApi, a_members_language_and_zone_override_what_the_delegation_recorded) {
  auto empty = h.get("/v1/preferences", "member:m-minsk");
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.json["language"].is_null());
  EXPECT_EQ(empty.headers.get("ETag").value_or(""), "\"0\"");
  auto r = put({{"language", "en"}, {"time_zone", "Asia/Tokyo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["language"], "en");
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(h.get("/v1/preferences", "member:m-minsk").json["time_zone"], "Asia/Tokyo");
  schedule("mt-1");
  ASSERT_TRUE(h.settled([&] { return h.inbox("m-minsk").size() == 1; }));
  auto n = h.inbox("m-minsk")[0];
  EXPECT_EQ(n["language"], "en");
  EXPECT_NE(n["body"].get<std::string>().find("16:00 (Asia/Tokyo, UTC+09:00)"), std::string::npos) << n;
}

TEST_F(PreferencesApi, every_bad_field_is_named_in_one_answer) {
  auto r = put({{"language", "de"},
                {"time_zone", "Mars/Olympus"},
                {"channels", {"inbox", "pager"}},
                {"quiet_hours", {{"start", "25:00"}, {"end", "7am"}}},
                {"colour", "blue"}});
  ASSERT_EQ(r.status, 400) << r.body;
  auto p = pointers(r);
  for (const char* want : {"/language", "/time_zone", "/channels", "/quiet_hours/start", "/quiet_hours/end", "/colour"})
    EXPECT_NE(std::find(p.begin(), p.end(), want), p.end()) << want << " in " << r.body;
  EXPECT_EQ(put({{"quiet_hours", {{"start", "22:00"}, {"end", "22:00"}}}}).status, 400);
  EXPECT_EQ(h.call(http::Method::put, "/v1/preferences", "member:m-minsk", nullptr).status, 400);
  EXPECT_EQ(h.get("/v1/preferences", "member:m-minsk").json["version"], 0);  // nothing written
}

TEST_F(PreferencesApi, kyrgyz_and_belarusian_are_languages_a_member_can_choose) {
  auto ky = put({{"language", "ky-KG"}});
  ASSERT_EQ(ky.status, 200) << ky.body;
  EXPECT_EQ(ky.json["language"], "ky-KG");
  auto uz = put({{"language", "uz"}});
  ASSERT_EQ(uz.status, 400) << uz.body;
  EXPECT_NE(uz.body.find("available: be, en, ky, ru"), std::string::npos) << uz.body;
}

TEST_F(PreferencesApi, a_stale_if_match_is_412_and_only_the_member_writes_their_own) {
  ASSERT_EQ(put({{"language", "en"}}).status, 200);
  http::Headers stale;
  stale.set("If-Match", "\"0\"");
  EXPECT_EQ(put({{"language", "ru"}}, "member:m-minsk", stale).status, 412);
  http::Headers fresh;
  fresh.set("If-Match", "\"1\"");
  EXPECT_EQ(put({{"language", "ru"}}, "member:m-minsk", fresh).status, 200);
  EXPECT_EQ(put({{"language", "ru"}}, "officer").status, 403);
  EXPECT_EQ(h.get("/v1/preferences?member_id=m-minsk", "member:m-other").status, 403);
  auto officer = h.get("/v1/preferences?member_id=m-minsk", "officer");
  EXPECT_EQ(officer.status, 200);
  EXPECT_EQ(officer.json["language"], "ru");
}

TEST_F(PreferencesApi, quiet_hours_hold_back_what_is_not_urgent_and_let_cancellations_through) {
  // 12:00 in Minsk; quiet from 11:00 to 13:00.
  ASSERT_EQ(put({{"quiet_hours", {{"start", "11:00"}, {"end", "13:00"}}}}).status, 200);
  schedule("mt-1");
  h.settle();
  EXPECT_TRUE(h.inbox("m-minsk").empty());
  schedule("mt-1", 2, "cancelled", "cancelled");
  ASSERT_TRUE(h.settled([&] { return h.inbox("m-minsk").size() == 1; }));
  EXPECT_EQ(h.inbox("m-minsk")[0]["kind"], "meeting.cancelled");
  h.clock().set(*parse_rfc3339("2025-09-20T10:00:00Z"));  // 13:00 in Minsk
  ASSERT_TRUE(h.settled([&] { return h.inbox("m-minsk").size() == 2; }));
  auto held = h.inbox("m-minsk")[1];
  EXPECT_EQ(held["kind"], "meeting.scheduled");
  EXPECT_EQ(held["deliver_after"], "2025-09-20T10:00:00Z");
}
