// The claim rules, checked for both algorithms: validity period with leeway, issuer,
// audience, subject, roles and the member claims.
#include <gtest/gtest.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

class Claims : public ::testing::TestWithParam<Algorithm> {
 protected:
  JwtConfig config = config_for(GetParam());
  Verifier verifier = verifier_for(config);

  Result<Principal> verify_claims(const nlohmann::json& claims, Timestamp now = kNow) const {
    return verifier.verify(sign_claims(claims, config), now);
  }
  static void expect_refused(const Result<Principal>& r, std::string_view detail_part) {
    ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
    EXPECT_EQ(r.error().code, ErrorCode::unauthorized);
    EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
  }
};

std::string algorithm_name(const ::testing::TestParamInfo<Algorithm>& info) {
  return std::string(to_string(info.param));
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(BothAlgorithms, Claims, ::testing::Values(Algorithm::hs256, Algorithm::eddsa), algorithm_name);

TEST_P(Claims, mints_tokens_the_verifier_accepts) {
  auto token =
      mint(config, {.subject = "officer-7", .roles = {Role::protocol_officer, Role::admin}, .issued_at = kNow});
  ASSERT_TRUE(token) << token.error().detail;
  auto p = verifier.verify(*token, kNow + 1min);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->subject, "officer-7");
  EXPECT_EQ(p->roles, (std::vector<Role>{Role::protocol_officer, Role::admin}));
  EXPECT_FALSE(p->member_id);
  EXPECT_EQ(p->expires_at, kNow + 8h);
}

TEST_P(Claims, accepts_a_token_signed_outside_the_library) {
  auto p = verify_claims(standard_claims());
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->subject, "user-1");
  EXPECT_TRUE(p->has(Role::protocol_officer));
}

TEST_P(Claims, accepts_token_within_leeway) {
  auto claims = standard_claims();
  claims["exp"] = seconds_of(kNow - 30s);
  EXPECT_TRUE(verify_claims(claims));
}

TEST_P(Claims, refuses_expired_token_beyond_leeway) {
  auto claims = standard_claims();
  claims["exp"] = seconds_of(kNow - 61s);
  expect_refused(verify_claims(claims), "expired at 2025-10-09T08:52:19Z");
}

TEST_P(Claims, refuses_token_at_its_expiry_when_leeway_is_zero) {
  config.leeway = 0s;
  verifier = verifier_for(config);
  auto claims = standard_claims();
  claims["exp"] = seconds_of(kNow);
  claims.erase("iat");
  expect_refused(verify_claims(claims), "expired");
  EXPECT_TRUE(verify_claims(claims, kNow - 1ms));
}

TEST_P(Claims, refuses_token_without_exp) {
  auto claims = standard_claims();
  claims.erase("exp");
  expect_refused(verify_claims(claims), "no expiry (exp)");
}

TEST_P(Claims, refuses_exp_that_is_not_a_number) {
  auto claims = standard_claims();
  claims["exp"] = "tomorrow";
  expect_refused(verify_claims(claims), "exp claim is not a number");
  claims["exp"] = true;
  expect_refused(verify_claims(claims), "exp claim is not a number");
  claims["exp"] = 1e300;
  expect_refused(verify_claims(claims), "exp claim is out of range");
}

TEST_P(Claims, accepts_fractional_numeric_dates) {
  auto claims = standard_claims();
  claims["exp"] = static_cast<double>(seconds_of(kNow + 1h)) + 0.5;
  auto p = verify_claims(claims);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->expires_at, kNow + 1h + 500ms);
}

TEST_P(Claims, refuses_token_not_yet_valid_beyond_leeway) {
  auto claims = standard_claims();
  claims["nbf"] = seconds_of(kNow + 61s);
  expect_refused(verify_claims(claims), "not valid before");
  claims["nbf"] = seconds_of(kNow + 30s);
  EXPECT_TRUE(verify_claims(claims));
}

TEST_P(Claims, refuses_token_issued_in_the_future_beyond_leeway) {
  auto claims = standard_claims();
  claims["iat"] = seconds_of(kNow + 2min);
  expect_refused(verify_claims(claims), "issued in the future");
  claims["iat"] = seconds_of(kNow + 59s);
  EXPECT_TRUE(verify_claims(claims));
  claims.erase("iat");
  EXPECT_TRUE(verify_claims(claims));
}

TEST_P(Claims, refuses_wrong_issuer) {
  auto claims = standard_claims();
  claims["iss"] = "someone-else";
  expect_refused(verify_claims(claims), "issuer (iss) is not 'concord'");
  claims.erase("iss");
  expect_refused(verify_claims(claims), "no issuer");
}

