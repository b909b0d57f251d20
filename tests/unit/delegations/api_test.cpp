// The delegations API over real HTTP: every capability, validation error, right, If-Match and
// Idempotency-Key, the roster in the cache, and a restart from the file log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "api_fixture.hpp"

using namespace concord;
using namespace concord::delegations::testing;
using http::Method;
using nlohmann::json;

namespace {
const std::string kPublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

http::Headers with(std::string name, std::string value) {
  http::Headers h;
  h.set(std::move(name), std::move(value));
  return h;
}

std::vector<std::string> names_of(const json& items) {
  std::vector<std::string> out;
  for (const auto& m : items) out.push_back(m["full_name"]["en"].get<std::string>());
  return out;
}
}  // namespace

// --- delegations ---

TEST_F(DelegationsApiTest, registers_reads_and_lists_delegations_by_visit) {
  auto r = post(
      "/v1/delegations",
      {{"visit_id", kVisit}, {"country", "BY"}, {"side", "host"}, {"name", {{"en", "Belarus"}, {"ru", "Беларусь"}}}});
  ASSERT_EQ(r.status, 201) << r.text;
  std::string id = r.body["id"];
  EXPECT_EQ(r.header("Location"), "/v1/delegations/" + id);
  EXPECT_EQ(r.header("ETag"), "\"1\"");
  EXPECT_EQ(r.body["country"], "BY");
  EXPECT_TRUE(r.body["head_member_id"].is_null());

  auto read = get("/v1/delegations/" + id, "integrator");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, r.body);
  new_delegation("KG");
  new_delegation("KZ", "guest", "01900000-0000-7000-8000-0000000000bb");

  auto list = get(std::string("/v1/delegations?visit_id=") + kVisit);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["items"].size(), 2u);
  EXPECT_TRUE(list.body["next_cursor"].is_null());
  auto page1 = get(std::string("/v1/delegations?limit=1&visit_id=") + kVisit);
  ASSERT_EQ(page1.body["items"].size(), 1u);
  ASSERT_TRUE(page1.body["next_cursor"].is_string());
  auto page2 = get(std::string("/v1/delegations?limit=1&visit_id=") + kVisit +
                   "&cursor=" + page1.body["next_cursor"].get<std::string>());
  ASSERT_EQ(page2.body["items"].size(), 1u);
  EXPECT_NE(page2.body["items"][0]["id"], page1.body["items"][0]["id"]);
  EXPECT_TRUE(page2.body["next_cursor"].is_null());
  EXPECT_EQ(get("/v1/delegations").body["items"].size(), 3u);
  expect_problem(get("/v1/delegations?visit_id=nope"), 400, "/visit_id");
  expect_problem(get("/v1/delegations?limit=0"), 400, "/limit");
  expect_problem(get("/v1/delegations/01900000-0000-7000-8000-00000000dead"), 404);
  expect_problem(get("/v1/delegations/not-an-id"), 404);
}

TEST_F(DelegationsApiTest, unknown_country_is_400_pointing_at_country) {
  auto r =
      post("/v1/delegations", {{"visit_id", kVisit}, {"country", "XX"}, {"side", "guest"}, {"name", {{"en", "X"}}}});
  expect_problem(r, 400, "/country");
  EXPECT_EQ(r.body["type"], "urn:concord:problem:validation-failed");
}

TEST_F(DelegationsApiTest, missing_name_is_400_pointing_at_name) {
  expect_problem(post("/v1/delegations", {{"visit_id", kVisit}, {"country", "KG"}, {"side", "guest"}}), 400, "/name");
  auto d = new_delegation("KG");
  auto body = member_body("A", "expert");
  body.erase("full_name");
  expect_problem(post("/v1/delegations/" + d + "/members", body), 400, "/full_name");
}

