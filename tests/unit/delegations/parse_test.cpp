// Request bodies: every bad field is named by its JSON pointer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "delegations/domain/countries.hpp"
#include "domain_fixture.hpp"

using namespace concord;
using namespace concord::delegations;
using namespace concord::delegations::testing;
using nlohmann::json;
using ::testing::Contains;

namespace {

json good_delegation() {
  return {{"visit_id", kVisit}, {"country", "KG"}, {"side", "guest"}, {"name", {{"en", "Kyrgyz delegation"}}}};
}

json good_member() {
  return {{"full_name", {{"en", "Aibek Ismailov"}, {"ru", "Айбек Исмаилов"}}},
          {"position", {{"en", "Minister"}}},
          {"rank", "minister"},
          {"languages", {"ky", "ru"}},
          {"time_zone", "Asia/Bishkek"}};
}

template <class T>
std::vector<std::string> errors_of(const Result<T>& r) {
  EXPECT_FALSE(r);
  if (r) return {};
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  return pointers(r.error());
}

}  // namespace

TEST(CountryCodes, knows_the_249_assigned_codes_and_nothing_else) {
  EXPECT_EQ(country_count(), 249u);
  for (auto code : {"BY", "KG", "RU", "KZ", "US", "AX", "SS", "XK"}) {
    if (std::string(code) == "XK")
      EXPECT_FALSE(is_country_code(code)) << code;  // user-assigned, not ISO
    else
      EXPECT_TRUE(is_country_code(code)) << code;
  }
  for (auto code : {"XX", "UK", "by", "EU", "", "B", "BYR"}) EXPECT_FALSE(is_country_code(code)) << code;
}

TEST(ParseDelegation, accepts_a_complete_body) {
  auto c = parse_register_delegation(good_delegation());
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->country, "KG");
  EXPECT_EQ(c->side, Side::guest);
  EXPECT_EQ(c->name.at("en"), "Kyrgyz delegation");
}

TEST(ParseDelegation, unknown_country_points_at_country) {
  auto body = good_delegation();
  body["country"] = "XX";
  EXPECT_THAT(errors_of(parse_register_delegation(body)), Contains("/country"));
  body["country"] = "kg";
  EXPECT_THAT(errors_of(parse_register_delegation(body)), Contains("/country"));
}

TEST(ParseDelegation, missing_name_side_and_visit_are_all_reported) {
  json body = {{"country", "BY"}, {"side", "neutral"}};
  auto errors = errors_of(parse_register_delegation(body));
  EXPECT_THAT(errors, Contains("/name"));
  EXPECT_THAT(errors, Contains("/side"));
  EXPECT_THAT(errors, Contains("/visit_id"));
}

TEST(ParseDelegation, name_languages_must_be_bcp47_and_texts_non_empty) {
  auto body = good_delegation();
  body["name"] = {{"english!", "x"}, {"ru", ""}};
  auto errors = errors_of(parse_register_delegation(body));
  EXPECT_THAT(errors, Contains("/name/english!"));
  EXPECT_THAT(errors, Contains("/name/ru"));
}

TEST(ParseDelegation, unknown_fields_are_refused) {
  auto body = good_delegation();
  body["colour"] = "blue";
  EXPECT_THAT(errors_of(parse_register_delegation(body)), Contains("/colour"));
}

TEST(ParseDelegation, a_patch_cannot_move_a_delegation_to_another_visit) {
  EXPECT_THAT(errors_of(parse_update_delegation("d", {{"visit_id", kOtherVisit}})), Contains("/visit_id"));
  EXPECT_THAT(errors_of(parse_update_delegation("d", json::object())), Contains(""));
}

TEST(ParseMember, accepts_a_complete_body_with_defaults) {
  auto c = parse_add_member("d", good_member());
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->rank, Rank::minister);
  EXPECT_FALSE(c->is_head);
  EXPECT_FALSE(c->contact);
  EXPECT_FALSE(c->precedence_order);
}

TEST(ParseMember, unknown_rank_points_at_rank) {
  auto body = good_member();
  body["rank"] = "king";
  auto r = parse_add_member("d", body);
  EXPECT_THAT(errors_of(r), Contains("/rank"));
  EXPECT_NE(r.error().errors.front().message.find("head_of_state"), std::string::npos);
}

TEST(ParseMember, unknown_time_zone_points_at_time_zone) {
  auto body = good_member();
  body["time_zone"] = "Europe/Atlantis";
  EXPECT_THAT(errors_of(parse_add_member("d", body)), Contains("/time_zone"));
}

TEST(ParseMember, missing_full_name_and_position_are_reported) {
  auto body = good_member();
  body.erase("full_name");
  body["position"] = json::object();
  auto errors = errors_of(parse_add_member("d", body));
  EXPECT_THAT(errors, Contains("/full_name"));
  EXPECT_THAT(errors, Contains("/position"));
}

