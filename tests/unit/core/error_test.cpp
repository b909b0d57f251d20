#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"

using namespace concord;

TEST(Problem, validation_error_lists_every_field_with_its_pointer) {
  auto p = to_problem(Error::validation({{"/country", "unknown country 'XX'"}, {"/time_zone", "unknown zone"}}),
                      "/v1/delegations");
  EXPECT_EQ(p.status, 400);
  auto doc = nlohmann::json::parse(p.body);
  EXPECT_EQ(doc["type"], "urn:concord:problem:validation-failed");
  EXPECT_EQ(doc["title"], "Validation failed");
  EXPECT_EQ(doc["status"], 400);
  EXPECT_EQ(doc["instance"], "/v1/delegations");
  ASSERT_EQ(doc["errors"].size(), 2u);
  EXPECT_EQ(doc["errors"][0]["pointer"], "/country");
}

TEST(Problem, conflicts_travel_as_an_extension_member) {
  auto p = to_problem(Error::conflict("venue booked", {{"conflicts", {{{"kind", "venue_booked"}}}}}));
  EXPECT_EQ(p.status, 409);
  auto doc = nlohmann::json::parse(p.body);
  EXPECT_EQ(doc["conflicts"][0]["kind"], "venue_booked");
}

TEST(Problem, extensions_cannot_override_standard_members) {
  auto p = to_problem(Error::conflict("x", {{"status", 200}, {"title", "OK"}}));
  auto doc = nlohmann::json::parse(p.body);
  EXPECT_EQ(doc["status"], 409);
  EXPECT_EQ(doc["title"], "Conflict");
}

TEST(Problem, unauthorized_carries_www_authenticate) {
  auto p = to_problem(Error::unauthorized("token expired"));
  EXPECT_EQ(p.status, 401);
  ASSERT_EQ(p.headers.size(), 1u);
  EXPECT_EQ(p.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(p.headers[0].second.rfind("Bearer", 0), 0u);
}

TEST(Problem, every_code_maps_to_a_4xx_or_5xx_status) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::unavailable); ++c) {
    auto code = static_cast<ErrorCode>(c);
    int s = http_status(code);
    EXPECT_GE(s, 400);
    EXPECT_LT(s, 600);
    EXPECT_FALSE(title_of(code).empty());
  }
  EXPECT_EQ(http_status(ErrorCode::unavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::header_too_large), 431);
}

TEST(Problem, invalid_utf8_in_detail_does_not_throw) {
  auto p = to_problem(Error::bad_request(std::string("bad \xff byte")));
  EXPECT_TRUE(nlohmann::json::accept(p.body));
}