TEST_F(DelegationsApiTest, malformed_json_is_400_and_writes_nothing) {
  http::ClientRequest req{.method = Method::post,
                          .url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/delegations",
                          .body = "{\"visit_id\": "};
  req.headers.set("Authorization", "Bearer officer");
  auto r = http::fetch(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(get("/v1/delegations").body["items"].size(), 0u);
}

TEST_F(DelegationsApiTest, a_second_host_or_a_second_delegation_of_a_country_is_409) {
  new_delegation("BY", "host");
  expect_problem(
      post("/v1/delegations", {{"visit_id", kVisit}, {"country", "BY"}, {"side", "guest"}, {"name", {{"en", "x"}}}}),
      409, "/country");
  expect_problem(
      post("/v1/delegations", {{"visit_id", kVisit}, {"country", "KG"}, {"side", "host"}, {"name", {{"en", "x"}}}}),
      409, "/side");
}

TEST_F(DelegationsApiTest, patching_a_delegation_sets_its_head_and_checks_if_match) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("Aibek", "minister"));
  auto stale = patch("/v1/delegations/" + d, {{"name", {{"en", "Kyrgyzstan"}}}}, "officer", with("If-Match", "\"7\""));
  expect_problem(stale, 412);
  auto r = patch("/v1/delegations/" + d, {{"name", {{"en", "Kyrgyzstan"}}}, {"head_member_id", m}}, "officer",
                 with("If-Match", "\"1\""));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["head_member_id"], m);
  EXPECT_EQ(r.body["name"]["en"], "Kyrgyzstan");
  EXPECT_EQ(r.header("ETag"), "\"3\"");
  EXPECT_EQ(get("/v1/members/" + m).body["is_head"], true);
  expect_problem(patch("/v1/delegations/" + d, {{"visit_id", kVisit}}), 400, "/visit_id");
}

// --- members ---

TEST_F(DelegationsApiTest, adds_reads_and_updates_a_member) {
  auto d = new_delegation("KG");
  auto body = member_body("Aibek Ismailov", "minister");
  body["full_name"]["ru"] = "Айбек Исмаилов";
  body["contact"] = {{"email", "a.ismailov@mfa.kg"}, {"phone", "+996 312 62 05 45"}};
  body["notifications"] = {{"language", "ru"}, {"channels", {"inbox", "email"}}};
  body["public_key"] = kPublicKey;
  body["precedence_order"] = 1;
  auto r = post("/v1/delegations/" + d + "/members", body);
  ASSERT_EQ(r.status, 201) << r.text;
  std::string id = r.body["id"];
  EXPECT_EQ(r.header("Location"), "/v1/members/" + id);
  EXPECT_EQ(r.header("ETag"), "\"1\"");
  EXPECT_EQ(r.body["visit_id"], kVisit);
  EXPECT_EQ(r.body["contact"]["phone"], "+996312620545");
  EXPECT_EQ(r.body["notifications"], json({{"language", "ru"}, {"channels", {"inbox", "email"}}}));
  EXPECT_EQ(r.body["public_key"], kPublicKey);
  EXPECT_EQ(r.body["accreditation"]["status"], "none");

  auto changed = patch("/v1/members/" + id, {{"rank", "deputy_head_of_government"}, {"precedence_order", nullptr}});
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.body["rank"], "deputy_head_of_government");
  EXPECT_TRUE(changed.body["precedence_order"].is_null());
  EXPECT_EQ(changed.header("ETag"), "\"2\"");
  EXPECT_EQ(get("/v1/members/" + id).header("ETag"), "\"2\"");
  expect_problem(get("/v1/members/01900000-0000-7000-8000-00000000dead"), 404);
}

TEST_F(DelegationsApiTest, unknown_time_zone_and_unknown_rank_point_at_their_fields) {
  auto d = new_delegation("KG");
  auto body = member_body("A", "viceroy");
  body["time_zone"] = "Mars/Olympus_Mons";
  auto r = post("/v1/delegations/" + d + "/members", body);
  expect_problem(r, 400, "/time_zone");
  expect_problem(r, 400, "/rank");
  auto m = new_member(d, member_body("B", "expert"));
  expect_problem(patch("/v1/members/" + m, {{"time_zone", "Europe/Nowhere"}}), 400, "/time_zone");
  expect_problem(patch("/v1/members/" + m, {{"rank", "emperor"}}), 400, "/rank");
}

