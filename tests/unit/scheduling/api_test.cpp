// The scheduling service over real HTTP: an http::Server on port 0 with the service's routes, a
// file log in a temp dir, a memory cache and a fake authenticator. Delegations and members are
// appended to concord.delegations.v1 by the test, as the delegations service would, and reach
// the service through its live subscription.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <latch>
#include <set>
#include <thread>

#include "concord/cache/memory_cache.hpp"
#include "concord/core/log.hpp"
#include "concord/core/secret.hpp"
#include "concord/crypto/crypto.hpp"
#include "concord/events/file_log.hpp"
#include "concord/http/client.hpp"
#include "concord/http/server.hpp"
#include "concord/scheduling/service.hpp"
#include "delegation_events.hpp"
#include "service_process.hpp"

using namespace concord;
using namespace std::chrono_literals;
using nlohmann::json;
namespace dlg = concord::testing::delegations;

namespace {

Result<auth::Principal> fake_auth(std::optional<std::string_view> header) {
  if (!header) return fail(Error::unauthorized("a bearer token is required"));
  std::string h(*header);
  if (h == "Bearer officer") return auth::Principal{"officer-1", {auth::Role::protocol_officer}, {}, {}, {}};
  if (h == "Bearer integrator") return auth::Principal{"erp", {auth::Role::integrator}, {}, {}, {}};
  if (h.starts_with("Bearer member ")) {
    auto rest = h.substr(14);
    auto space = rest.find(' ');
    return auth::Principal{
        "member", {auth::Role::delegation_member}, rest.substr(0, space), rest.substr(space + 1), {}};
  }
  return fail(Error::unauthorized("the token is not valid"));
}

struct Reply {
  int status = 0;
  http::Headers headers;
  json body;
  std::string text;
};

class SchedulingApi : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = events::open_file_log({dir_.path() / "data"});
    ASSERT_TRUE(log) << log.error().detail;
    log_ = std::shared_ptr<events::EventLog>(std::move(*log));
    ASSERT_TRUE(log_->ensure_topics(
        {{"concord.scheduling.v1"}, {"concord.scheduling.private.v1"}, {"concord.delegations.v1"}}));
    cache_ = cache::make_memory_cache(clock_);
    context_ = std::make_unique<service::ServiceContext>(
        service::ServiceContext{"scheduling", log_, *cache_, clock_, ids_, env_});
    service_ = scheduling::make_service(*context_);
    http::Router router;
    service_->mount(router);
    ASSERT_TRUE(service_->recover());
    service_->start();
    server_ = std::make_unique<http::Server>(
        http::ServerOptions{.service = "scheduling", .threads = 4, .access_log = access_log_}, std::move(router));
    server_->set_authenticator(fake_auth);
    server_->set_idempotency_store(cache_.get());
    ASSERT_TRUE(server_->start());
    build_visit();
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (service_) service_->stop();
    service_.reset();
  }

  Reply call(http::Method m, const std::string& path, const json& body = nullptr, const std::string& who = "officer",
             http::Headers headers = {}) {
    if (!who.empty()) headers.set("Authorization", "Bearer " + who);
    if (!body.is_null()) headers.set("Content-Type", "application/json");
    http::ClientRequest req{.method = m,
                            .url = "http://127.0.0.1:" + std::to_string(server_->port()) + path,
                            .headers = std::move(headers),
                            .body = body.is_null() ? std::string() : body.dump()};
    auto r = http::fetch(req);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    if (!r) return {};
    return {r->status, r->headers, json::parse(r->body, nullptr, false), r->body};
  }
  Reply post(const std::string& path, const json& body, const std::string& who = "officer") {
    return call(http::Method::post, path, body, who);
  }
  Reply get(const std::string& path, const std::string& who = "officer") {
    return call(http::Method::get, path, nullptr, who);
  }

  void append_delegation_event(const dlg::Made& made) {
    events::Event e;
    e.id = new_uuid_v7();
    e.source = "/concord/delegations";
    e.type = made.type;
    e.subject = made.subject;
    e.time = clock_.now();
    e.sequence = made.sequence;
    e.data = made.data;
    ASSERT_TRUE(log_->append("concord.delegations.v1", made.key, {e}));
  }

  // Waits (bounded) until `condition` holds; the view is fed by a background subscription.
  template <class F>
  static bool eventually(F condition, std::chrono::milliseconds limit = 10s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (condition()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return condition();
  }

  json meeting_body(const char* start, const char* end, std::vector<std::string> who,
                    std::string kind = "expanded_format", std::optional<std::string> venue = std::nullopt) {
    return {{"title", {{"en", "Talks"}, {"ru", "Переговоры"}}},
            {"kind", kind},
            {"start", start},
            {"end", end},
            {"venue_id", venue.value_or(hall_)},
            {"participants", who},
            {"interpretation", {"ru", "ky"}}};
  }
  std::string meetings_path() const { return "/v1/visits/" + visit_ + "/meetings"; }
  // A second visit, with nobody of the first's delegations in it.
  Reply plan_other_visit() {
    return post("/v1/visits", {{"title", {{"en", "Other"}}},
                               {"kind", "working_visit"},
                               {"host_country", "KG"},
                               {"guest_country", "BY"},
                               {"starts_on", "2025-10-01"},
                               {"ends_on", "2025-10-02"},
                               {"time_zone", "Asia/Bishkek"}});
  }

  void build_visit() {
    auto visit = post("/v1/visits", {{"title", {{"en", "Official visit to Minsk"}}},
                                     {"kind", "official_visit"},
                                     {"host_country", "BY"},
                                     {"guest_country", "KG"},
                                     {"starts_on", "2025-09-28"},
                                     {"ends_on", "2025-09-30"},
                                     {"time_zone", "Europe/Minsk"}});
    ASSERT_EQ(visit.status, 201) << visit.text;
    visit_ = visit.body["id"].get<std::string>();
    auto hall = post("/v1/venues", {{"name", "Palace of Independence"},
                                    {"city", "Minsk"},
                                    {"address", "Pobediteley Ave 11"},
                                    {"time_zone", "Europe/Minsk"},
                                    {"capacity", 10},
                                    {"buffer_minutes", 15}});
    ASSERT_EQ(hall.status, 201) << hall.text;
    hall_ = hall.body["id"].get<std::string>();
    auto small =
        post("/v1/venues", {{"name", "Small room"}, {"city", "Minsk"}, {"time_zone", "Europe/Minsk"}, {"capacity", 3}});
    small_ = small.body["id"].get<std::string>();
    for (auto* id : {&hh_, &gh_, &hm1_, &hm2_, &hm3_, &hm4_, &hm5_, &gm1_, &hi_, &gi_, &gw_, &host_, &guest_})
      *id = new_uuid_v7();
    append_delegation_event(dlg::delegation_registered(host_, visit_, "host", hh_, "BY"));
    append_delegation_event(dlg::delegation_registered(guest_, visit_, "guest", gh_, "KG"));
    append_delegation_event(dlg::member_added({hh_, host_, visit_, "Host Head", "head_of_state", true}));
    append_delegation_event(
        dlg::member_added({gh_, guest_, visit_, "Guest Head", "head_of_state", true, {}, "Asia/Bishkek"}));
    int n = 1;
    for (auto* id : {&hm1_, &hm2_, &hm3_, &hm4_, &hm5_})
      append_delegation_event(
          dlg::member_added({*id, host_, visit_, "Host Minister " + std::to_string(n++), "minister"}));
    append_delegation_event(dlg::member_added({gm1_, guest_, visit_, "Guest Minister", "minister"}));
    append_delegation_event(dlg::member_added({hi_, host_, visit_, "Host Interpreter", "interpreter"}));
    append_delegation_event(dlg::member_added({gi_, guest_, visit_, "Guest Interpreter", "interpreter"}));
    dlg::MemberSpec withdrawn{gw_, guest_, visit_, "Withdrawn Adviser", "adviser"};
    append_delegation_event(dlg::member_added(withdrawn));
    append_delegation_event(dlg::member_withdrawn(withdrawn));
    // The view is current once every member is known and the withdrawal has been applied.
    ASSERT_TRUE(eventually([&] {
      auto known = post(meetings_path() + "?dry_run=true",
                        meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z",
                                     {hh_, gh_, hm1_, hm2_, hm3_, hm4_, hm5_, gm1_, hi_, gi_}));
      auto withdrawn_seen =
          post(meetings_path() + "?dry_run=true", meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {gw_}));
      return known.status == 200 && withdrawn_seen.status == 409 &&
             withdrawn_seen.body["conflicts"][0]["kind"] == "withdrawn_participant";
    })) << "the delegations view never caught up";
  }

  static std::vector<std::string> kinds(const Reply& r) {
    std::vector<std::string> out;
    for (const auto& c : r.body.value("conflicts", json::array())) out.push_back(c["kind"].get<std::string>());
    return out;
  }
  static void expect_conflict(const Reply& r) {
    EXPECT_EQ(r.status, 409) << r.text;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
    EXPECT_EQ(r.body["status"], 409);
  }

  bool access_log_ = false;
  concord::testing::TempDir dir_;
  SystemClock clock_;
  UuidV7Generator ids_{clock_};
  Env env_ = Env::from_map({});
  std::shared_ptr<events::EventLog> log_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<service::ServiceContext> context_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<http::Server> server_;
  std::string visit_, hall_, small_;
  std::string hh_, gh_, hm1_, hm2_, hm3_, hm4_, hm5_, gm1_, hi_, gi_, gw_, host_, guest_;
};

