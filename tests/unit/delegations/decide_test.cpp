// The delegations context's rules, on decide() and evolve() alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "domain_fixture.hpp"

using namespace concord;
using namespace concord::delegations;
using namespace concord::delegations::testing;
using nlohmann::json;
using ::testing::ElementsAre;

namespace {

std::vector<std::string> types_of(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& e : d.events) out.push_back(e.type);
  return out;
}

}  // namespace

// --- delegations ---

TEST_F(DelegationsDomainTest, registers_a_delegation_with_a_public_snapshot) {
  auto d = must(parse_register_delegation({{"visit_id", kVisit},
                                           {"country", "BY"},
                                           {"side", "host"},
                                           {"name", {{"en", "Belarus"}, {"ru", "Беларусь"}}}}),
                officer);
  ASSERT_EQ(d.events.size(), 1u);
  const auto& e = d.events[0];
  EXPECT_EQ(e.type, "concord.delegations.delegation.registered");
  EXPECT_EQ(e.subject, "delegation/" + d.target_id);
  EXPECT_EQ(e.sequence, 1);
  EXPECT_EQ(d.key, d.target_id);
  EXPECT_EQ(e.data["delegation"], json({{"id", d.target_id},
                                        {"visit_id", kVisit},
                                        {"country", "BY"},
                                        {"side", "host"},
                                        {"name", {{"en", "Belarus"}, {"ru", "Беларусь"}}},
                                        {"head_member_id", nullptr},
                                        {"version", 1}}));
  EXPECT_EQ(state.delegation(d.target_id)->country, "BY");
}

TEST_F(DelegationsDomainTest, only_officers_register_or_change_delegations) {
  auto c =
      parse_register_delegation({{"visit_id", kVisit}, {"country", "BY"}, {"side", "host"}, {"name", {{"en", "B"}}}});
  EXPECT_EQ(run(*c, member("m")).error().code, ErrorCode::forbidden);
  EXPECT_EQ(run(*c, integrator).error().code, ErrorCode::forbidden);
  auto id = delegation("BY");
  auto patch = parse_update_delegation(id, {{"side", "host"}});
  EXPECT_EQ(run(*patch, member("m")).error().code, ErrorCode::forbidden);
}

TEST_F(DelegationsDomainTest, a_visit_has_one_delegation_per_country_and_one_host) {
  delegation("BY", "host");
  auto same_country = run(
      *parse_register_delegation({{"visit_id", kVisit}, {"country", "BY"}, {"side", "guest"}, {"name", {{"en", "x"}}}}),
      officer);
  ASSERT_FALSE(same_country);
  EXPECT_EQ(same_country.error().code, ErrorCode::conflict);
  EXPECT_THAT(pointers(same_country.error()), ElementsAre("/country"));
  auto second_host = run(
      *parse_register_delegation({{"visit_id", kVisit}, {"country", "KG"}, {"side", "host"}, {"name", {{"en", "x"}}}}),
      officer);
  ASSERT_FALSE(second_host);
  EXPECT_THAT(pointers(second_host.error()), ElementsAre("/side"));
  delegation("BY", "host", kOtherVisit);  // another visit is another matter
}

TEST_F(DelegationsDomainTest, updating_a_delegation_names_what_changed_and_bumps_its_version) {
  auto id = delegation("KG");
  auto d = must(parse_update_delegation(id, {{"name", {{"en", "Kyrgyz Republic"}}}, {"side", "guest"}}), officer);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].type, "concord.delegations.delegation.updated");
  EXPECT_EQ(d.events[0].data["changed"], json({"name"}));
  EXPECT_EQ(d.events[0].sequence, 2);
  // The same values again change nothing and write nothing.
  EXPECT_TRUE(must(parse_update_delegation(id, {{"name", {{"en", "Kyrgyz Republic"}}}}), officer).events.empty());
}