TEST_F(DelegationsApiTest, a_bad_public_key_or_contact_points_at_its_field) {
  auto d = new_delegation("KG");
  auto body = member_body("A", "expert");
  body["public_key"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
  body["contact"] = {{"email", "nope"}};
  auto r = post("/v1/delegations/" + d + "/members", body);
  expect_problem(r, 400, "/public_key");
  expect_problem(r, 400, "/contact/email");
  expect_problem(post("/v1/delegations/01900000-0000-7000-8000-00000000dead/members", member_body("A", "expert")), 404);
}

TEST_F(DelegationsApiTest, a_roster_entered_in_random_order_comes_back_in_protocol_order_head_first) {
  auto d = new_delegation("BY", "host");
  std::vector<std::pair<std::string, json>> people = {
      {"Head of Delegation", {{"rank", "minister"}, {"is_head", true}}},
      {"President", {{"rank", "head_of_state"}}},
      {"Prime Minister", {{"rank", "head_of_government"}}},
      {"Deputy PM", {{"rank", "deputy_head_of_government"}}},
      {"Minister 1", {{"rank", "minister"}, {"precedence_order", 1}}},
      {"Minister 2", {{"rank", "minister"}, {"precedence_order", 2}}},
      {"Ambassador", {{"rank", "ambassador"}}},
      {"Deputy Minister", {{"rank", "deputy_minister"}}},
      {"Agency Head", {{"rank", "head_of_agency"}}},
      {"Official", {{"rank", "official"}}},
      {"Adviser", {{"rank", "adviser"}}},
      {"Expert", {{"rank", "expert"}}},
      {"Interpreter", {{"rank", "interpreter"}}},
      {"Driver", {{"rank", "support_staff"}}},
  };
  std::vector<std::string> expected;
  for (const auto& p : people) expected.push_back(p.first);
  std::mt19937 rng(7);
  std::shuffle(people.begin(), people.end(), rng);
  for (const auto& [name, extra] : people) {
    auto body = member_body(name, extra["rank"]);
    for (const auto& [k, v] : extra.items()) body[k] = v;
    new_member(d, body);
  }
  auto list = get("/v1/delegations/" + d + "/members?limit=200");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(names_of(list.body["items"]), expected);
  // Paged, the order holds across pages.
  auto first = get("/v1/delegations/" + d + "/members?limit=5");
  auto rest = get("/v1/delegations/" + d + "/members?limit=200&cursor=" + first.body["next_cursor"].get<std::string>());
  auto joined = names_of(first.body["items"]);
  auto tail = names_of(rest.body["items"]);
  joined.insert(joined.end(), tail.begin(), tail.end());
  EXPECT_EQ(joined, expected);
}

TEST_F(DelegationsApiTest, withdrawn_members_leave_the_roster_but_stay_readable) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "expert"));
  new_member(d, member_body("B", "expert"));
  auto r = post("/v1/members/" + m + "/withdraw", {{"reason", "recalled"}});
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["status"], "withdrawn");
  EXPECT_EQ(r.body["withdrawal_reason"], "recalled");
  EXPECT_EQ(get("/v1/delegations/" + d + "/members").body["items"].size(), 1u);
  EXPECT_EQ(get("/v1/delegations/" + d + "/members?status=all").body["items"].size(), 2u);
  expect_problem(get("/v1/delegations/" + d + "/members?status=gone"), 400, "/status");
  expect_problem(post("/v1/members/" + m + "/withdraw", json::object()), 409);
  expect_problem(patch("/v1/members/" + m, {{"rank", "minister"}}), 409);
}

// --- accreditation ---

TEST_F(DelegationsApiTest, accreditation_request_approve_revoke_with_history) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "expert"));
  auto base = "/v1/members/" + m + "/accreditation";
  EXPECT_EQ(post(base, {{"action", "request"}}).body["accreditation"]["status"], "requested");
  auto approved = post(base, {{"action", "approve"}, {"badge_number", "KG-0001"}, {"reason", "papers in order"}});
  ASSERT_EQ(approved.status, 200) << approved.text;
  EXPECT_EQ(approved.body["accreditation"]["status"], "approved");
  EXPECT_EQ(approved.body["accreditation"]["badge_number"], "KG-0001");
  auto revoked = post(base, {{"action", "revoke"}, {"reason", "badge lost"}});
  ASSERT_EQ(revoked.status, 200) << revoked.text;
  const auto& history = revoked.body["accreditation"]["history"];
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1]["action"], "approve");
  EXPECT_EQ(history[1]["actor"], "officer-1");
  EXPECT_EQ(history[1]["reason"], "papers in order");
  EXPECT_EQ(history[2]["reason"], "badge lost");
}

