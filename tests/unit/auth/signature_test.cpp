// The algorithm is pinned by configuration and the signature is checked before any claim.
#include <gtest/gtest.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

void expect_refused(const Result<Principal>& r, std::string_view detail_part) {
  ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
  EXPECT_EQ(r.error().code, ErrorCode::unauthorized);
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

std::string with_header(const nlohmann::json& header, const JwtConfig& config) {
  return sign(header, standard_claims(), config);
}

}  // namespace

TEST(Signature, refuses_alg_none) {
  for (auto algorithm : {Algorithm::hs256, Algorithm::eddsa}) {
    auto verifier = verifier_for(config_for(algorithm));
    auto payload = b64url(standard_claims().dump());
    for (const char* none : {"none", "None", "NONE"}) {
      auto header = b64url(nlohmann::json{{"alg", none}, {"typ", "JWT"}}.dump());
      expect_refused(verifier.verify(header + "." + payload + ".", kNow),
                     std::string("signed with '") + none + "' but this service accepts only");
    }
    // The signature of a genuine token does not rescue a header changed to "none".
    auto genuine = parts_of(sign_claims(standard_claims(), config_for(algorithm)));
    auto none_header = b64url(R"({"alg":"none"})");
    expect_refused(verifier.verify(none_header + "." + genuine.payload + "." + genuine.signature, kNow), "'none'");
  }
}

TEST(Signature, refuses_hs256_token_against_eddsa_config) {
  auto hs256_token = mint(config_for(Algorithm::hs256), {.subject = "s", .roles = {Role::admin}, .issued_at = kNow});
  ASSERT_TRUE(hs256_token);
  auto eddsa = verifier_for(config_for(Algorithm::eddsa));
  expect_refused(eddsa.verify(*hs256_token, kNow), "signed with 'HS256' but this service accepts only EdDSA");
}

TEST(Signature, refuses_eddsa_token_against_hs256_config) {
  auto eddsa_token = mint(config_for(Algorithm::eddsa), {.subject = "s", .roles = {Role::admin}, .issued_at = kNow});
  ASSERT_TRUE(eddsa_token);
  auto hs256 = verifier_for(config_for(Algorithm::hs256));
  expect_refused(hs256.verify(*eddsa_token, kNow), "signed with 'EdDSA' but this service accepts only HS256");
}

// The classic key-confusion attack: the attacker knows the public key and HMACs a token with
// its PEM text as the secret, hoping the verifier takes "HS256" from the header.
TEST(Signature, refuses_hs256_token_hmacd_with_the_eddsa_public_key) {
  auto eddsa_config = config_for(Algorithm::eddsa);
  auto verifier = verifier_for(eddsa_config);
  auto claims = standard_claims();
  claims["roles"] = {"admin"};
  for (const auto& key :
       {test_keys().public_pem, std::string(test_keys().public_pem.substr(0, test_keys().public_pem.size() - 1))}) {
    JwtConfig forged;
    forged.hs256_secret = key;
    auto token = sign_segments(b64url(standard_header(Algorithm::hs256).dump()), b64url(claims.dump()),
                               Algorithm::hs256, forged);
    expect_refused(verifier.verify(token, kNow), "accepts only EdDSA");
  }
}

TEST(Signature, refuses_algorithms_this_service_does_not_use) {
  auto config = config_for(Algorithm::hs256);
  auto verifier = verifier_for(config);
  for (const char* alg : {"HS384", "HS512", "RS256", "ES256", "hs256"})
    expect_refused(verifier.verify(with_header({{"alg", alg}}, config), kNow), "accepts only HS256");
  expect_refused(verifier.verify(with_header({{"typ", "JWT"}}, config), kNow), "no algorithm (alg)");
  expect_refused(verifier.verify(with_header({{"alg", 256}}, config), kNow), "no algorithm (alg)");
}

TEST(Signature, refuses_header_with_critical_extensions) {
  auto config = config_for(Algorithm::eddsa);
  expect_refused(
      verifier_for(config).verify(with_header({{"alg", "EdDSA"}, {"crit", {"exp"}}, {"exp", 1}}, config), kNow),
      "critical extensions (crit)");
}