TEST_F(DelegationsDomainTest, head_of_delegation_must_be_an_active_member_of_it) {
  auto by = delegation("BY", "host");
  auto kg = delegation("KG");
  auto stranger = add_member(kg, member_body("Stranger", "minister"));
  auto r = run(*parse_update_delegation(by, {{"head_member_id", stranger}}), officer);
  ASSERT_FALSE(r);
  EXPECT_THAT(pointers(r.error()), ElementsAre("/head_member_id"));
}

// --- members and precedence ---

TEST_F(DelegationsDomainTest, adding_a_member_copies_the_visit_and_defaults_the_notification_settings) {
  auto d = delegation("KG");
  auto decision = must(parse_add_member(d, member_body("Aibek", "minister")), officer);
  ASSERT_EQ(decision.events.size(), 1u);
  const auto& snap = decision.events[0].data["member"];
  EXPECT_EQ(decision.events[0].type, "concord.delegations.member.added");
  EXPECT_EQ(snap["visit_id"], kVisit);
  EXPECT_EQ(snap["delegation_id"], d);
  EXPECT_EQ(snap["notification_language"], "ru");
  EXPECT_EQ(snap["channels"], json({"inbox"}));
  EXPECT_EQ(snap["status"], "active");
  EXPECT_EQ(snap["accreditation"], json({{"status", "none"}, {"badge_number", nullptr}}));
  EXPECT_EQ(snap["version"], 1);
  EXPECT_EQ(decision.key, d);
}