TEST_F(DelegationsApiTest, an_illegal_accreditation_step_is_409_listing_the_allowed_actions) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "expert"));
  auto r = post("/v1/members/" + m + "/accreditation", {{"action", "revoke"}, {"reason", "x"}});
  expect_problem(r, 409);
  EXPECT_EQ(r.body["allowed_actions"], json({"request"}));
  EXPECT_EQ(r.body["accreditation_status"], "none");
  post("/v1/members/" + m + "/accreditation", {{"action", "request"}});
  r = post("/v1/members/" + m + "/accreditation", {{"action", "request"}});
  expect_problem(r, 409);
  EXPECT_EQ(r.body["allowed_actions"], json({"approve", "reject"}));
}

TEST_F(DelegationsApiTest, a_duplicate_badge_number_in_the_visit_is_refused_at_badge_number) {
  auto kg = new_delegation("KG");
  auto by = new_delegation("BY", "host");
  auto a = new_member(kg, member_body("A", "expert"));
  auto b = new_member(by, member_body("B", "expert"));
  for (const auto& m : {a, b}) post("/v1/members/" + m + "/accreditation", {{"action", "request"}});
  EXPECT_EQ(post("/v1/members/" + a + "/accreditation", {{"action", "approve"}, {"badge_number", "007"}}).status, 200);
  auto dup = post("/v1/members/" + b + "/accreditation", {{"action", "approve"}, {"badge_number", "007"}});
  expect_problem(dup, 409, "/badge_number");
  expect_problem(post("/v1/members/" + b + "/accreditation", {{"action", "approve"}}), 400, "/badge_number");
}

// --- travel ---

