// Identities and invitations over real HTTP: an officer links and unlinks, an invitation is
// redeemed by a signed-in person once, and every route then sees that person as the member,
// with the delegation from the state whatever a token claims.
#include <gtest/gtest.h>

#include "api_fixture.hpp"

using namespace concord;
using namespace concord::delegations::testing;
using http::Method;
using nlohmann::json;

namespace {

class IdentityApiTest : public DelegationsApiTest {
 protected:
  void SetUp() override {
    DelegationsApiTest::SetUp();
    kg = new_delegation("KG");
    by = new_delegation("BY", "host");
    aibek = new_member(kg, member_body("Aibek", "minister"));
    olga = new_member(by, member_body("Olga", "minister"));
  }
  std::string kg, by, aibek, olga;
};

}  // namespace

TEST_F(IdentityApiTest, a_linked_person_is_the_member_on_every_route) {
  // Not linked yet: a member role that stands for nobody is refused, and says what to do.
  auto before = get("/v1/members/" + aibek, "person:ada");
  expect_problem(before, 403);
  EXPECT_NE(before.body.value("detail", "").find("redeem"), std::string::npos) << before.text;

  auto linked = put("/v1/members/" + aibek + "/identity", {{"issuer", "https://idp.example"}, {"subject", "ada"}});
  ASSERT_EQ(linked.status, 200) << linked.text;
  EXPECT_EQ(linked.body["delegation_id"], kg);
  EXPECT_EQ(linked.body["via"], "officer");

  auto self = get("/v1/members/" + aibek, "person:ada");
  ASSERT_EQ(self.status, 200) << self.text;
  EXPECT_EQ(self.body["identity"]["subject"], "ada");
  EXPECT_EQ(get("/v1/delegations/" + kg + "/members", "person:ada").status, 200);
  expect_problem(get("/v1/delegations/" + by + "/members", "person:ada"), 403);
  // Self-service changes go to their own record.
  EXPECT_EQ(patch("/v1/members/" + aibek, {{"time_zone", "Asia/Bishkek"}}, "person:ada").status, 200);
  // Another person is still nobody.
  expect_problem(get("/v1/members/" + aibek, "person:bob"), 403);

  // The same identity on a second member: 409, across delegations.
  expect_problem(put("/v1/members/" + olga + "/identity", {{"issuer", "https://idp.example"}, {"subject", "ada"}}),
                 409);

  // Unlinked: nobody again.
  EXPECT_EQ(call(Method::del, "/v1/members/" + aibek + "/identity", "officer").status, 204);
  expect_problem(get("/v1/members/" + aibek, "person:ada"), 403);
  expect_problem(get("/v1/members/" + aibek + "/identity"), 404);
}

TEST_F(IdentityApiTest, an_invitation_is_redeemed_once_and_survives_a_restart) {
  auto inv = post("/v1/members/" + olga + "/invitations", {{"expires_in", "P2D"}});
  ASSERT_EQ(inv.status, 201) << inv.text;
  EXPECT_EQ(inv.header("Cache-Control"), "no-store");
  std::string code = inv.body["code"];
  EXPECT_EQ(code.rfind("inv_", 0), 0u);

  auto redeemed = post("/v1/invitations/redeem", {{"code", code}}, "person:bob");
  ASSERT_EQ(redeemed.status, 200) << redeemed.text;
  EXPECT_EQ(redeemed.body["member_id"], olga);
  EXPECT_EQ(redeemed.body["delegation_id"], by);
  EXPECT_EQ(redeemed.body["subject"], "bob");
  EXPECT_EQ(get("/v1/members/" + olga, "person:bob").status, 200);

  auto again = post("/v1/invitations/redeem", {{"code", code}}, "person:carol");
  expect_problem(again, 409);
  expect_problem(post("/v1/invitations/redeem", {{"code", "inv_" + std::string(64, '0')}}, "person:carol"), 404);
  expect_problem(post("/v1/invitations/redeem", {{"code", "not a code"}}, "person:carol"), 404);
  expect_problem(post("/v1/invitations/redeem", {{"code", 7}}, "person:carol"), 400, "/code");
  expect_problem(post("/v1/members/" + olga + "/invitations", {{"expires_in", "forever"}}), 400, "/expires_in");
  expect_problem(post("/v1/members/" + olga + "/invitations", json::object(), "member:" + aibek), 403);

  restart();
  EXPECT_EQ(get("/v1/members/" + olga, "person:bob").status, 200);
  expect_problem(post("/v1/invitations/redeem", {{"code", code}}, "person:carol"), 409);
}

TEST_F(IdentityApiTest, a_member_claim_naming_another_delegation_is_not_trusted) {
  // The fake member token claims delegation "unused-claim": the state's delegation applies,
  // so the member reads their own roster and not the other side's.
  EXPECT_EQ(get("/v1/delegations/" + kg + "/members", "member:" + aibek).status, 200);
  expect_problem(get("/v1/delegations/" + by + "/members", "member:" + aibek), 403);
}

TEST_F(IdentityApiTest, me_says_who_the_caller_is_with_the_member_from_the_state) {
  auto officer = get("/v1/me");
  ASSERT_EQ(officer.status, 200) << officer.text;
  EXPECT_EQ(officer.body["subject"], "officer-1");
  EXPECT_EQ(officer.body["roles"], json::array({"host_officer"}));
  EXPECT_TRUE(officer.body["member_id"].is_null());
  EXPECT_EQ(officer.header("Cache-Control"), "no-store");

  // A person linked to nobody acts for nobody, and is told how to change that.
  auto nobody = get("/v1/me", "person:ada");
  expect_problem(nobody, 403);
  EXPECT_NE(nobody.body.value("detail", "").find("redeem"), std::string::npos) << nobody.text;

  ASSERT_EQ(put("/v1/members/" + aibek + "/identity", {{"issuer", "https://idp.example"}, {"subject", "ada"}}).status,
            200);
  auto ada = get("/v1/me", "person:ada");
  ASSERT_EQ(ada.status, 200) << ada.text;
  EXPECT_EQ(ada.body["subject"], "ada");
  EXPECT_EQ(ada.body["roles"], json::array({"delegation_member"}));
  EXPECT_EQ(ada.body["member_id"], aibek);
  EXPECT_EQ(ada.body["delegation_id"], kg);
}