TEST_F(SchedulingApi, schedules_a_meeting_with_location_etag_and_local_times) {
  auto r = post(meetings_path(), meeting_body("2025-09-28T07:00:00+00:00", "2025-09-28T08:00:00Z", {gh_, hh_}));
  ASSERT_EQ(r.status, 201) << r.text;
  std::string id = r.body["id"].get<std::string>();
  EXPECT_EQ(r.headers.get("Location").value_or(""), "/v1/meetings/" + id);
  EXPECT_EQ(r.headers.get("ETag").value_or(""), "\"1\"");
  EXPECT_EQ(r.body["start"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(r.body["start_local"], "2025-09-28T10:00:00+03:00");
  EXPECT_EQ(r.body["participants"], json({hh_, gh_}));
  auto again = get("/v1/meetings/" + id);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body["title"]["ru"], "Переговоры");
}

// List pages are made of bytes kept beside each item: each item must read exactly as its own
// GET does, and show a change as soon as the change is answered.
TEST_F(SchedulingApi, list_pages_show_items_as_their_gets_do_and_every_change_at_once) {
  auto meeting = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {gh_, hh_}));
  ASSERT_EQ(meeting.status, 201) << meeting.text;
  std::string meeting_id = meeting.body["id"];
  auto listed = [&](const std::string& list, const std::string& id) {
    auto page = get(list + "?limit=200");
    EXPECT_EQ(page.status, 200) << page.text;
    EXPECT_EQ(page.headers.get("Content-Type").value_or(""), "application/json");
    for (const auto& item : page.body["items"])
      if (item["id"] == id) return item;
    ADD_FAILURE() << id << " is not in " << list;
    return json();
  };
  auto as_got = [&](const std::string& list, const std::string& item_path, const std::string& id) {
    EXPECT_EQ(listed(list, id), get(item_path + id).body) << list;
  };
  auto check_all = [&] {
    as_got("/v1/venues", "/v1/venues/", hall_);
    as_got("/v1/visits", "/v1/visits/", visit_);
    as_got(meetings_path(), "/v1/meetings/", meeting_id);
  };
  check_all();
  ASSERT_EQ(call(http::Method::patch, "/v1/venues/" + hall_, {{"name", "Palace of the Republic"}}).status, 200);
  EXPECT_EQ(listed("/v1/venues", hall_)["name"], "Palace of the Republic");
  ASSERT_EQ(call(http::Method::patch, "/v1/visits/" + visit_, {{"status", "confirmed"}}).status, 200);
  EXPECT_EQ(listed("/v1/visits", visit_)["status"], "confirmed");
  http::Headers v1;
  v1.set("If-Match", "\"1\"");
  auto moved = call(http::Method::patch, "/v1/meetings/" + meeting_id,
                    {{"start", "2025-09-28T09:00:00Z"}, {"end", "2025-09-28T10:00:00Z"}}, "officer", v1);
  ASSERT_EQ(moved.status, 200) << moved.text;
  auto relisted = listed(meetings_path(), meeting_id);
  EXPECT_EQ(relisted["start_local"], "2025-09-28T12:00:00+03:00");
  EXPECT_EQ(relisted["version"], 2);
  ASSERT_EQ(post("/v1/meetings/" + meeting_id + "/cancel", {{"reason", "postponed"}}).status, 200);
  EXPECT_EQ(listed(meetings_path(), meeting_id)["status"], "cancelled");
  check_all();
}