TEST_F(DelegationsDomainTest, adding_to_an_unknown_delegation_is_not_found) {
  auto r = run(*parse_add_member("01900000-0000-7000-8000-00000000dead", member_body("A", "expert")), officer);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST_F(DelegationsDomainTest, a_new_head_takes_over_from_the_previous_one) {
  auto d = delegation("KG");
  auto first = member_body("First", "minister");
  first["is_head"] = true;
  auto a = add_member(d, first);
  EXPECT_EQ(state.delegation(d)->head_member_id, a);
  auto second = member_body("Second", "head_of_government");
  second["is_head"] = true;
  auto decision = must(parse_add_member(d, second), officer);
  EXPECT_THAT(types_of(decision), ElementsAre("concord.delegations.member.added", "concord.delegations.member.updated",
                                              "concord.delegations.delegation.updated"));
  EXPECT_EQ(decision.events[1].data["member"]["id"], a);
  EXPECT_EQ(decision.events[1].data["changed"], json({"is_head"}));
  EXPECT_EQ(decision.events[2].data["delegation"]["head_member_id"], decision.target_id);
  EXPECT_FALSE(state.member(a)->is_head);
  EXPECT_TRUE(state.member(decision.target_id)->is_head);
}

TEST_F(DelegationsDomainTest, a_roster_entered_in_random_order_comes_back_in_protocol_order_head_first) {
  auto d = delegation("BY", "host");
  struct Entry {
    std::string name, rank;
    std::optional<int> order;
    bool head = false;
  };
  std::vector<Entry> entries = {
      {"Head Minister", "minister", std::nullopt, true},  // the head leads even above a head of state
      {"President", "head_of_state", std::nullopt},
      {"Prime Minister", "head_of_government", std::nullopt},
      {"Minister A", "minister", 1},
      {"Minister B", "minister", 2},
      {"Minister Z (no order)", "minister", std::nullopt},
      {"Ambassador", "ambassador", std::nullopt},
      {"Adviser", "adviser", std::nullopt},
      {"Interpreter", "interpreter", std::nullopt},
      {"Driver", "support_staff", std::nullopt},
  };
  std::vector<std::string> expected;
  for (const auto& e : entries) expected.push_back(e.name);
  std::mt19937 rng(42);
  std::shuffle(entries.begin(), entries.end(), rng);
  for (const auto& e : entries) {
    auto body = member_body(e.name, e.rank);
    if (e.order) body["precedence_order"] = *e.order;
    if (e.head) body["is_head"] = true;
    add_member(d, body);
  }
  EXPECT_EQ(roster_names(d), expected);
  // The same order after a restart.
  State fresh = replayed();
  std::vector<std::string> again;
  for (const Member* m : roster(fresh, d, false)) again.push_back(display_name(m->full_name));
  EXPECT_EQ(again, expected);
}

TEST_F(DelegationsDomainTest, precedence_order_breaks_ties_within_a_rank_and_then_the_name) {
  auto d = delegation("KG");
  auto b = member_body("Bolot", "expert");
  auto a = member_body("Asel", "expert");
  auto c = member_body("Chynara", "expert");
  c["precedence_order"] = 5;
  add_member(d, b);
  add_member(d, a);
  add_member(d, c);
  EXPECT_THAT(roster_names(d), ElementsAre("Chynara", "Asel", "Bolot"));
}

TEST_F(DelegationsDomainTest, officer_updates_a_member_and_the_event_names_the_changes) {
  auto d = delegation("KG");
  auto m = add_member(d, member_body("Aibek", "minister"));
  auto decision =
      must(parse_update_member(
               m, {{"rank", "deputy_minister"}, {"precedence_order", 2}, {"position", {{"en", "Position of Aibek"}}}}),
           officer);
  ASSERT_EQ(decision.events.size(), 1u);
  EXPECT_EQ(decision.events[0].data["changed"], json({"rank", "precedence_order"}));
  EXPECT_EQ(decision.events[0].data["member"]["version"], 2);
  EXPECT_EQ(state.member(m)->rank, Rank::deputy_minister);
}

TEST_F(DelegationsDomainTest, a_member_changes_only_their_own_notifications_time_zone_and_key) {
  auto d = delegation("KG");
  auto me = add_member(d, member_body("Me", "expert"));
  auto other = add_member(d, member_body("Other", "expert"));
  auto decision = must(
      parse_update_member(
          me, {{"notifications", {{"language", "en"}}}, {"time_zone", "Asia/Bishkek"}, {"public_key", kPublicKey}}),
      member(me));
  EXPECT_EQ(decision.events[0].data["changed"], json({"time_zone", "notification_language", "public_key"}));
  EXPECT_EQ(state.member(me)->public_key, kPublicKey);

  auto own_rank = run(*parse_update_member(me, {{"rank", "minister"}, {"time_zone", "UTC"}}), member(me));
  ASSERT_FALSE(own_rank);
  EXPECT_EQ(own_rank.error().code, ErrorCode::forbidden);
  EXPECT_NE(own_rank.error().detail.find("rank"), std::string::npos);
  auto own_contact = run(*parse_update_member(me, {{"contact", {{"email", "me@example.org"}}}}), member(me));
  EXPECT_EQ(own_contact.error().code, ErrorCode::forbidden);
  auto someone_else = run(*parse_update_member(other, {{"time_zone", "UTC"}}), member(me));
  EXPECT_EQ(someone_else.error().code, ErrorCode::forbidden);
  EXPECT_EQ(run(*parse_update_member(me, {{"time_zone", "UTC"}}), integrator).error().code, ErrorCode::forbidden);
}

TEST_F(DelegationsDomainTest, email_and_sms_channels_need_the_contact_to_send_to) {
  auto d = delegation("KG");
  auto body = member_body("A", "expert");
  body["notifications"] = {{"channels", {"inbox", "email"}}};
  auto r = run(*parse_add_member(d, body), officer);
  ASSERT_FALSE(r);
  EXPECT_THAT(pointers(r.error()), ElementsAre("/notifications/channels/1"));
  body["contact"] = {{"email", "a@mfa.kg"}};
  auto m = add_member(d, body);
  // Removing the address the channel needs is refused too.
  auto clear = run(*parse_update_member(m, {{"contact", nullptr}}), officer);
  ASSERT_FALSE(clear);
  EXPECT_THAT(pointers(clear.error()), ElementsAre("/contact"));
}

// --- personal data ---

TEST_F(DelegationsDomainTest, contact_goes_only_to_the_private_topic_first_then_a_public_event_without_it) {
  auto d = delegation("KG");
  auto body = member_body("Aibek", "minister");
  body["contact"] = {{"email", "a.ismailov@mfa.kg"}, {"phone", "+996312620545"}};
  auto decision = must(parse_add_member(d, body), officer);
  ASSERT_THAT(types_of(decision),
              ElementsAre("concord.delegations.member_contact.set", "concord.delegations.member.added"));
  EXPECT_TRUE(decision.events[0].is_private);
  EXPECT_FALSE(decision.events[1].is_private);
  EXPECT_EQ(decision.events[0].data["public_event_id"], decision.events[1].id);
  EXPECT_EQ(decision.events[0].data["contact"]["email"], "a.ismailov@mfa.kg");
  std::string public_text = decision.events[1].data.dump();
  EXPECT_EQ(public_text.find("mfa.kg"), std::string::npos);
  EXPECT_EQ(public_text.find("620545"), std::string::npos);
  EXPECT_EQ(state.contact_of(decision.target_id)->email, "a.ismailov@mfa.kg");
}

TEST_F(DelegationsDomainTest, travel_is_private_and_the_public_event_only_says_it_changed) {
  auto d = delegation("KG");
  auto m = add_member(d, member_body("Aibek", "minister"));
  json travel = {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"flight", "KC 123"}, {"airport", "MSQ"}}},
                 {"hotel", {{"name", "Hotel Minsk"}, {"address", "Nezavisimosti 11"}}}};
  auto decision = must(parse_travel(m, travel), officer);
  ASSERT_THAT(types_of(decision),
              ElementsAre("concord.delegations.member_travel.set", "concord.delegations.member.updated"));
  EXPECT_EQ(decision.events[1].data["changed"], json({"travel"}));
  EXPECT_EQ(decision.events[1].data.dump().find("MSQ"), std::string::npos);
  EXPECT_EQ(decision.events[1].data.dump().find("Hotel"), std::string::npos);
  EXPECT_EQ(state.travel_of(m)->hotel->name, "Hotel Minsk");
  // The same travel again writes nothing.
  EXPECT_TRUE(must(parse_travel(m, travel), officer).events.empty());
  EXPECT_EQ(run(*parse_travel(m, travel), member(m)).error().code, ErrorCode::forbidden);
}