TEST_F(DelegationsApiTest, travel_is_put_and_read_back_with_local_times) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "minister"));
  json travel = {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"flight", "KC 123"}, {"airport", "MSQ"}}},
                 {"departure", {{"time", "2025-09-30T18:30:00+03:00"}, {"flight", "KC 124"}, {"airport", "MSQ"}}},
                 {"hotel",
                  {{"name", "Hotel Minsk"},
                   {"address", "Nezavisimosti Ave 11"},
                   {"check_in", "2025-09-28"},
                   {"check_out", "2025-09-30"}}}};
  auto r = put("/v1/members/" + m + "/travel", travel, "officer", with("If-Match", "\"1\""));
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.header("ETag"), "\"2\"");
  EXPECT_EQ(r.body["arrival"]["time"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(r.body["arrival"]["local_time"], "2025-09-28T10:00:00+03:00");
  EXPECT_EQ(r.body["hotel"]["check_out"], "2025-09-30");
  EXPECT_EQ(get("/v1/members/" + m + "/travel").body, r.body);
  EXPECT_EQ(get("/v1/members/" + m).body["travel"], r.body);
  expect_problem(put("/v1/members/" + m + "/travel", travel, "officer", with("If-Match", "\"1\"")), 412);
  travel["arrival"]["time"] = "2025-09-28 10:00";
  expect_problem(put("/v1/members/" + m + "/travel", travel), 400, "/arrival/time");
}

// --- rights ---

TEST_F(DelegationsApiTest, a_member_reads_their_roster_but_not_the_others_contact_or_travel) {
  auto d = new_delegation("KG");
  auto other = new_delegation("BY", "host");
  auto mine = member_body("Me", "minister");
  mine["contact"] = {{"email", "me@mfa.kg"}};
  auto me = new_member(d, mine);
  auto theirs = member_body("Colleague", "expert");
  theirs["contact"] = {{"email", "colleague@mfa.kg"}, {"phone", "+996555123456"}};
  auto colleague = new_member(d, theirs);
  put("/v1/members/" + colleague + "/travel", {{"hotel", {{"name", "Hotel Minsk"}}}});
  put("/v1/members/" + me + "/travel", {{"hotel", {{"name", "Hotel Europe"}}}});
  std::string token = "member:" + me;

  auto roster = get("/v1/delegations/" + d + "/members", token);
  ASSERT_EQ(roster.status, 200) << roster.text;
  ASSERT_EQ(roster.body["items"].size(), 2u);
  for (const auto& item : roster.body["items"]) {
    if (item["id"] == me) {
      EXPECT_EQ(item["contact"]["email"], "me@mfa.kg");
      EXPECT_EQ(item["travel"]["hotel"]["name"], "Hotel Europe");
    } else {
      EXPECT_FALSE(item.contains("contact")) << item;
      EXPECT_FALSE(item.contains("travel")) << item;
      EXPECT_EQ(item["position"]["en"], "Position of Colleague");
    }
  }
  EXPECT_EQ(roster.text.find("colleague@mfa.kg"), std::string::npos);
  EXPECT_EQ(roster.text.find("Hotel Minsk"), std::string::npos);

  auto colleague_record = get("/v1/members/" + colleague, token);
  ASSERT_EQ(colleague_record.status, 200);
  EXPECT_FALSE(colleague_record.body.contains("contact"));
  expect_problem(get("/v1/members/" + colleague + "/travel", token), 403);
  EXPECT_EQ(get("/v1/members/" + me + "/travel", token).body["hotel"]["name"], "Hotel Europe");
  EXPECT_EQ(get("/v1/members/" + me, token).body["contact"]["email"], "me@mfa.kg");
  expect_problem(get("/v1/delegations/" + other + "/members", token), 403);

  // Integrators read the public part only; officers and admins read everything.
  EXPECT_FALSE(get("/v1/members/" + colleague, "integrator").body.contains("contact"));
  expect_problem(get("/v1/members/" + colleague + "/travel", "integrator"), 403);
  EXPECT_EQ(get("/v1/members/" + colleague, "admin").body["contact"]["phone"], "+996555123456");
  expect_problem(get("/v1/members/" + colleague, ""), 401);
}

TEST_F(DelegationsApiTest, a_member_changes_only_their_own_notifications_time_zone_and_key) {
  auto d = new_delegation("KG");
  auto me = new_member(d, member_body("Me", "expert"));
  auto colleague = new_member(d, member_body("Colleague", "expert"));
  std::string token = "member:" + me;
  auto r = patch("/v1/members/" + me,
                 {{"notifications", {{"language", "en"}, {"channels", {"inbox"}}}},
                  {"time_zone", "Asia/Bishkek"},
                  {"public_key", kPublicKey}},
                 token);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["time_zone"], "Asia/Bishkek");
  EXPECT_EQ(r.body["notifications"]["language"], "en");
  EXPECT_EQ(r.body["public_key"], kPublicKey);
  expect_problem(patch("/v1/members/" + me, {{"rank", "head_of_state"}}, token), 403);
  expect_problem(patch("/v1/members/" + me, {{"contact", {{"email", "me@x.org"}}}}, token), 403);
  expect_problem(patch("/v1/members/" + colleague, {{"time_zone", "UTC"}}, token), 403);
  expect_problem(put("/v1/members/" + me + "/travel", json::object(), token), 403);
  expect_problem(post("/v1/members/" + me + "/accreditation", {{"action", "request"}}, token), 403);
  expect_problem(post("/v1/members/" + me + "/withdraw", json::object(), token), 403);
  expect_problem(post("/v1/delegations",
                      {{"visit_id", kVisit}, {"country", "KZ"}, {"side", "guest"}, {"name", {{"en", "x"}}}}, token),
                 403);
  expect_problem(post("/v1/delegations/" + d + "/members", member_body("X", "expert"), "integrator"), 403);
}

// --- If-Match, Idempotency-Key ---