TEST_F(SchedulingApi, every_field_error_is_reported_with_its_pointer) {
  auto r = post(meetings_path(), {{"title", {{"en", ""}}},
                                  {"kind", "banquet"},
                                  {"start", "2025-09-28T07:00:00"},
                                  {"participants", {"not-a-uuid"}},
                                  {"interpretation", {"??"}},
                                  {"colour", "red"}});
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"].get<std::string>());
  for (const char* p : {"/title/en", "/kind", "/start", "/end", "/participants/0", "/interpretation", "/colour"})
    EXPECT_TRUE(pointers.count(p)) << p << " missing from " << r.text;
  auto venue = post("/v1/venues", {{"name", "x"}, {"time_zone", "Mars/Olympus"}, {"capacity", 0}});
  EXPECT_EQ(venue.status, 400);
  auto end_first = post(meetings_path(), meeting_body("2025-09-28T08:00:00Z", "2025-09-28T07:00:00Z", {hh_}));
  EXPECT_EQ(end_first.status, 400);
  EXPECT_EQ(end_first.body["errors"][0]["pointer"], "/end");
  EXPECT_EQ(post("/v1/visits/" + new_uuid_v7() + "/meetings",
                 meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {}))
                .status,
            404);
  EXPECT_EQ(call(http::Method::post, meetings_path(), nullptr, "officer",
                 [] {
                   http::Headers h;
                   h.set("Content-Type", "application/json");
                   return h;
                 }())
                .status,
            400);
}

TEST_F(SchedulingApi, each_conflict_kind_is_in_the_409_body) {
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
            201);
  auto buffer = post(meetings_path(), meeting_body("2025-09-28T08:05:00Z", "2025-09-28T09:00:00Z", {hm1_}));
  expect_conflict(buffer);
  EXPECT_THAT(kinds(buffer), ::testing::ElementsAre("venue_booked"));
  EXPECT_EQ(buffer.body["conflicts"][0]["buffer_minutes"], 15);

  auto busy =
      post(meetings_path(), meeting_body("2025-09-28T07:30:00Z", "2025-09-28T08:30:00Z", {hh_}, "site_visit", small_));
  expect_conflict(busy);
  EXPECT_THAT(kinds(busy), ::testing::ElementsAre("participant_double_booked"));
  EXPECT_EQ(busy.body["conflicts"][0]["member_id"], hh_);

  auto outside = post(meetings_path(), meeting_body("2025-09-27T20:00:00Z", "2025-09-27T21:30:00Z", {hm2_}));
  expect_conflict(outside);
  EXPECT_THAT(kinds(outside), ::testing::ElementsAre("outside_visit_dates"));

  auto crowded = post(meetings_path(), meeting_body("2025-09-29T07:00:00Z", "2025-09-29T08:00:00Z",
                                                    {hm1_, hm2_, hm3_, hm4_}, "working_lunch", small_));
  expect_conflict(crowded);
  EXPECT_THAT(kinds(crowded), ::testing::ElementsAre("venue_over_capacity"));

  std::string stranger = new_uuid_v7();
  auto people = post(meetings_path(), meeting_body("2025-09-29T07:00:00Z", "2025-09-29T08:00:00Z", {stranger, gw_}));
  expect_conflict(people);
  EXPECT_THAT(kinds(people), ::testing::ElementsAre("unknown_participant", "withdrawn_participant"));

  auto tete = post(meetings_path(),
                   meeting_body("2025-09-29T07:00:00Z", "2025-09-29T08:00:00Z", {hh_, gh_, hm1_}, "tete_a_tete"));
  expect_conflict(tete);
  EXPECT_THAT(kinds(tete), ::testing::ElementsAre("format_violation"));
  EXPECT_EQ(tete.body["conflicts"][0]["rule"], "heads_and_interpreters_only");
  EXPECT_EQ(post(meetings_path(),
                 meeting_body("2025-09-29T07:00:00Z", "2025-09-29T08:00:00Z", {hh_, gh_, hi_, gi_}, "tete_a_tete"))
                .status,
            201);

  auto narrow = post(meetings_path(), meeting_body("2025-09-29T10:00:00Z", "2025-09-29T11:00:00Z",
                                                   {hh_, hm1_, hm2_, hm3_, hm4_, gm1_}, "narrow_format"));
  expect_conflict(narrow);
  EXPECT_THAT(kinds(narrow), ::testing::ElementsAre("format_violation", "format_violation"));
  EXPECT_EQ(narrow.body["conflicts"][0]["rule"], "head_of_delegation_required");
  EXPECT_EQ(narrow.body["conflicts"][1]["rule"], "too_many_per_side");
}