TEST_P(Claims, refuses_wrong_audience) {
  auto claims = standard_claims();
  claims["aud"] = "concord-staging";
  expect_refused(verify_claims(claims), "audience (aud) does not include 'concord'");
  claims.erase("aud");
  expect_refused(verify_claims(claims), "no audience");
  claims["aud"] = 42;
  expect_refused(verify_claims(claims), "must be a string or an array");
}

TEST_P(Claims, accepts_audience_array_containing_ours) {
  auto claims = standard_claims();
  claims["aud"] = {"archive", "concord"};
  EXPECT_TRUE(verify_claims(claims));
  claims["aud"] = {"archive", "ledger"};
  expect_refused(verify_claims(claims), "does not include 'concord'");
  claims["aud"] = nlohmann::json::array();
  expect_refused(verify_claims(claims), "does not include 'concord'");
}

TEST_P(Claims, issuer_and_audience_come_from_configuration) {
  config.issuer = "mfa.example";
  config.audience = "concord-prod";
  verifier = verifier_for(config);
  auto claims = standard_claims();
  expect_refused(verify_claims(claims), "is not 'mfa.example'");
  claims["iss"] = "mfa.example";
  claims["aud"] = "concord-prod";
  EXPECT_TRUE(verify_claims(claims));
}

TEST_P(Claims, refuses_token_without_subject) {
  auto claims = standard_claims();
  claims.erase("sub");
  expect_refused(verify_claims(claims), "no subject (sub)");
  claims["sub"] = "";
  expect_refused(verify_claims(claims), "no subject (sub)");
}

TEST_P(Claims, refuses_unknown_role) {
  auto claims = standard_claims();
  claims["roles"] = {"protocol_officer", "superuser"};
  expect_refused(verify_claims(claims), "unknown role 'superuser'");
}

TEST_P(Claims, refuses_token_without_roles) {
  auto claims = standard_claims();
  claims.erase("roles");
  expect_refused(verify_claims(claims), "no roles claim");
  claims["roles"] = nlohmann::json::array();
  expect_refused(verify_claims(claims), "at least one role is required");
  claims["roles"] = "admin";
  expect_refused(verify_claims(claims), "must be an array of role names");
  claims["roles"] = {"admin", 7};
  expect_refused(verify_claims(claims), "must be an array of role names");
}

TEST_P(Claims, collapses_repeated_roles) {
  auto claims = standard_claims();
  claims["roles"] = {"integrator", "integrator"};
  auto p = verify_claims(claims);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->roles, std::vector<Role>{Role::integrator});
}

TEST_P(Claims, refuses_delegation_member_without_member_and_delegation_ids) {
  auto claims = standard_claims();
  claims["roles"] = {"delegation_member"};
  expect_refused(verify_claims(claims), "must carry member_id and delegation_id");
  claims["member_id"] = "0199a3b0-0000-7000-8000-000000000001";
  expect_refused(verify_claims(claims), "must carry member_id and delegation_id");
  claims["delegation_id"] = 12;
  expect_refused(verify_claims(claims), "delegation_id claim must be a non-empty string");
}

TEST_P(Claims, delegation_member_carries_member_and_delegation_ids) {
  auto token = mint(config, {.subject = "member-1",
                             .roles = {Role::delegation_member},
                             .member_id = "0199a3b0-0000-7000-8000-000000000001",
                             .delegation_id = "0199a3b0-0000-7000-8000-000000000002",
                             .ttl = 1h,
                             .issued_at = kNow});
  ASSERT_TRUE(token) << token.error().detail;
  auto p = verifier.verify(*token, kNow);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_TRUE(p->has(Role::delegation_member));
  EXPECT_EQ(p->member_id, "0199a3b0-0000-7000-8000-000000000001");
  EXPECT_EQ(p->delegation_id, "0199a3b0-0000-7000-8000-000000000002");
}

TEST_P(Claims, minted_token_expires_after_its_ttl) {
  auto token = mint(config, {.subject = "s", .roles = {Role::integrator}, .ttl = 1h, .issued_at = kNow});
  ASSERT_TRUE(token);
  EXPECT_TRUE(verifier.verify(*token, kNow + 1h - 1s));
  EXPECT_TRUE(verifier.verify(*token, kNow + 1h + 59s));  // within the leeway
  expect_refused(verifier.verify(*token, kNow + 1h + 60s), "expired");
}

TEST_P(Claims, failures_are_401_with_www_authenticate) {
  auto claims = standard_claims();
  claims["exp"] = seconds_of(kNow - 1h);
  auto r = verify_claims(claims);
  ASSERT_FALSE(r);
  auto problem = to_problem(r.error());
  EXPECT_EQ(problem.status, 401);
  ASSERT_EQ(problem.headers.size(), 1u);
  EXPECT_EQ(problem.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(problem.headers[0].second.rfind("Bearer", 0), 0u);
}