TEST_F(DelegationsDomainTest, a_private_event_whose_public_event_never_landed_is_ignored) {
  auto d = delegation("KG");
  auto body = member_body("Aibek", "minister");
  body["contact"] = {{"email", "old@mfa.kg"}};
  auto m = add_member(d, body);
  // The officer changes the e-mail; the private append lands, the public one fails.
  Context context{clock.now(), officer, ids};
  auto decision = decide(state, *parse_update_member(m, {{"contact", {{"email", "new@mfa.kg"}}}}), context);
  ASSERT_TRUE(decision);
  const auto& priv = decision->events.front();
  ASSERT_TRUE(priv.is_private);
  evolve(state, Recorded{priv.id, priv.type, clock.now(), "officer-1", priv.data});
  log.push_back({priv, "officer-1", clock.now()});
  EXPECT_EQ(state.contact_of(m)->email, "old@mfa.kg");
  EXPECT_EQ(replayed().contact_of(m)->email, "old@mfa.kg");
  // The retry lands both.
  must(parse_update_member(m, {{"contact", {{"email", "new@mfa.kg"}}}}), officer);
  EXPECT_EQ(state.contact_of(m)->email, "new@mfa.kg");
  EXPECT_EQ(replayed().contact_of(m)->email, "new@mfa.kg");
}