TEST_F(SchedulingApi, dry_run_checks_and_books_nothing) {
  auto dry =
      post(meetings_path() + "?dry_run=true", meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_}));
  ASSERT_EQ(dry.status, 200) << dry.text;
  EXPECT_EQ(dry.body["dry_run"], true);
  EXPECT_EQ(dry.body["conflicts"], json::array());
  EXPECT_EQ(get(meetings_path()).body["items"].size(), 0u);
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
            201);
  auto clash =
      post(meetings_path() + "?dry_run=true", meeting_body("2025-09-28T07:30:00Z", "2025-09-28T08:00:00Z", {hh_}));
  expect_conflict(clash);
  EXPECT_EQ(get(meetings_path()).body["items"].size(), 1u);
}

TEST_F(SchedulingApi, concurrent_requests_for_one_slot_book_it_exactly_once) {
  constexpr int kRequests = 16;
  std::vector<int> statuses(kRequests);
  std::latch go(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      // Different people, same venue and time: only the venue can decide.
      auto who = std::vector<std::string>{i % 2 ? hm1_ : hm2_};
      statuses[i] = post(meetings_path(), meeting_body("2025-09-28T12:00:00Z", "2025-09-28T13:00:00Z", who)).status;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kRequests - 1);
  EXPECT_EQ(get(meetings_path()).body["items"].size(), 1u);
}

TEST_F(SchedulingApi, changes_need_a_current_if_match) {
  auto created = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_}));
  std::string path = "/v1/meetings/" + created.body["id"].get<std::string>();
  json move = {{"start", "2025-09-28T09:00:00+03:00"}, {"end", "2025-09-28T10:30:00+03:00"}};
  EXPECT_EQ(call(http::Method::patch, path, move).status, 428);
  http::Headers stale;
  stale.set("If-Match", "\"7\"");
  EXPECT_EQ(call(http::Method::patch, path, move, "officer", stale).status, 412);
  http::Headers current;
  current.set("If-Match", std::string(created.headers.get("ETag").value_or("")));
  auto moved = call(http::Method::patch, path, move, "officer", current);
  ASSERT_EQ(moved.status, 200) << moved.text;
  EXPECT_EQ(moved.headers.get("ETag").value_or(""), "\"2\"");
  EXPECT_EQ(moved.body["start"], "2025-09-28T06:00:00Z");
  // The same ETag again is now stale.
  EXPECT_EQ(call(http::Method::patch, path, move, "officer", current).status, 412);
  // A change into a conflict is refused with the conflicts, and nothing changes.
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T12:00:00Z", "2025-09-28T13:00:00Z", {hm1_})).status, 201);
  http::Headers v2;
  v2.set("If-Match", "\"2\"");
  auto clash = call(http::Method::patch, path, {{"start", "2025-09-28T12:30:00Z"}, {"end", "2025-09-28T13:30:00Z"}},
                    "officer", v2);
  expect_conflict(clash);
  EXPECT_EQ(get(path).body["version"], 2);
}

TEST_F(SchedulingApi, idempotency_key_replays_the_first_booking) {
  http::Headers h;
  h.set("Idempotency-Key", "book-talks-1");
  auto body = meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_});
  auto first = call(http::Method::post, meetings_path(), body, "officer", h);
  auto second = call(http::Method::post, meetings_path(), body, "officer", h);
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(first.body["id"], second.body["id"]);
  EXPECT_EQ(get(meetings_path()).body["items"].size(), 1u);
  body["notes"] = "another body";
  EXPECT_EQ(call(http::Method::post, meetings_path(), body, "officer", h).status, 422);
}

TEST_F(SchedulingApi, cancelling_needs_a_reason_and_frees_the_slot) {
  auto created = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_}));
  std::string path = "/v1/meetings/" + created.body["id"].get<std::string>();
  EXPECT_EQ(post(path + "/cancel", json::object()).status, 400);
  auto cancelled = post(path + "/cancel", {{"reason", "the flight is delayed"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.text;
  EXPECT_EQ(cancelled.body["status"], "cancelled");
  EXPECT_EQ(post(path + "/cancel", {{"reason", "again"}}).status, 409);
  EXPECT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
            201);
  auto ics = get("/v1/visits/" + visit_ + "/programme.ics");
  EXPECT_NE(ics.text.find("STATUS:CANCELLED"), std::string::npos);
}

TEST_F(SchedulingApi, officers_write_and_members_read_their_own_visit_and_programme) {
  std::string me = "member " + gm1_ + " " + guest_;
  EXPECT_EQ(get("/v1/visits", "").status, 401);
  EXPECT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {gm1_}), me).status,
            403);
  EXPECT_EQ(post("/v1/venues", {{"name", "x"}, {"time_zone", "UTC"}, {"capacity", 1}}, "integrator").status, 403);
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
            201);
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", {gm1_})).status, 201);

  auto whole = get("/v1/visits/" + visit_ + "/programme", me);
  ASSERT_EQ(whole.status, 200) << whole.text;
  EXPECT_EQ(whole.body["days"][0]["items"].size(), 2u);
  auto mine = get("/v1/visits/" + visit_ + "/programme?member_id=" + gm1_, me);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body["days"][0]["items"].size(), 1u);
  EXPECT_EQ(get("/v1/visits/" + visit_ + "/programme?member_id=" + gh_, me).status, 403);
  EXPECT_EQ(get("/v1/visits/" + visit_ + "/programme.ics?member_id=" + gh_, me).status, 403);
  EXPECT_EQ(get("/v1/visits/" + visit_ + "/programme.ics?member_id=" + gm1_, me).status, 200);
  EXPECT_EQ(get("/v1/visits/" + visit_, me).status, 200);
  EXPECT_EQ(get("/v1/visits", me).body["items"].size(), 1u);

  // A member of another visit's delegation sees none of it.
  auto other = plan_other_visit();
  std::string stranger = "member " + new_uuid_v7() + " " + new_uuid_v7();
  EXPECT_EQ(get("/v1/visits/" + visit_ + "/programme", stranger).status, 403);
  EXPECT_EQ(get("/v1/visits/" + visit_, stranger).status, 403);
  EXPECT_EQ(get("/v1/visits", stranger).body["items"].size(), 0u);
  EXPECT_EQ(get("/v1/visits", "integrator").body["items"].size(), 2u);
  EXPECT_EQ(get("/v1/visits/" + other.body["id"].get<std::string>() + "/programme", "integrator").status, 200);
}