TEST(ParseMember, languages_must_be_bcp47_distinct_and_present) {
  auto body = good_member();
  body["languages"] = {"ru", "not a tag", "ru"};
  auto errors = errors_of(parse_add_member("d", body));
  EXPECT_THAT(errors, Contains("/languages/1"));
  EXPECT_THAT(errors, Contains("/languages/2"));
  body["languages"] = json::array();
  EXPECT_THAT(errors_of(parse_add_member("d", body)), Contains("/languages"));
}

TEST(ParseMember, contact_email_and_phone_are_checked_and_the_phone_normalized) {
  auto body = good_member();
  body["contact"] = {{"email", "not-an-address"}, {"phone", "8029 123"}};
  auto errors = errors_of(parse_add_member("d", body));
  EXPECT_THAT(errors, Contains("/contact/email"));
  EXPECT_THAT(errors, Contains("/contact/phone"));
  body["contact"] = {{"email", "a.ismailov@mfa.kg"}, {"phone", "+996 (312) 62-05-45"}};
  auto c = parse_add_member("d", body);
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->contact->phone, "+996312620545");
}

TEST(ParseMember, public_key_must_decode_to_32_bytes) {
  auto body = good_member();
  body["public_key"] = kPublicKey;
  EXPECT_TRUE(parse_add_member("d", body));
  for (auto bad : {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",  // 31 bytes
                   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 33 bytes
                   "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",  // base64url, not standard
                   "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",  // non-canonical last character
                   "not base64"}) {
    body["public_key"] = bad;
    EXPECT_THAT(errors_of(parse_add_member("d", body)), Contains("/public_key")) << bad;
  }
}

TEST(ParseMember, notification_channels_are_from_the_fixed_list) {
  auto body = good_member();
  body["notifications"] = {{"language", "ky"}, {"channels", {"inbox", "pigeon"}}};
  EXPECT_THAT(errors_of(parse_add_member("d", body)), Contains("/notifications/channels/1"));
  body["notifications"] = {{"language", "ky"}, {"channels", {"inbox", "stream"}}};  // the notifications service's names
  EXPECT_TRUE(parse_add_member("d", body));
  body["notifications"] = {{"language", "??"}, {"channels", json::array()}};
  auto errors = errors_of(parse_add_member("d", body));
  EXPECT_THAT(errors, Contains("/notifications/language"));
  EXPECT_THAT(errors, Contains("/notifications/channels"));
}

TEST(ParseMember, a_patch_records_its_fields_and_null_clears_only_what_can_be_cleared) {
  auto c = parse_update_member("m", {{"public_key", nullptr}, {"precedence_order", 3}});
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_TRUE(c->public_key.present);
  EXPECT_FALSE(c->public_key.value);
  EXPECT_EQ(c->precedence_order.value, 3);
  EXPECT_EQ(c->fields.size(), 2u);
  EXPECT_THAT(errors_of(parse_update_member("m", {{"rank", nullptr}})), Contains("/rank"));
}

TEST(ParseAccreditation, approve_needs_a_badge_and_reject_and_revoke_need_a_reason) {
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "approve"}})), Contains("/badge_number"));
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "reject"}})), Contains("/reason"));
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "revoke"}})), Contains("/reason"));
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "request"}, {"badge_number", "A-1"}})),
              Contains("/badge_number"));
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "approve"}, {"badge_number", "A 1!"}})),
              Contains("/badge_number"));
  EXPECT_THAT(errors_of(parse_accreditation("m", {{"action", "bless"}})), Contains("/action"));
  EXPECT_TRUE(parse_accreditation("m", {{"action", "approve"}, {"badge_number", "KG-0042"}}));
}

TEST(ParseTravel, times_need_an_offset_and_departure_follows_arrival) {
  json body = {{"arrival", {{"time", "2025-09-28T10:00:00"}, {"flight", "B2 733"}, {"airport", "MSQ"}}},
               {"hotel", {{"name", "Hotel Minsk"}, {"check_in", "2025-09-28"}, {"check_out", "2025-09-27"}}}};
  auto errors = errors_of(parse_travel("m", body));
  EXPECT_THAT(errors, Contains("/arrival/time"));
  EXPECT_THAT(errors, Contains("/hotel/check_out"));

  body = {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"airport", "msq"}}},
          {"departure", {{"time", "2025-09-28T09:00:00+03:00"}}}};
  errors = errors_of(parse_travel("m", body));
  EXPECT_THAT(errors, Contains("/arrival/airport"));
  EXPECT_THAT(errors, Contains("/departure/time"));
}

TEST(ParseTravel, keeps_the_offset_to_show_the_local_time) {
  auto c = parse_travel(
      "m", {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"flight", "B2 733"}, {"airport", "MSQ"}}}});
  ASSERT_TRUE(c) << c.error().detail;
  auto j = travel_json(c->travel);
  EXPECT_EQ(j["arrival"]["time"], "2025-09-28T07:00:00Z");
  EXPECT_EQ(j["arrival"]["local_time"], "2025-09-28T10:00:00+03:00");
  EXPECT_TRUE(j["hotel"].is_null());
}