TEST_F(DelegationsDomainTest, a_private_event_read_after_its_public_event_still_applies) {
  // A standby follows the public and the private topic side by side: the member's public event
  // may reach it before the private one that carries the contact.
  auto d = delegation("KG");
  auto m = add_member(d, member_body("Aibek", "minister"));
  Context context{clock.now(), officer, ids};
  auto decision = decide(state, *parse_update_member(m, {{"contact", {{"email", "new@mfa.kg"}}}}), context);
  ASSERT_TRUE(decision);
  ASSERT_EQ(decision->events.size(), 2u);
  const auto& priv = decision->events[0];
  const auto& pub = decision->events[1];
  ASSERT_TRUE(priv.is_private);
  ASSERT_FALSE(pub.is_private);
  evolve(state, Recorded{pub.id, pub.type, clock.now(), "officer-1", pub.data});
  evolve(state, Recorded{priv.id, priv.type, clock.now(), "officer-1", priv.data});
  ASSERT_TRUE(state.contact_of(m));
  EXPECT_EQ(state.contact_of(m)->email, "new@mfa.kg");
  EXPECT_TRUE(state.pending.empty());
}

// --- withdrawal ---

TEST_F(DelegationsDomainTest, withdrawing_the_head_clears_the_head_and_revokes_the_badge) {
  auto d = delegation("KG");
  auto body = member_body("Head", "minister");
  body["is_head"] = true;
  auto m = add_member(d, body);
  must(parse_accreditation(m, {{"action", "request"}}), officer);
  must(parse_accreditation(m, {{"action", "approve"}, {"badge_number", "KG-1"}}), officer);
  auto decision = must(parse_withdraw(m, {{"reason", "illness"}}), officer);
  EXPECT_THAT(types_of(decision),
              ElementsAre("concord.delegations.accreditation.revoked", "concord.delegations.member.withdrawn",
                          "concord.delegations.delegation.updated"));
  EXPECT_EQ(decision.events[1].data["reason"], "illness");
  EXPECT_EQ(decision.events[1].data["member"]["status"], "withdrawn");
  EXPECT_FALSE(state.delegation(d)->head_member_id);
  EXPECT_TRUE(roster(state, d, false).empty());
  EXPECT_EQ(roster(state, d, true).size(), 1u);
  // A withdrawn member is no longer changed.
  auto again = run(*parse_update_member(m, {{"rank", "expert"}}), officer);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(run(*parse_withdraw(m, json::object()), officer).error().code, ErrorCode::conflict);
  EXPECT_EQ(run(*parse_withdraw(m, json::object()), member(m)).error().code, ErrorCode::forbidden);
}

// --- accreditation ---

TEST_F(DelegationsDomainTest, accreditation_goes_request_approve_revoke_with_actor_and_reason) {
  auto d = delegation("KG");
  auto m = add_member(d, member_body("A", "expert"));
  auto r1 = must(parse_accreditation(m, {{"action", "request"}, {"reason", "arrives 28 Sept"}}), officer);
  EXPECT_EQ(r1.events[0].type, "concord.delegations.accreditation.requested");
  EXPECT_EQ(r1.events[0].data["reason"], "arrives 28 Sept");
  EXPECT_FALSE(r1.events[0].data.contains("badge_number"));
  auto r2 = must(parse_accreditation(m, {{"action", "approve"}, {"badge_number", "KG-0042"}}), officer);
  EXPECT_EQ(r2.events[0].type, "concord.delegations.accreditation.approved");
  EXPECT_EQ(r2.events[0].data["badge_number"], "KG-0042");
  EXPECT_EQ(r2.events[0].data["member"]["accreditation"], json({{"status", "approved"}, {"badge_number", "KG-0042"}}));
  auto r3 = must(parse_accreditation(m, {{"action", "revoke"}, {"reason", "lost badge"}}), officer);
  EXPECT_EQ(r3.events[0].type, "concord.delegations.accreditation.revoked");
  const auto& history = state.member(m)->accreditation.history;
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].action, "revoke");
  EXPECT_EQ(history[2].actor, "officer-1");
  EXPECT_EQ(history[2].reason, "lost badge");
  EXPECT_EQ(history[1].badge_number, "KG-0042");
  // History survives a restart.
  EXPECT_EQ(replayed().member(m)->accreditation.history.size(), 3u);
}