TEST_F(SchedulingApi, programme_in_bishkek_time_and_bad_zone_is_400) {
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T19:30:00Z", "2025-09-28T20:30:00Z", {hh_, gh_})).status,
            201);
  auto p = get("/v1/visits/" + visit_ + "/programme?tz=Asia/Bishkek");
  ASSERT_EQ(p.status, 200) << p.text;
  EXPECT_EQ(p.body["time_zone"], "Asia/Bishkek");
  EXPECT_EQ(p.body["days"][1]["date"], "2025-09-29");
  EXPECT_EQ(p.body["days"][1]["items"][0]["start_local"], "2025-09-29T01:30:00+06:00");
  EXPECT_EQ(p.body["days"][1]["items"][0]["participants"][0]["id"], hh_);
  auto bad = get("/v1/visits/" + visit_ + "/programme?tz=Nowhere/City");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["errors"][0]["pointer"], "/tz");
  EXPECT_EQ(get("/v1/visits/" + visit_ + "/programme?member_id=x").status, 400);
}

TEST_F(SchedulingApi, free_slots_of_people_and_a_venue) {
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
            201);
  auto r = get("/v1/visits/" + visit_ + "/free-slots?participants=" + hh_ + "," + hm1_ + "&venue_id=" + hall_ +
               "&duration=PT45M&date=2025-09-28");
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["slots"].size(), 2u);
  EXPECT_EQ(r.body["slots"][0]["end"], "2025-09-28T06:45:00Z");
  EXPECT_EQ(r.body["slots"][1]["start"], "2025-09-28T08:15:00Z");
  auto bad = get("/v1/visits/" + visit_ + "/free-slots?participants=nope&duration=45&date=28.09.2025");
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["errors"].size(), 3u);
}

TEST_F(SchedulingApi, a_dry_run_change_checks_and_changes_nothing) {
  auto created = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_}));
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T12:00:00Z", "2025-09-28T13:00:00Z", {hm1_})).status, 201);
  std::string path = "/v1/meetings/" + created.body["id"].get<std::string>();
  http::Headers h;
  h.set("If-Match", "\"1\"");
  auto clash = call(http::Method::patch, path + "?dry_run=true",
                    {{"start", "2025-09-28T12:30:00Z"}, {"end", "2025-09-28T13:30:00Z"}}, "officer", h);
  expect_conflict(clash);
  EXPECT_THAT(kinds(clash), ::testing::ElementsAre("venue_booked"));
  auto fine =
      call(http::Method::patch, path + "?dry_run=true", {{"venue_id", nullptr}, {"participants", {hh_}}}, "officer", h);
  ASSERT_EQ(fine.status, 200) << fine.text;
  EXPECT_EQ(fine.body["meeting"]["venue_id"], nullptr);
  EXPECT_EQ(fine.body["meeting"]["version"], 3);
  auto now = get(path);
  EXPECT_EQ(now.body["version"], 1);
  EXPECT_EQ(now.body["venue_id"], hall_);
}

TEST_F(SchedulingApi, every_change_is_an_event_keyed_by_the_visit_saying_what_changed) {
  auto created = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_, hm1_}));
  std::string id = created.body["id"].get<std::string>();
  http::Headers h;
  h.set("If-Match", "\"1\"");
  auto changed = call(http::Method::patch, "/v1/meetings/" + id,
                      {{"start", "2025-09-28T09:00:00Z"},
                       {"end", "2025-09-28T10:00:00Z"},
                       {"participants", {hh_, gh_, gm1_}},
                       {"notes", "flags of both states"}},
                      "officer", h);
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.headers.get("ETag").value_or(""), "\"4\"");
  ASSERT_EQ(post("/v1/meetings/" + id + "/cancel", {{"reason", "postponed"}}).status, 200);
  std::vector<events::Record> records;
  ASSERT_TRUE(log_->replay("concord.scheduling.v1", [&](const events::Record& r) -> Status {
    if (r.event.subject == "meeting/" + id) records.push_back(r);
    return {};
  }));
  ASSERT_EQ(records.size(), 5u);
  std::vector<std::string> types;
  for (const auto& r : records) {
    types.push_back(r.event.type);
    EXPECT_EQ(r.key, visit_);
    EXPECT_EQ(r.event.source, "/concord/scheduling");
    EXPECT_EQ(r.event.actor, "officer-1");
    EXPECT_EQ(r.event.dataschema, "urn:concord:schema:" + r.event.type);
  }
  EXPECT_THAT(types,
              ::testing::ElementsAre("concord.scheduling.meeting.scheduled", "concord.scheduling.meeting.rescheduled",
                                     "concord.scheduling.meeting.participants_changed",
                                     "concord.scheduling.meeting.updated", "concord.scheduling.meeting.cancelled"));
  EXPECT_EQ(records[1].event.data["previous_start"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(records[1].event.data["meeting"]["start"], "2025-09-28T09:00:00Z");
  EXPECT_EQ(records[2].event.data["added"], json({gm1_}));
  EXPECT_EQ(records[2].event.data["removed"], json({hm1_}));
  EXPECT_EQ(records[3].event.data["changed"], json({"notes"}));
  EXPECT_EQ(records[4].event.data["reason"], "postponed");
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].event.sequence, static_cast<long long>(i + 1));
}

