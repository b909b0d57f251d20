// Authorization: Bearer <token> (RFC 6750), the scheme in any case.
#include <gtest/gtest.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

class Authenticate : public ::testing::Test {
 protected:
  JwtConfig config = config_for(Algorithm::hs256);
  Verifier verifier = verifier_for(config);
  std::string token = sign_claims(standard_claims(), config);

  static void expect_401(const Result<Principal>& r, std::string_view detail_part) {
    ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
    EXPECT_EQ(r.error().code, ErrorCode::unauthorized);
    EXPECT_EQ(to_problem(r.error()).status, 401);
    ASSERT_FALSE(r.error().headers.empty());
    EXPECT_EQ(r.error().headers[0].first, "WWW-Authenticate");
    EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
  }
};

}  // namespace

TEST_F(Authenticate, accepts_bearer_scheme_in_any_case) {
  for (std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    auto p = verifier.authenticate(scheme + " " + token, kNow);
    ASSERT_TRUE(p) << scheme << ": " << p.error().detail;
    EXPECT_EQ(p->subject, "user-1");
  }
}

TEST_F(Authenticate, tolerates_surrounding_whitespace) {
  EXPECT_TRUE(verifier.authenticate("  Bearer   " + token + " \t", kNow));
}

TEST_F(Authenticate, refuses_missing_authorization_header) {
  expect_401(verifier.authenticate(std::nullopt, kNow), "no Authorization header");
}

TEST_F(Authenticate, refuses_other_schemes) {
  expect_401(verifier.authenticate("Basic dXNlcjpwYXNz", kNow), "must use the Bearer scheme");
  expect_401(verifier.authenticate("Token " + token, kNow), "must use the Bearer scheme");
  expect_401(verifier.authenticate("Bearer-" + token, kNow), "must use the Bearer scheme");
  expect_401(verifier.authenticate(token, kNow), "must use the Bearer scheme");
  expect_401(verifier.authenticate("", kNow), "must use the Bearer scheme");
}

TEST_F(Authenticate, refuses_bearer_without_token) {
  expect_401(verifier.authenticate("Bearer", kNow), "has no bearer token");
  expect_401(verifier.authenticate("Bearer   ", kNow), "has no bearer token");
}

TEST_F(Authenticate, passes_the_verifiers_reason_on) {
  auto expired = standard_claims();
  expired["exp"] = seconds_of(kNow - 1h);
  expect_401(verifier.authenticate("Bearer " + sign_claims(expired, config), kNow), "expired");
  expect_401(verifier.authenticate("Bearer " + token + " extra", kNow), "");
}