TEST_F(DelegationsDomainTest, an_illegal_accreditation_step_is_409_listing_the_allowed_actions) {
  auto d = delegation("KG");
  auto m = add_member(d, member_body("A", "expert"));
  auto approve_first = run(*parse_accreditation(m, {{"action", "approve"}, {"badge_number", "B1"}}), officer);
  ASSERT_FALSE(approve_first);
  EXPECT_EQ(approve_first.error().code, ErrorCode::conflict);
  EXPECT_EQ(approve_first.error().extensions["allowed_actions"], json({"request"}));
  must(parse_accreditation(m, {{"action", "request"}}), officer);
  auto revoke = run(*parse_accreditation(m, {{"action", "revoke"}, {"reason", "x"}}), officer);
  EXPECT_EQ(revoke.error().extensions["allowed_actions"], json({"approve", "reject"}));
  must(parse_accreditation(m, {{"action", "reject"}, {"reason", "papers missing"}}), officer);
  auto reject_again = run(*parse_accreditation(m, {{"action", "reject"}, {"reason", "x"}}), officer);
  EXPECT_EQ(reject_again.error().extensions["allowed_actions"], json({"request"}));
  // A rejected member may be put forward again.
  must(parse_accreditation(m, {{"action", "request"}}), officer);
  EXPECT_EQ(state.member(m)->accreditation.status, AccreditationStatus::requested);
}

TEST_F(DelegationsDomainTest, badge_numbers_are_unique_within_a_visit) {
  auto kg = delegation("KG");
  auto by = delegation("BY", "host");
  auto other_visit = delegation("KG", "guest", kOtherVisit);
  auto a = add_member(kg, member_body("A", "expert"));
  auto b = add_member(by, member_body("B", "expert"));
  auto c = add_member(other_visit, member_body("C", "expert"));
  for (const auto& m : {a, b, c}) must(parse_accreditation(m, {{"action", "request"}}), officer);
  must(parse_accreditation(a, {{"action", "approve"}, {"badge_number", "0042"}}), officer);
  auto dup = run(*parse_accreditation(b, {{"action", "approve"}, {"badge_number", "0042"}}), officer);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_THAT(pointers(dup.error()), ElementsAre("/badge_number"));
  must(parse_accreditation(c, {{"action", "approve"}, {"badge_number", "0042"}}), officer);  // another visit
  // A revoked badge is not handed to someone else either; its holder may get it back.
  must(parse_accreditation(a, {{"action", "revoke"}, {"reason", "x"}}), officer);
  EXPECT_FALSE(run(*parse_accreditation(b, {{"action", "approve"}, {"badge_number", "0042"}}), officer));
  EXPECT_FALSE(replayed().badges.empty());
  must(parse_accreditation(a, {{"action", "request"}}), officer);
  must(parse_accreditation(a, {{"action", "approve"}, {"badge_number", "0042"}}), officer);
}

TEST_F(DelegationsDomainTest, only_officers_decide_accreditation) {
  auto d = delegation("KG");
  auto m = add_member(d, member_body("A", "expert"));
  EXPECT_EQ(run(*parse_accreditation(m, {{"action", "request"}}), member(m)).error().code, ErrorCode::forbidden);
}

// --- reads ---

