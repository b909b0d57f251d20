// Minting refuses what verification would refuse; Verifier::create refuses a weak or
// unusable configuration.
#include <gtest/gtest.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

void expect_mint_refused(const JwtConfig& config, const TokenRequest& request, std::string_view detail_part) {
  auto r = mint(config, request);
  ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

void expect_create_refused(const JwtConfig& config, std::string_view detail_part) {
  auto r = Verifier::create(config);
  ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

}  // namespace

TEST(Mint, refuses_requests_the_verifier_would_refuse) {
  auto config = config_for(Algorithm::hs256);
  expect_mint_refused(config, {.subject = "", .roles = {Role::admin}, .issued_at = kNow}, "subject");
  expect_mint_refused(config, {.subject = "s", .roles = {}, .issued_at = kNow}, "at least one role");
  expect_mint_refused(config, {.subject = "s", .roles = {Role::delegation_member}, .member_id = "m", .issued_at = kNow},
                      "needs member_id and delegation_id");
  expect_mint_refused(config, {.subject = "s", .roles = {Role::admin}, .member_id = "", .issued_at = kNow},
                      "member_id must not be empty");
  expect_mint_refused(config,
                      {.subject = "s", .roles = {Role::admin}, .ttl = std::chrono::seconds{0}, .issued_at = kNow},
                      "ttl must be positive");
  expect_mint_refused(
      config, {.subject = "s", .roles = {Role::admin}, .ttl = std::chrono::hours{24 * 365 * 9000}, .issued_at = kNow},
      "after the year 9999");
}

TEST(Mint, refuses_to_mint_with_a_short_secret_or_without_a_private_key) {
  auto hs = config_for(Algorithm::hs256);
  hs.hs256_secret = std::string(31, 'k');
  expect_mint_refused(hs, {.subject = "s", .roles = {Role::admin}, .issued_at = kNow}, "at least 32 bytes");

  auto ed = config_for(Algorithm::eddsa);
  ed.ed25519_private_key_pem.clear();
  expect_mint_refused(ed, {.subject = "s", .roles = {Role::admin}, .issued_at = kNow}, "needs the Ed25519 private key");
  ed.ed25519_private_key_pem = "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n";
  expect_mint_refused(ed, {.subject = "s", .roles = {Role::admin}, .issued_at = kNow},
                      "not an unencrypted PEM private key");
}

TEST(Mint, writes_the_standard_claims_and_pins_the_header) {
  auto config = config_for(Algorithm::eddsa);
  auto token = mint(config, {.subject = "s",
                             .roles = {Role::admin, Role::admin},
                             .ttl = std::chrono::minutes{5},
                             .issued_at = kNow + std::chrono::milliseconds{999}});
  ASSERT_TRUE(token);
  auto parts = parts_of(*token);
  EXPECT_EQ(parts.header, b64url(R"({"alg":"EdDSA","typ":"JWT"})"));
  EXPECT_EQ(parts.payload.find('='), std::string::npos);
  auto p = verifier_for(config).verify(*token, kNow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->roles, std::vector<Role>{Role::admin});
  EXPECT_EQ(p->expires_at, kNow + std::chrono::minutes{5});
}

TEST(Mint, generates_distinct_ed25519_key_pairs) {
  auto a = generate_ed25519_keypair_pem();
  auto b = generate_ed25519_keypair_pem();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->first.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_EQ(a->second.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_NE(a->first, b->first);
  JwtConfig config{
      .algorithm = Algorithm::eddsa, .ed25519_public_key_pem = a->first, .ed25519_private_key_pem = a->second};
  auto token = mint(config, {.subject = "s", .roles = {Role::admin}, .issued_at = kNow});
  ASSERT_TRUE(token);
  EXPECT_TRUE(verifier_for(config).verify(*token, kNow));
  config.ed25519_public_key_pem = b->first;
  EXPECT_FALSE(verifier_for(config).verify(*token, kNow));
}

TEST(VerifierCreate, refuses_short_hs256_secret) {
  auto config = config_for(Algorithm::hs256);
  config.hs256_secret = std::string(31, 's');
  expect_create_refused(config, "at least 32 bytes, got 31");
  config.hs256_secret = std::string(32, 's');
  EXPECT_TRUE(Verifier::create(config));
}

TEST(VerifierCreate, refuses_a_public_key_that_is_not_ed25519) {
  auto config = config_for(Algorithm::eddsa);
  config.ed25519_public_key_pem = ec_p256_public_key_pem();
  expect_create_refused(config, "not an Ed25519 key");
  config.ed25519_public_key_pem = "not a key";
  expect_create_refused(config, "not a PEM public key");
  config.ed25519_public_key_pem = test_keys().private_pem;  // the wrong half
  expect_create_refused(config, "not a PEM public key");
}

TEST(VerifierCreate, refuses_leeway_beyond_60_seconds_and_empty_names) {
  auto config = config_for(Algorithm::hs256);
  config.leeway = std::chrono::seconds{61};
  expect_create_refused(config, "leeway must be from 0 to 60 seconds");
  config.leeway = std::chrono::seconds{-1};
  expect_create_refused(config, "leeway must be from 0 to 60 seconds");
  config.leeway = std::chrono::seconds{60};
  config.audience.clear();
  expect_create_refused(config, "audience must not be empty");
}

TEST(VerifierCreate, a_verifier_is_a_value_that_can_be_copied_and_shared) {
  auto config = config_for(Algorithm::eddsa);
  auto original = verifier_for(config);
  Verifier copy = original;
  EXPECT_EQ(copy.algorithm(), Algorithm::eddsa);
  EXPECT_TRUE(copy.verify(sign_claims(standard_claims(), config), kNow));
}