TEST(Signature, refuses_other_token_types_and_accepts_missing_typ) {
  auto config = config_for(Algorithm::hs256);
  auto verifier = verifier_for(config);
  expect_refused(verifier.verify(with_header({{"alg", "HS256"}, {"typ", "dpop+jwt"}}, config), kNow), "typ is not JWT");
  EXPECT_TRUE(verifier.verify(with_header({{"alg", "HS256"}}, config), kNow));
  EXPECT_TRUE(verifier.verify(with_header({{"alg", "HS256"}, {"typ", "jwt"}}, config), kNow));
  EXPECT_TRUE(verifier.verify(with_header({{"alg", "HS256"}, {"typ", "application/at+jwt"}}, config), kNow));
}

TEST(Signature, refuses_tampered_payload) {
  for (auto algorithm : {Algorithm::hs256, Algorithm::eddsa}) {
    auto config = config_for(algorithm);
    auto token = mint(config, {.subject = "s", .roles = {Role::integrator}, .issued_at = kNow});
    ASSERT_TRUE(token);
    auto parts = parts_of(*token);
    auto claims = standard_claims();
    claims["sub"] = "s";
    claims["roles"] = {"admin"};
    auto tampered = parts.header + "." + b64url(claims.dump()) + "." + parts.signature;
    expect_refused(verifier_for(config).verify(tampered, kNow), "signature does not verify");
  }
}

TEST(Signature, refuses_tampered_signature) {
  for (auto algorithm : {Algorithm::hs256, Algorithm::eddsa}) {
    auto config = config_for(algorithm);
    auto verifier = verifier_for(config);
    auto parts = parts_of(sign_claims(standard_claims(), config));
    auto flipped = parts.signature;
    flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
    expect_refused(verifier.verify(parts.header + "." + parts.payload + "." + flipped, kNow),
                   "signature does not verify");
    auto too_short = b64url("a signature of the wrong length");
    expect_refused(verifier.verify(parts.header + "." + parts.payload + "." + too_short, kNow),
                   "signature does not verify");
    expect_refused(verifier.verify(parts.header + "." + parts.payload + ".", kNow), "not signed");
  }
}

TEST(Signature, refuses_token_signed_with_another_key) {
  auto hs = config_for(Algorithm::hs256);
  auto other_hs = hs;
  other_hs.hs256_secret = std::string(32, 'x');
  expect_refused(verifier_for(hs).verify(sign_claims(standard_claims(), other_hs), kNow), "signature does not verify");

  auto ed = config_for(Algorithm::eddsa);
  auto other_ed = ed;
  other_ed.ed25519_private_key_pem = other_keys().private_pem;
  expect_refused(verifier_for(ed).verify(sign_claims(standard_claims(), other_ed), kNow), "signature does not verify");
}

TEST(Signature, signature_is_checked_before_any_claim) {
  auto config = config_for(Algorithm::hs256);
  auto claims = standard_claims();
  claims["exp"] = seconds_of(kNow - 24h);
  claims["roles"] = {"superuser"};
  auto parts = parts_of(sign_claims(claims, config));
  auto genuine = parts_of(sign_claims(standard_claims(), config));
  auto forged = parts.header + "." + parts.payload + "." + genuine.signature;
  expect_refused(verifier_for(config).verify(forged, kNow), "signature does not verify");
  // A payload that is not even JSON is never parsed when the signature is wrong.
  expect_refused(verifier_for(config).verify(parts.header + "." + b64url("{{{") + "." + genuine.signature, kNow),
                 "signature does not verify");
}

TEST(Signature, details_never_contain_key_material) {
  for (auto algorithm : {Algorithm::hs256, Algorithm::eddsa}) {
    auto config = config_for(algorithm);
    auto verifier = verifier_for(config);
    auto parts = parts_of(sign_claims(standard_claims(), config));
    std::vector<std::string> bad_tokens = {
        parts.header + "." + parts.payload + ".AAAA",
        parts.header + "." + b64url("{}") + "." + parts.signature,
        sign_claims(nlohmann::json::object(), config),
        "x.y",
    };
    for (const auto& token : bad_tokens) {
      auto r = verifier.verify(token, kNow);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().detail.find(kSecret), std::string::npos);
      EXPECT_EQ(r.error().detail.find("PRIVATE"), std::string::npos);
      EXPECT_EQ(r.error().detail.find(parts.signature), std::string::npos);
    }
  }
}