TEST_F(DelegationsDomainTest, a_member_reads_their_roster_without_the_others_personal_data) {
  auto d = delegation("KG");
  auto other_delegation = delegation("BY", "host");
  auto body = member_body("Me", "minister");
  body["contact"] = {{"email", "me@mfa.kg"}};
  auto me = add_member(d, body);
  auto colleague_body = member_body("Colleague", "expert");
  colleague_body["contact"] = {{"email", "colleague@mfa.kg"}, {"phone", "+996555123456"}};
  auto colleague = add_member(d, colleague_body);
  must(parse_travel(colleague, {{"hotel", {{"name", "Hotel Minsk"}}}}), officer);

  auto list = read_roster(state, member(me), d, false);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0]["contact"]["email"], "me@mfa.kg");  // their own entry is whole
  EXPECT_FALSE((*list)[1].contains("contact"));
  EXPECT_FALSE((*list)[1].contains("travel"));
  EXPECT_EQ((*list)[1]["full_name"]["en"], "Colleague");

  auto theirs = read_member(state, member(me), colleague);
  ASSERT_TRUE(theirs);
  EXPECT_FALSE(theirs->contains("contact"));
  EXPECT_EQ(read_travel(state, member(me), colleague).error().code, ErrorCode::forbidden);
  EXPECT_EQ(read_roster(state, member(me), other_delegation, false).error().code, ErrorCode::forbidden);

  auto officer_view = read_member(state, officer, colleague);
  EXPECT_EQ((*officer_view)["contact"]["phone"], "+996555123456");
  EXPECT_EQ((*officer_view)["travel"]["hotel"]["name"], "Hotel Minsk");
  EXPECT_EQ((*read_travel(state, member(colleague), colleague))["hotel"]["name"], "Hotel Minsk");
  auto integrator_view = read_member(state, integrator, colleague);
  EXPECT_FALSE(integrator_view->contains("contact"));
  EXPECT_EQ(read_travel(state, integrator, colleague).error().code, ErrorCode::forbidden);
}

TEST_F(DelegationsDomainTest, the_state_rebuilt_from_the_events_equals_the_live_one) {
  auto d = delegation("KG");
  auto body = member_body("Aibek", "minister");
  body["contact"] = {{"email", "a@mfa.kg"}};
  body["is_head"] = true;
  auto m = add_member(d, body);
  auto n = add_member(d, member_body("Bolot", "expert"));
  must(parse_travel(n, {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}}}}), officer);
  must(parse_update_member(n, {{"is_head", true}}), officer);
  must(parse_accreditation(m, {{"action", "request"}}), officer);
  must(parse_withdraw(m, {{"reason", "recalled"}}), officer);
  State fresh = replayed();
  for (const auto& id : {m, n}) EXPECT_EQ(*read_member(fresh, officer, id), *read_member(state, officer, id)) << id;
  EXPECT_EQ(*read_delegation(fresh, officer, d), *read_delegation(state, officer, d));
  EXPECT_EQ(roster_document(fresh, d), roster_document(state, d));
  EXPECT_EQ(fresh.delegation(d)->head_member_id, n);
}

TEST_F(DelegationsDomainTest, public_events_never_carry_contact_or_travel) {
  auto d = delegation("KG");
  auto body = member_body("Aibek", "minister");
  body["contact"] = {{"email", "secret@mfa.kg"}, {"phone", "+996555000111"}};
  auto m = add_member(d, body);
  must(parse_update_member(m, {{"contact", {{"email", "secret2@mfa.kg"}}}}), officer);
  must(parse_travel(m, {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"flight", "ZZ 999"}}},
                        {"hotel", {{"name", "Secret Hotel"}}}}),
       officer);
  must(parse_withdraw(m, json::object()), officer);
  int public_events = 0;
  for (const auto& w : log) {
    if (w.emitted.is_private) continue;
    ++public_events;
    auto text = w.emitted.data.dump();
    for (auto secret : {"secret", "996555", "ZZ 999", "Secret Hotel", "\"contact\":", "\"travel\":"})
      EXPECT_EQ(text.find(secret), std::string::npos) << w.emitted.type << " carries " << secret;
  }
  EXPECT_GE(public_events, 5);
}
