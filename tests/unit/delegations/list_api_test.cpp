// Lists are made of bytes kept beside each delegation and member (one rendering without personal
// data, one with): every entry must read as the item's own GET does for the same caller, personal
// data only for those who may see it, and every change must show at once — the contact, travel
// and identity kept beside a member too.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

using namespace concord;
using namespace concord::delegations::testing;
using nlohmann::json;

namespace {

class ListApiTest : public DelegationsApiTest {
 protected:
  void SetUp() override {
    DelegationsApiTest::SetUp();
    kg = new_delegation("KG");
    auto body = member_body("Aibek", "minister");
    body["contact"] = {{"email", "aibek@mfa.kg"}};
    aibek = new_member(kg, body);
    colleague = new_member(kg, member_body("Colleague", "expert"));
  }

  json entry(const std::string& member_id, const std::string& token = "officer") {
    auto roster = get("/v1/delegations/" + kg + "/members?status=all&limit=200", token);
    EXPECT_EQ(roster.status, 200) << roster.text;
    EXPECT_EQ(roster.header("Content-Type"), "application/json");
    for (const auto& item : roster.body["items"])
      if (item["id"] == member_id) return item;
    ADD_FAILURE() << member_id << " is not on the roster";
    return json();
  }
  // Each caller's entry is the member's GET for that caller: officers and the member themself
  // with personal data, a colleague and an integrator without.
  void expect_entries_as_gets() {
    for (const std::string& token :
         std::vector<std::string>{"member:" + colleague, "integrator", "officer", "member:" + aibek})
      EXPECT_EQ(entry(aibek, token), get("/v1/members/" + aibek, token).body) << token;
  }

  std::string kg, aibek, colleague;
};

}  // namespace

TEST_F(ListApiTest, roster_entries_read_as_each_callers_get_with_personal_data_only_for_those_who_may) {
  expect_entries_as_gets();
  EXPECT_EQ(entry(aibek)["contact"]["email"], "aibek@mfa.kg");
  EXPECT_EQ(entry(aibek, "member:" + aibek)["contact"]["email"], "aibek@mfa.kg");
  EXPECT_FALSE(entry(aibek, "member:" + colleague).contains("contact"));
  EXPECT_FALSE(entry(aibek, "integrator").contains("contact"));
}

TEST_F(ListApiTest, roster_entries_show_every_change_of_the_member_and_their_personal_data_at_once) {
  expect_entries_as_gets();
  ASSERT_EQ(patch("/v1/members/" + aibek, {{"position", {{"en", "First Deputy"}}}}).status, 200);
  EXPECT_EQ(entry(aibek, "member:" + colleague)["position"]["en"], "First Deputy");
  EXPECT_EQ(entry(aibek)["position"]["en"], "First Deputy");

  ASSERT_EQ(patch("/v1/members/" + aibek, {{"contact", {{"email", "a.new@mfa.kg"}}}}).status, 200);
  EXPECT_EQ(entry(aibek)["contact"]["email"], "a.new@mfa.kg");
  ASSERT_EQ(put("/v1/members/" + aibek + "/travel", {{"hotel", {{"name", "Hotel Minsk"}}}}).status, 200);
  EXPECT_EQ(entry(aibek)["travel"]["hotel"]["name"], "Hotel Minsk");

  ASSERT_EQ(put("/v1/members/" + aibek + "/identity", {{"issuer", "https://idp.example"}, {"subject", "ada"}}).status,
            200);
  EXPECT_EQ(entry(aibek)["identity"]["subject"], "ada");
  expect_entries_as_gets();
  ASSERT_EQ(call(http::Method::del, "/v1/members/" + aibek + "/identity", "officer").status, 204);
  EXPECT_TRUE(entry(aibek)["identity"].is_null());

  ASSERT_EQ(post("/v1/members/" + aibek + "/accreditation", {{"action", "request"}}).status, 200);
  EXPECT_EQ(entry(aibek)["accreditation"]["status"], "requested");
  EXPECT_EQ(entry(aibek)["accreditation"]["history"].size(), 1u);
  ASSERT_EQ(post("/v1/members/" + aibek + "/withdraw", {{"reason", "recalled"}}).status, 200);
  EXPECT_EQ(entry(aibek)["withdrawal_reason"], "recalled");
  expect_entries_as_gets();
}

TEST_F(ListApiTest, delegation_lists_read_as_each_delegations_get_and_show_a_change_at_once) {
  auto listed = [&](const std::string& query) {
    auto page = get("/v1/delegations?limit=200" + query);
    EXPECT_EQ(page.status, 200) << page.text;
    EXPECT_EQ(page.body["items"].size(), 1u);
    return page.body["items"][0];
  };
  std::string by_visit = std::string("&visit_id=") + kVisit;
  EXPECT_EQ(listed(""), get("/v1/delegations/" + kg).body);
  EXPECT_EQ(listed(by_visit), get("/v1/delegations/" + kg).body);
  http::Headers v1;
  v1.set("If-Match", "\"1\"");
  ASSERT_EQ(patch("/v1/delegations/" + kg, {{"name", {{"en", "Kyrgyz Republic"}}}}, "officer", v1).status, 200);
  EXPECT_EQ(listed("")["name"]["en"], "Kyrgyz Republic");
  EXPECT_EQ(listed(by_visit)["name"]["en"], "Kyrgyz Republic");
  EXPECT_EQ(listed(""), get("/v1/delegations/" + kg).body);
}