TEST_F(DelegationsApiTest, a_stale_if_match_is_412_and_changes_nothing) {
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "expert"));
  ASSERT_EQ(patch("/v1/members/" + m, {{"rank", "adviser"}}, "officer", with("If-Match", "\"1\"")).status, 200);
  auto stale = patch("/v1/members/" + m, {{"rank", "minister"}}, "officer", with("If-Match", "\"1\""));
  expect_problem(stale, 412);
  auto now = get("/v1/members/" + m);
  EXPECT_EQ(now.body["rank"], "adviser");
  EXPECT_EQ(now.header("ETag"), "\"2\"");
  expect_problem(
      post("/v1/members/" + m + "/accreditation", {{"action", "request"}}, "officer", with("If-Match", "\"1\"")), 412);
}

TEST_F(DelegationsApiTest, an_idempotency_key_replays_the_first_response) {
  json body = {{"visit_id", kVisit}, {"country", "KG"}, {"side", "guest"}, {"name", {{"en", "Kyrgyzstan"}}}};
  auto first = post("/v1/delegations", body, "officer", with("Idempotency-Key", "register-kg-1"));
  ASSERT_EQ(first.status, 201) << first.text;
  auto again = post("/v1/delegations", body, "officer", with("Idempotency-Key", "register-kg-1"));
  EXPECT_EQ(again.status, 201) << again.text;
  EXPECT_EQ(again.body["id"], first.body["id"]);
  EXPECT_EQ(get("/v1/delegations").body["items"].size(), 1u);
  body["country"] = "KZ";
  expect_problem(post("/v1/delegations", body, "officer", with("Idempotency-Key", "register-kg-1")), 422);
  // Without the key the same body is a second request (and here a conflict).
  body["country"] = "KG";
  expect_problem(post("/v1/delegations", body), 409, "/country");
}

// --- the roster in the cache ---