// Writes the calendar before and after a reschedule and after a cancellation into
// $SCHEDULING_ICS_OUT, for the icalendar check (tests/unit/scheduling/check_ics.sh).
TEST_F(SchedulingApi, writes_the_calendar_before_and_after_changes) {
  auto created = post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_, hi_}));
  ASSERT_EQ(created.status, 201);
  std::string id = created.body["id"].get<std::string>();
  ASSERT_EQ(post(meetings_path(),
                 {{"title", {{"en", "Wreath-laying; Victory Square, with honours \\ long title that needs folding"}}},
                  {"kind", "cultural_programme"},
                  {"start", "2025-09-29T06:00:00Z"},
                  {"end", "2025-09-29T07:00:00Z"},
                  {"participants", {gm1_}},
                  {"notes", "Line one\nLine two, with a comma"}})
                .status,
            201);
  auto before = get("/v1/visits/" + visit_ + "/programme.ics");
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(before.headers.get("Content-Type").value_or(""), "text/calendar; charset=utf-8");
  http::Headers h;
  h.set("If-Match", "\"1\"");
  ASSERT_EQ(call(http::Method::patch, "/v1/meetings/" + id,
                 {{"start", "2025-09-28T09:00:00Z"}, {"end", "2025-09-28T10:00:00Z"}}, "officer", h)
                .status,
            200);
  auto after = get("/v1/visits/" + visit_ + "/programme.ics");
  ASSERT_EQ(post("/v1/meetings/" + id + "/cancel", {{"reason", "postponed"}}).status, 200);
  auto cancelled = get("/v1/visits/" + visit_ + "/programme.ics");
  EXPECT_NE(before.text, after.text);
  if (const char* out = std::getenv("SCHEDULING_ICS_OUT")) {
    std::ofstream(std::string(out) + "/before.ics", std::ios::binary) << before.text;
    std::ofstream(std::string(out) + "/after.ics", std::ios::binary) << after.text;
    std::ofstream(std::string(out) + "/cancelled.ics", std::ios::binary) << cancelled.text;
    std::ofstream(std::string(out) + "/uid.txt") << id << "@concord";
  }
}

// ---- calendar feeds -------------------------------------------------------------------------

// With the access log on, captured: a feed's secret must never reach a log line.
class CalendarFeeds : public SchedulingApi {
 protected:
  void SetUp() override {
    access_log_ = true;
    log::set_sink_for_testing([this](std::string_view line) {
      std::lock_guard lock(lines_mutex_);
      lines_.emplace_back(line);
    });
    SchedulingApi::SetUp();
  }
  void TearDown() override {
    SchedulingApi::TearDown();
    log::set_sink_for_testing(nullptr);
  }
  std::string feeds_path() const { return "/v1/visits/" + visit_ + "/calendar-feeds"; }
  std::string member(const std::string& id, const std::string& delegation) const {
    return "member " + id + " " + delegation;
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(lines_mutex_);
    return lines_;
  }
  void book_two_meetings() {
    ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {hh_, gh_})).status,
              201);
    ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", {gm1_, hm1_})).status,
              201);
  }

  std::mutex lines_mutex_;
  std::vector<std::string> lines_;
};

TEST_F(CalendarFeeds, a_member_makes_a_feed_of_their_programme_that_serves_it_without_a_header_until_revoked) {
  book_two_meetings();
  auto me = member(gm1_, guest_);
  auto made = post(feeds_path(), {{"language", "ru"}, {"label", "my phone"}}, me);
  ASSERT_EQ(made.status, 201) << made.text;
  std::string secret = made.body["secret"];
  EXPECT_TRUE(is_secret(secret, kFeedSecretPrefix)) << secret;
  EXPECT_EQ(made.body["path"], "/v1/calendar-feeds/" + secret + "/programme.ics");
  EXPECT_EQ(made.body["member_id"], gm1_);
  EXPECT_EQ(made.body["status"], "active");
  EXPECT_FALSE(made.body.contains("secret_sha256"));
  EXPECT_EQ(made.headers.get("Cache-Control").value_or(""), "no-store");

  // The same calendar programme.ics gives (same UIDs and SEQUENCEs), with no Authorization.
  auto feed = get(made.body["path"], "");
  ASSERT_EQ(feed.status, 200) << feed.text;
  EXPECT_EQ(feed.headers.get("Content-Type").value_or(""), "text/calendar; charset=utf-8");
  auto own = get("/v1/visits/" + visit_ + "/programme.ics?member_id=" + gm1_ + "&lang=ru", me);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(feed.text, own.text);
  EXPECT_NE(feed.text.find("BEGIN:VEVENT"), std::string::npos);
  size_t events = 0;
  for (size_t at = feed.text.find("BEGIN:VEVENT"); at != std::string::npos; at = feed.text.find("BEGIN:VEVENT", at + 1))
    ++events;
  EXPECT_EQ(events, 1u) << "only the meeting the member attends";

  // Listed (without the secret or its hash) to its holder.
  auto list = get(feeds_path(), me);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["label"], "my phone");
  EXPECT_FALSE(list.body["items"][0].contains("secret"));
  EXPECT_FALSE(list.body["items"][0].contains("secret_sha256"));

  // Revoked: 404 at once, and the list says so.
  std::string id = made.body["id"];
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + id, nullptr, me).status, 204);
  auto gone = get(made.body["path"], "");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.headers.get("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(gone.text.find(secret.substr(3)), std::string::npos) << "the problem document echoes the secret";
  EXPECT_EQ(get(feeds_path(), me).body["items"][0]["status"], "revoked");
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + id, nullptr, me).status, 204) << "revoking is idempotent";
}

