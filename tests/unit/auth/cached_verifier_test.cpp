#include <gtest/gtest.h>

#include "concord/auth/cached_verifier.hpp"

using namespace concord;
using namespace concord::auth;
using namespace std::chrono_literals;

namespace {
JwtConfig config() {
  return JwtConfig{.algorithm = Algorithm::hs256, .hs256_secret = std::string(40, 's')};
}
const Timestamp t0{std::chrono::milliseconds{1'759'000'000'000}};
}  // namespace

TEST(CachedVerifier, accepts_what_the_verifier_accepts_and_refuses_what_it_refuses) {
  CachedVerifier cached(*Verifier::create(config()));
  auto token = *mint(config(), {.subject = "officer", .roles = {Role::protocol_officer}, .ttl = 1h, .issued_at = t0});
  auto first = cached.authenticate("Bearer " + token, t0 + 1s);
  ASSERT_TRUE(first);
  auto again = cached.authenticate("Bearer " + token, t0 + 2s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->subject, "officer");
  EXPECT_FALSE(cached.authenticate("Bearer " + token + "x", t0 + 2s));
  EXPECT_FALSE(cached.authenticate(std::nullopt, t0));
}

TEST(CachedVerifier, a_remembered_token_is_refused_once_expired) {
  CachedVerifier cached(*Verifier::create(config()));
  auto token = *mint(config(), {.subject = "officer", .roles = {Role::protocol_officer}, .ttl = 1h, .issued_at = t0});
  ASSERT_TRUE(cached.authenticate("Bearer " + token, t0 + 1s));
  EXPECT_FALSE(cached.authenticate("Bearer " + token, t0 + 1h + 61s));
}

TEST(CachedVerifier, stays_bounded_and_correct_past_its_capacity) {
  CachedVerifier cached(*Verifier::create(config()), 4);
  for (int i = 0; i < 20; ++i) {
    auto token =
        *mint(config(), {.subject = "s" + std::to_string(i), .roles = {Role::integrator}, .ttl = 1h, .issued_at = t0});
    auto p = cached.authenticate("Bearer " + token, t0 + 1s);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->subject, "s" + std::to_string(i));
  }
}