TEST_F(DelegationsApiTest, the_roster_is_kept_in_the_cache_and_rebuilt_when_missing) {
  auto d = new_delegation("KG");
  auto body = member_body("Head", "minister");
  body["is_head"] = true;
  body["contact"] = {{"email", "head@mfa.kg"}};
  new_member(d, body);
  new_member(d, member_body("Expert", "expert"));
  // Written by the service's publisher thread, soon after the change.
  auto roster_of_two = [&] {
    auto c = cache_->get("roster:" + d);
    return c && *c && json::parse(**c)["members"].size() == 2u;
  };
  for (int i = 0; i < 500 && !roster_of_two(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto cached = cache_->get("roster:" + d);
  ASSERT_TRUE(cached && *cached);
  auto doc = json::parse(**cached);
  EXPECT_EQ(doc["delegation"]["id"], d);
  ASSERT_EQ(doc["members"].size(), 2u);
  EXPECT_EQ(doc["members"][0]["full_name"]["en"], "Head");
  EXPECT_EQ(cached->value().find("head@mfa.kg"), std::string::npos);  // public snapshots only

  ASSERT_TRUE(cache_->del("roster:" + d));
  EXPECT_EQ(get("/v1/delegations/" + d + "/members").status, 200);
  for (int i = 0; i < 500 && !roster_of_two(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  cached = cache_->get("roster:" + d);
  ASSERT_TRUE(cached && *cached);
  EXPECT_EQ(json::parse(**cached), doc);
}

namespace {
// A cache that is down: every call fails as an unreachable Redis would.
class DownCache final : public cache::Cache {
 public:
  Result<std::optional<std::string>> get(std::string_view) override { return fail(down()); }
  Status set(std::string_view, std::string_view, cache::Ttl) override { return fail(down()); }
  Status del(std::string_view) override { return fail(down()); }
  Result<bool> set_if_absent(std::string_view, std::string_view, cache::Ttl) override { return fail(down()); }
  Result<long long> increment(std::string_view, long long, cache::Ttl) override { return fail(down()); }
  Status publish(std::string_view, std::string_view) override { return fail(down()); }
  Result<std::unique_ptr<cache::Subscription>> subscribe(std::string_view, cache::MessageHandler) override {
    return fail(down());
  }
  bool healthy() override { return false; }

 private:
  static Error down() { return Error::unavailable("cache down"); }
};
}  // namespace

TEST_F(DelegationsApiTest, the_service_works_without_its_cache) {
  stop();
  DownCache down;
  start(&down);
  auto d = new_delegation("KG");
  auto m = new_member(d, member_body("A", "expert"));
  EXPECT_EQ(get("/v1/delegations/" + d + "/members").body["items"].size(), 1u);
  EXPECT_EQ(get("/v1/members/" + m).status, 200);
}

// --- restart and the public topic ---

TEST_F(DelegationsApiTest, a_restart_rebuilds_everything_from_the_log_including_contact_and_travel) {
  auto d = new_delegation("KG");
  auto body = member_body("Head", "minister");
  body["is_head"] = true;
  body["contact"] = {{"email", "head@mfa.kg"}, {"phone", "+996555000111"}};
  auto head = new_member(d, body);
  auto other = new_member(d, member_body("Expert", "expert"));
  put("/v1/members/" + head + "/travel", {{"arrival", {{"time", "2025-09-28T10:00:00+06:00"}, {"flight", "KC 109"}}}});
  post("/v1/members/" + head + "/accreditation", {{"action", "request"}});
  post("/v1/members/" + head + "/accreditation", {{"action", "approve"}, {"badge_number", "KG-1"}});
  post("/v1/members/" + other + "/withdraw", {{"reason", "recalled"}});
  auto before_head = get("/v1/members/" + head);
  auto before_other = get("/v1/members/" + other);
  auto before_roster = get("/v1/delegations/" + d + "/members?status=all");
  auto before_delegation = get("/v1/delegations/" + d);

  restart();
  EXPECT_EQ(get("/v1/members/" + head).body, before_head.body);
  EXPECT_EQ(get("/v1/members/" + head).body["contact"]["phone"], "+996555000111");
  EXPECT_EQ(get("/v1/members/" + head).body["travel"]["arrival"]["local_time"], "2025-09-28T10:00:00+06:00");
  EXPECT_EQ(get("/v1/members/" + other).body, before_other.body);
  EXPECT_EQ(get("/v1/delegations/" + d + "/members?status=all").body, before_roster.body);
  EXPECT_EQ(get("/v1/delegations/" + d).body, before_delegation.body);
  // The rules hold on the rebuilt state: the badge is still taken.
  auto n = new_member(d, member_body("New", "expert"));
  post("/v1/members/" + n + "/accreditation", {{"action", "request"}});
  expect_problem(post("/v1/members/" + n + "/accreditation", {{"action", "approve"}, {"badge_number", "KG-1"}}), 409,
                 "/badge_number");
}

TEST_F(DelegationsApiTest, the_public_topic_tells_every_change_in_order_without_personal_data) {
  auto d = new_delegation("KG");
  auto body = member_body("Head", "minister");
  body["contact"] = {{"email", "head@mfa.kg"}, {"phone", "+996555000111"}};
  auto m = new_member(d, body);
  patch("/v1/members/" + m, {{"contact", {{"email", "head2@mfa.kg"}}}});
  put("/v1/members/" + m + "/travel", {{"hotel", {{"name", "Secret Hotel"}}},
                                       {"arrival", {{"time", "2025-09-28T10:00:00+06:00"}, {"flight", "ZZ 999"}}}});
  post("/v1/members/" + m + "/accreditation", {{"action", "request"}});
  post("/v1/members/" + m + "/withdraw", {{"reason", "recalled"}});

  std::vector<std::string> types;
  std::vector<long long> member_sequences;
  ASSERT_TRUE(log_->replay("concord.delegations.v1", [&](const events::Record& r) -> Status {
    EXPECT_EQ(r.key, d);
    types.push_back(r.event.type);
    if (r.event.subject == "member/" + m) member_sequences.push_back(r.event.sequence);
    auto text = events::serialize(r.event);
    for (auto secret : {"head@mfa.kg", "head2@mfa.kg", "996555000111", "Secret Hotel", "ZZ 999"})
      EXPECT_EQ(text.find(secret), std::string::npos) << r.event.type << " carries " << secret;
    EXPECT_EQ(r.event.source, "/concord/delegations");
    EXPECT_EQ(r.event.dataschema, "urn:concord:schema:" + r.event.type);
    EXPECT_EQ(r.event.actor, "officer-1");
    return {};
  }));
  EXPECT_THAT(types, ::testing::ElementsAre(
                         "concord.delegations.delegation.registered", "concord.delegations.member.added",
                         "concord.delegations.member.updated", "concord.delegations.member.updated",
                         "concord.delegations.accreditation.requested", "concord.delegations.member.withdrawn"));
  EXPECT_THAT(member_sequences, ::testing::ElementsAre(1, 2, 3, 4, 5));

  int private_events = 0;
  ASSERT_TRUE(log_->replay("concord.delegations.private.v1", [&](const events::Record& r) -> Status {
    ++private_events;
    EXPECT_TRUE(r.event.type == "concord.delegations.member_contact.set" ||
                r.event.type == "concord.delegations.member_travel.set");
    return {};
  }));
  EXPECT_EQ(private_events, 3);
}

namespace {
// The file log, except that appends to the public topic fail while `fail_public` is set, as a
// broker that goes away between the two appends of one request would make them.
class FlakyLog final : public events::EventLog {
 public:
  explicit FlakyLog(std::shared_ptr<events::EventLog> inner) : inner_(std::move(inner)) {}
  Status ensure_topics(const std::vector<events::TopicSpec>& topics) override { return inner_->ensure_topics(topics); }
  Status append_all(const std::vector<events::Append>& appends) override {
    for (const auto& a : appends)
      if (fail_public && a.topic == "concord.delegations.v1")
        return fail(events::log_error(events::LogFailure::unavailable, "broker unreachable"));
    return inner_->append_all(appends);
  }
  Status replay(std::string_view topic, const std::function<Status(const events::Record&)>& visit) override {
    return inner_->replay(topic, visit);
  }
  Result<std::unique_ptr<events::Subscription>> subscribe(const std::vector<std::string>& topics,
                                                          const std::string& group) override {
    return inner_->subscribe(topics, group);
  }
  Result<std::unique_ptr<events::Tail>> tail(const std::vector<std::string>& topics,
                                             const events::Positions& from) override {
    return inner_->tail(topics, from);
  }
  bool healthy() override { return inner_->healthy(); }
  bool fail_public = false;

 private:
  std::shared_ptr<events::EventLog> inner_;
};
}  // namespace

TEST_F(DelegationsApiTest, a_change_whose_public_event_fails_is_not_applied_now_or_after_a_restart) {
  stop();
  std::shared_ptr<FlakyLog> flaky;
  start(nullptr, [&](std::shared_ptr<events::EventLog> inner) {
    flaky = std::make_shared<FlakyLog>(std::move(inner));
    return flaky;
  });
  auto d = new_delegation("KG");
  auto body = member_body("A", "minister");
  body["contact"] = {{"email", "old@mfa.kg"}};
  auto m = new_member(d, body);

  flaky->fail_public = true;
  expect_problem(patch("/v1/members/" + m, {{"contact", {{"email", "new@mfa.kg"}}}}), 503);
  expect_problem(put("/v1/members/" + m + "/travel", {{"hotel", {{"name", "Hotel Minsk"}}}}), 503);
  auto dropped = post("/v1/delegations/" + d + "/members", member_body("B", "expert"));
  expect_problem(dropped, 503);
  flaky->fail_public = false;

  auto now = get("/v1/members/" + m);
  EXPECT_EQ(now.body["contact"]["email"], "old@mfa.kg");
  EXPECT_TRUE(now.body["travel"].is_null());
  EXPECT_EQ(now.header("ETag"), "\"1\"");
  EXPECT_EQ(get("/v1/delegations/" + d + "/members").body["items"].size(), 1u);

  flaky.reset();  // the file log is released only once nothing holds it
  restart();
  now = get("/v1/members/" + m);
  EXPECT_EQ(now.body["contact"]["email"], "old@mfa.kg");
  EXPECT_TRUE(now.body["travel"].is_null());
  EXPECT_EQ(get("/v1/delegations/" + d + "/members").body["items"].size(), 1u);
  // Retried, the change lands whole.
  EXPECT_EQ(patch("/v1/members/" + m, {{"contact", {{"email", "new@mfa.kg"}}}}).status, 200);
  restart();
  EXPECT_EQ(get("/v1/members/" + m).body["contact"]["email"], "new@mfa.kg");
}