TEST_F(CalendarFeeds, an_officers_feed_is_the_whole_visit_and_follows_changes) {
  book_two_meetings();
  auto made = post(feeds_path(), json::object());
  ASSERT_EQ(made.status, 201) << made.text;
  EXPECT_TRUE(made.body["member_id"].is_null());
  auto feed = get(made.body["path"], "");
  ASSERT_EQ(feed.status, 200);
  EXPECT_EQ(feed.text, get("/v1/visits/" + visit_ + "/programme.ics").text);
  ASSERT_EQ(post(meetings_path(), meeting_body("2025-09-29T09:00:00Z", "2025-09-29T10:00:00Z", {gm1_})).status, 201);
  auto later = get(made.body["path"], "");
  EXPECT_EQ(later.text, get("/v1/visits/" + visit_ + "/programme.ics").text);
  EXPECT_NE(later.text, feed.text);
  // An empty body is the defaults.
  EXPECT_EQ(call(http::Method::post, feeds_path(), nullptr, "officer").status, 201);
}

TEST_F(CalendarFeeds, who_may_make_list_and_revoke_feeds) {
  auto me = member(gm1_, guest_);
  // A member: their own programme only.
  auto others = post(feeds_path(), {{"member_id", gh_}}, me);
  EXPECT_EQ(others.status, 403) << others.text;
  EXPECT_EQ(others.headers.get("Content-Type").value_or(""), "application/problem+json");
  EXPECT_EQ(post(feeds_path(), {{"member_id", gm1_}}, me).status, 201);
  // Integrators make, list and revoke none.
  EXPECT_EQ(post(feeds_path(), json::object(), "integrator").status, 403);
  EXPECT_EQ(get(feeds_path(), "integrator").status, 403);
  // A member of no delegation of this visit makes none.
  auto stranger = member(new_uuid_v7(), new_uuid_v7());
  EXPECT_EQ(post(feeds_path(), json::object(), stranger).status, 403);
  EXPECT_EQ(get(feeds_path(), stranger).status, 403);
  // Unauthenticated: 401.
  EXPECT_EQ(post(feeds_path(), json::object(), "").status, 401);

  auto officers = post(feeds_path(), json::object());
  ASSERT_EQ(officers.status, 201);
  auto heads = post(feeds_path(), json::object(), member(gh_, guest_));
  ASSERT_EQ(heads.status, 201);
  // A member sees only their own; an officer sees all three.
  auto mine = get(feeds_path(), me);
  ASSERT_EQ(mine.body["items"].size(), 1u);
  EXPECT_EQ(mine.body["items"][0]["member_id"], gm1_);
  EXPECT_EQ(get(feeds_path()).body["items"].size(), 3u);
  // Another's feed is unknown to a member; an officer revokes any.
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + heads.body["id"].get<std::string>(), nullptr, me).status,
            404);
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + officers.body["id"].get<std::string>(), nullptr, me).status,
            404);
  EXPECT_EQ(get(heads.body["path"], "").status, 200);
  EXPECT_EQ(
      call(http::Method::del, "/v1/calendar-feeds/" + heads.body["id"].get<std::string>(), nullptr, "officer").status,
      204);
  EXPECT_EQ(get(heads.body["path"], "").status, 404);
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + new_uuid_v7(), nullptr, "officer").status, 404);
  EXPECT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + heads.body["id"].get<std::string>(), nullptr, "integrator")
                .status,
            403);
}

// A visit's feeds are paged from their own index (feeds by visit), not picked out of every
// visit's: pages of one feed follow the visit's feeds in creation order, none of the other
// visit's, and a feed revoked or made shows on the next request.
TEST_F(CalendarFeeds, a_visits_feeds_page_through_its_own_index_and_show_each_change_at_once) {
  auto other = plan_other_visit();
  ASSERT_EQ(other.status, 201) << other.text;
  std::string other_feeds = "/v1/visits/" + other.body["id"].get<std::string>() + "/calendar-feeds";
  std::vector<std::string> ours;
  for (int i = 0; i < 4; ++i) {
    auto mine = post(feeds_path(), {{"label", "ours " + std::to_string(i)}});
    ASSERT_EQ(mine.status, 201) << mine.text;
    ours.push_back(mine.body["id"]);
    ASSERT_EQ(post(other_feeds, {{"label", "theirs " + std::to_string(i)}}).status, 201);
  }
  auto walk = [&] {
    std::vector<json> items;
    std::string cursor;
    do {
      auto page = get(feeds_path() + "?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.text;
      for (const auto& item : page.body["items"]) items.push_back(item);
      cursor = page.body["next_cursor"].is_string() ? page.body["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty() && items.size() < 20);
    return items;
  };
  auto ids = [](const std::vector<json>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item["id"]);
    return out;
  };
  EXPECT_EQ(ids(walk()), ours);
  EXPECT_EQ(get(other_feeds + "?limit=200").body["items"].size(), 4u);

  ASSERT_EQ(call(http::Method::del, "/v1/calendar-feeds/" + ours[1]).status, 204);
  EXPECT_EQ(walk()[1]["status"], "revoked");
  auto made = post(feeds_path(), {{"label", "latest"}});
  ASSERT_EQ(made.status, 201);
  ours.push_back(made.body["id"]);
  auto after = walk();
  EXPECT_EQ(ids(after), ours);
  EXPECT_EQ(after.back()["label"], "latest");
}

TEST_F(CalendarFeeds, bad_requests_are_4xx_problems_and_write_nothing) {
  auto unknown_member = post(feeds_path(), {{"member_id", new_uuid_v7()}});
  EXPECT_EQ(unknown_member.status, 400) << unknown_member.text;
  EXPECT_EQ(unknown_member.body["errors"][0]["pointer"], "/member_id");
  EXPECT_EQ(post(feeds_path(), {{"member_id", "not-a-uuid"}}).status, 400);
  EXPECT_EQ(post(feeds_path(), {{"language", "not a language"}}).status, 400);
  EXPECT_EQ(post(feeds_path(), {{"label", std::string(201, 'x')}}).status, 400);
  EXPECT_EQ(post(feeds_path(), {{"secret", "cf_chosen"}}).status, 400);
  EXPECT_EQ(call(http::Method::post, feeds_path(), nullptr, "officer",
                 [] {
                   http::Headers h;
                   h.set("Content-Type", "application/json");
                   return h;
                 }())
                .status,
            201);
  auto malformed = call(http::Method::post, "/v1/visits/" + new_uuid_v7() + "/calendar-feeds", nullptr, "officer");
  EXPECT_EQ(malformed.status, 404);
  EXPECT_EQ(get(feeds_path()).body["items"].size(), 1u) << "only the one good request made a feed";
  // Addresses that were never made, or are not shaped like one: 404, never 5xx.
  for (std::string bad : {std::string("cf_") + std::string(64, 'a'), std::string("cf_short"), std::string("x"),
                          std::string("cf_") + std::string(64, 'A'), std::string(300, 'f')}) {
    auto r = get("/v1/calendar-feeds/" + bad + "/programme.ics", "");
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  }
  // Capped per holder.
  for (size_t i = 1; i < 20; ++i) ASSERT_EQ(post(feeds_path(), json::object()).status, 201);
  auto capped = post(feeds_path(), json::object());
  EXPECT_EQ(capped.status, 409) << capped.text;
}

TEST_F(CalendarFeeds, the_secret_is_kept_as_a_hash_on_the_private_topic_and_never_logged) {
  book_two_meetings();
  auto made = post(feeds_path(), json::object(), member(gm1_, guest_));
  ASSERT_EQ(made.status, 201);
  std::string secret = made.body["secret"];
  std::string path = made.body["path"];
  ASSERT_EQ(get(path, "").status, 200);
  get(path + "?x=1", "");
  get("/v1/calendar-feeds/" + secret + "x/programme.ics", "");  // mangled: 404
  get("/v1/calendar-feeds/" + secret, "");                      // wrong method: 405
  call(http::Method::post, path, json::object(), "");           // wrong method: 405
  get("/v1/calendar-feeds/" + secret + "/other", "");           // no such route: 404
  ASSERT_EQ(
      call(http::Method::del, "/v1/calendar-feeds/" + made.body["id"].get<std::string>(), nullptr, member(gm1_, guest_))
          .status,
      204);
  ASSERT_EQ(get(path, "").status, 404);

  std::string hex = secret.substr(3);
  std::vector<std::string> lines;
  ASSERT_TRUE(eventually([&] {
    lines = log_lines();
    size_t feed_lines = 0;
    for (const auto& l : lines)
      if (l.find("cf_REDACTED") != std::string::npos) ++feed_lines;
    return feed_lines >= 7;
  })) << "the access log did not record the feed requests";
  for (const auto& l : lines) EXPECT_EQ(l.find(hex.substr(0, 16)), std::string::npos) << l;

  // On the log: the hash on the private topic, nothing of the feed on the public one.
  bool hashed = false;
  ASSERT_TRUE(log_->replay("concord.scheduling.private.v1", [&](const events::Record& r) -> Status {
    auto text = r.event.data.dump();
    EXPECT_EQ(text.find(hex), std::string::npos);
    if (r.event.data["feed"]["secret_sha256"] == crypto::sha256_hex(secret)) hashed = true;
    return {};
  }));
  EXPECT_TRUE(hashed);
  ASSERT_TRUE(log_->replay("concord.scheduling.v1", [&](const events::Record& r) -> Status {
    EXPECT_FALSE(r.event.type.starts_with("concord.scheduling.feed.")) << r.event.type;
    return {};
  }));
}

TEST_F(CalendarFeeds, a_withdrawn_members_feed_falls_silent) {
  auto made = post(feeds_path(), json::object(), member(gm1_, guest_));
  ASSERT_EQ(made.status, 201);
  ASSERT_EQ(get(made.body["path"], "").status, 200);
  append_delegation_event(dlg::member_withdrawn({gm1_, guest_, visit_, "Guest Minister", "minister"}));
  EXPECT_TRUE(eventually([&] { return get(made.body["path"], "").status == 404; }));
}

TEST_F(CalendarFeeds, feeds_survive_a_restart_and_revoked_ones_stay_revoked) {
  auto kept = post(feeds_path(), json::object());
  auto revoked = post(feeds_path(), json::object());
  ASSERT_EQ(
      call(http::Method::del, "/v1/calendar-feeds/" + revoked.body["id"].get<std::string>(), nullptr, "officer").status,
      204);
  // A second service on the same log, as a restarted process.
  auto again = scheduling::make_service(*context_);
  http::Router router;
  again->mount(router);
  ASSERT_TRUE(again->recover());
  http::Server server(http::ServerOptions{.service = "scheduling", .access_log = false}, std::move(router));
  server.set_authenticator(fake_auth);
  ASSERT_TRUE(server.start());
  auto base = "http://127.0.0.1:" + std::to_string(server.port());
  auto fetch = [&](const std::string& path) { return http::fetch({.url = base + path})->status; };
  EXPECT_EQ(fetch(kept.body["path"]), 200);
  EXPECT_EQ(fetch(revoked.body["path"]), 404);
  server.stop();
}

}  // namespace
