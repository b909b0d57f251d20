// Tokens of an OpenID Connect issuer: RS256, PS256, ES256 and EdDSA keys from its JWKS, roles
// and country mapped from its claims, every refusal of Concord's own tokens on these paths too,
// and keys refetched on an unknown kid at most once per interval.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "oidc_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

struct Case {
  const TestKey* key;
  const char* alg;
};
std::vector<Case> all_paths() {
  return {{&rsa_key(), "RS256"}, {&rsa_key(), "PS256"}, {&ec_key(), "ES256"}, {&ed25519_key(), "EdDSA"}};
}

void expect_refused(const Result<Principal>& r, std::string_view detail_part,
                    ErrorCode code = ErrorCode::unauthorized) {
  ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
  EXPECT_EQ(r.error().code, code);
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

class Oidc : public ::testing::Test {
 protected:
  FakeIssuer issuer;
  Verifier verifier = make();
  Verifier make(JwtConfig config = config_with_oidc()) {
    auto v = Verifier::create(std::move(config), issuer.fetcher());
    if (!v) throw std::runtime_error(v.error().detail);
    return *v;
  }
};

}  // namespace

TEST_F(Oidc, accepts_rs256_ps256_es256_and_eddsa_tokens_with_roles_and_country_mapped) {
  for (const auto& c : all_paths()) {
    SCOPED_TRACE(c.alg);
    auto p = verifier.verify(oidc_token(*c.key, c.alg), kNow);
    ASSERT_TRUE(p) << p.error().detail;
    EXPECT_EQ(p->issuer, kIssuer);
    EXPECT_EQ(p->subject, "officer-kg");
    EXPECT_EQ(p->roles, std::vector<Role>{Role::protocol_officer});  // offline_access maps to nothing
    EXPECT_EQ(p->country, "KG");
    EXPECT_EQ(p->expires_at, kNow + std::chrono::hours(1));
  }
  EXPECT_EQ(issuer.discovery_fetches, 1);
  EXPECT_EQ(issuer.jwks_fetches, 1);  // one fetch served all four
}

TEST_F(Oidc, the_fully_specified_name_ed25519_is_eddsa) {
  auto p = verifier.verify(oidc_token(ed25519_key(), "EdDSA", oidc_claims(), {{"alg", "Ed25519"}}), kNow);
  EXPECT_TRUE(p) << p.error().detail;
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"alg", "Ed25519"}}), kNow),
                 "is not for that algorithm");
}

TEST_F(Oidc, concord_tokens_without_kid_still_verify_beside_the_issuer) {
  auto local = sign_claims(standard_claims(), config_for(Algorithm::hs256));
  auto p = verifier.verify(local, kNow);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->issuer, "concord");
  EXPECT_FALSE(p->country);
  EXPECT_EQ(issuer.jwks_fetches, 0);
}

TEST_F(Oidc, refuses_alg_none_and_symmetric_algorithms_with_a_kid) {
  auto payload = b64url(oidc_claims().dump());
  for (const char* alg : {"none", "None", "HS256", "HS512", "RS384", "ES384", "ES256K", "rs256"}) {
    SCOPED_TRACE(alg);
    auto header = b64url(nlohmann::json{{"alg", alg}, {"kid", "rsa-1"}}.dump());
    expect_refused(verifier.verify(header + "." + payload + ".", kNow), "accepts only RS256, PS256, ES256 or EdDSA");
    expect_refused(verifier.verify(header + "." + payload + "." + b64url("x"), kNow), "accepts only");
  }
  // A genuine signature does not rescue a header changed to none.
  auto genuine = parts_of(oidc_token(rsa_key(), "RS256"));
  auto none = b64url(R"({"alg":"none","kid":"rsa-1"})");
  expect_refused(verifier.verify(none + "." + genuine.payload + "." + genuine.signature, kNow), "'none'");
}

// Key confusion: HMAC with the issuer's public key (its PEM or its JWK text) as the secret.
TEST_F(Oidc, refuses_hs256_made_with_the_issuers_public_key) {
  for (const auto& c : all_paths()) {
    for (const std::string& secret : {c.key->public_pem(), c.key->jwk().dump()}) {
      nlohmann::json header = {{"alg", "HS256"}, {"kid", c.key->kid()}, {"typ", "JWT"}};
      std::string input = b64url(header.dump()) + "." + b64url(oidc_claims().dump());
      auto token = input + "." + b64url(hmac_sha256(secret, input));
      expect_refused(verifier.verify(token, kNow), "accepts only RS256, PS256, ES256 or EdDSA");
    }
  }
}

TEST_F(Oidc, refuses_an_algorithm_that_does_not_match_its_keys_type) {
  // The header names the EC key but RS256; the ed25519 key but ES256; the RSA key but EdDSA.
  struct Mismatch {
    const TestKey* signer;
    const char* alg;
    const char* kid;
  };
  for (auto m : {Mismatch{&rsa_key(), "RS256", "ec-1"}, Mismatch{&ec_key(), "ES256", "ed-1"},
                 Mismatch{&ed25519_key(), "EdDSA", "rsa-1"}, Mismatch{&rsa_key(), "PS256", "ed-1"}}) {
    SCOPED_TRACE(m.alg);
    expect_refused(verifier.verify(oidc_token(*m.signer, m.alg, oidc_claims(), {{"kid", m.kid}}), kNow),
                   "is not for that algorithm");
  }
}

TEST_F(Oidc, refuses_an_algorithm_other_than_the_one_its_key_states) {
  issuer.jwks["keys"] = nlohmann::json::array({rsa_key().jwk("PS256")});
  auto v = make();
  expect_refused(v.verify(oidc_token(rsa_key(), "RS256"), kNow), "is not for that algorithm");
  EXPECT_TRUE(v.verify(oidc_token(rsa_key(), "PS256"), kNow));
}

TEST_F(Oidc, refuses_tampered_tokens_on_every_path) {
  for (const auto& c : all_paths()) {
    SCOPED_TRACE(c.alg);
    auto genuine = parts_of(oidc_token(*c.key, c.alg));
    auto claims = oidc_claims();
    claims["realm_access"]["roles"] = {"concord-admin"};
    expect_refused(verifier.verify(genuine.header + "." + b64url(claims.dump()) + "." + genuine.signature, kNow),
                   "signature does not verify");
    auto sig = genuine.signature;
    sig[5] = sig[5] == 'A' ? 'B' : 'A';
    expect_refused(verifier.verify(genuine.header + "." + genuine.payload + "." + sig, kNow), "");
    // A signature made by another key of the same type.
    TestKey other(c.key == &rsa_key()  ? KeyKind::rsa
                  : c.key == &ec_key() ? KeyKind::ec
                                       : KeyKind::ed25519,
                  c.key->kid());
    expect_refused(verifier.verify(oidc_token(other, c.alg), kNow), "signature does not verify");
    expect_refused(verifier.verify(genuine.header + "." + genuine.payload + ".", kNow), "not signed");
  }
}

TEST_F(Oidc, refuses_expired_wrong_audience_and_wrong_issuer_on_every_path) {
  for (const auto& c : all_paths()) {
    SCOPED_TRACE(c.alg);
    auto claims = oidc_claims();
    claims["exp"] = seconds_of(kNow) - 61;
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "expired");
    claims = oidc_claims();
    claims["aud"] = "account";
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "audience");
    claims = oidc_claims();
    claims.erase("aud");
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "no audience");
    claims = oidc_claims();
    claims["iss"] = "concord";  // Concord's own issuer does not pass on the issuer's key
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "issuer");
    claims["iss"] = kIssuer + "/";
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "issuer");
    claims = oidc_claims();
    claims["nbf"] = seconds_of(kNow) + 120;
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "not valid before");
    claims = oidc_claims();
    claims.erase("exp");
    expect_refused(verifier.verify(oidc_token(*c.key, c.alg, claims), kNow), "no expiry");
  }
}

TEST_F(Oidc, refuses_crit_headers_and_non_jwt_types) {
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"crit", {"exp"}}}), kNow), "crit");
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"typ", "dpop+jwt"}}), kNow), "typ");
  EXPECT_TRUE(verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"typ", "at+jwt"}}), kNow));
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"kid", 7}}), kNow), "key id (kid)");
}

TEST_F(Oidc, a_token_without_a_mapped_role_or_with_a_bad_country_is_refused) {
  auto claims = oidc_claims();
  claims["realm_access"]["roles"] = {"offline_access", "uma_authorization"};
  expect_refused(verifier.verify(oidc_token(ec_key(), "ES256", claims), kNow), "names no role");
  claims.erase("realm_access");
  expect_refused(verifier.verify(oidc_token(ec_key(), "ES256", claims), kNow), "names no role");
  claims = oidc_claims();
  claims["roles"] = {"admin"};  // Concord's own roles claim means nothing on this path
  claims["realm_access"]["roles"] = nlohmann::json::array();
  expect_refused(verifier.verify(oidc_token(ec_key(), "ES256", claims), kNow), "names no role");
  for (const nlohmann::json& country : {nlohmann::json("KGZ"), nlohmann::json(417), nlohmann::json("k1")}) {
    claims = oidc_claims();
    claims["country"] = country;
    expect_refused(verifier.verify(oidc_token(ec_key(), "ES256", claims), kNow), "two-letter country code");
  }
}

TEST_F(Oidc, role_names_map_as_they_are_when_no_map_is_configured_and_claim_paths_may_hold_dots) {
  auto config = config_with_oidc();
  config.oidc->role_map.clear();
  config.oidc->roles_claim = "https://concord.example/roles";
  auto v = make(config);
  auto claims = oidc_claims();
  claims["https://concord.example/roles"] = {"integrator", "admin", "concord-officer"};
  auto p = v.verify(oidc_token(ed25519_key(), "EdDSA", claims), kNow);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->roles, (std::vector<Role>{Role::integrator, Role::admin}));
}

TEST_F(Oidc, an_unknown_kid_refetches_and_a_rotated_key_is_accepted_without_a_new_verifier) {
  ASSERT_TRUE(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow));
  EXPECT_EQ(issuer.jwks_fetches, 1);
  TestKey rotated(KeyKind::ec, "ec-2");
  issuer.jwks["keys"] = nlohmann::json::array({rotated.jwk("ES256")});  // the old keys withdrawn
  auto later = kNow + std::chrono::seconds(61);
  auto p = verifier.verify(oidc_token(rotated, "ES256"), later);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(issuer.jwks_fetches, 2);
  EXPECT_EQ(issuer.discovery_fetches, 1);  // the jwks_uri is remembered
  // A fetch replaces the set: the withdrawn key no longer verifies.
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256"), later), "does not publish");
}

TEST_F(Oidc, a_flood_of_unknown_kids_is_one_fetch_per_interval) {
  ASSERT_TRUE(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow));
  ASSERT_EQ(issuer.jwks_fetches, 1);
  for (int i = 0; i < 1000; ++i) {
    auto t = kNow + std::chrono::milliseconds(i * 50);  // 50 s of flooding
    expect_refused(
        verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"kid", "made-up-" + std::to_string(i)}}), t),
        "does not publish");
  }
  EXPECT_EQ(issuer.jwks_fetches, 1);  // still inside the interval of the first fetch
  for (int i = 0; i < 1000; ++i) {
    auto t = kNow + std::chrono::seconds(60) + std::chrono::milliseconds(i * 50);  // the next 50 s
    expect_refused(
        verifier.verify(oidc_token(rsa_key(), "RS256", oidc_claims(), {{"kid", "more-" + std::to_string(i)}}), t),
        "does not publish");
  }
  EXPECT_EQ(issuer.jwks_fetches, 2);
  // Known keys never wait for the interval.
  EXPECT_TRUE(verifier.verify(oidc_token(ec_key(), "ES256"), kNow + std::chrono::seconds(61)));
}

TEST_F(Oidc, an_unreachable_issuer_is_503_and_is_not_asked_again_within_the_interval) {
  issuer.down = true;
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow), "could not be fetched", ErrorCode::unavailable);
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow + std::chrono::seconds(5)), "connection refused",
                 ErrorCode::unavailable);
  EXPECT_EQ(issuer.discovery_fetches, 1);
  issuer.down = false;
  auto p = verifier.verify(oidc_token(rsa_key(), "RS256"), kNow + std::chrono::seconds(60));
  EXPECT_TRUE(p) << p.error().detail;
}

TEST_F(Oidc, a_discovery_document_of_another_issuer_or_without_https_jwks_is_refused) {
  issuer.discovery["issuer"] = "https://evil.example";
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow), "another issuer", ErrorCode::unavailable);
  issuer.discovery = {{"issuer", kIssuer}, {"jwks_uri", "http://idp.example/certs"}};
  expect_refused(verifier.verify(oidc_token(rsa_key(), "RS256"), kNow + std::chrono::seconds(60)), "https:// jwks_uri",
                 ErrorCode::unavailable);
  EXPECT_EQ(issuer.jwks_fetches, 0);
}

TEST_F(Oidc, keys_that_are_weak_malformed_or_not_for_signing_are_left_out) {
  TestKey weak(KeyKind::rsa_1024, "weak");
  auto enc = ec_key().jwk();
  enc["use"] = "enc";
  enc["kid"] = "enc-1";
  auto off_curve = ec_key().jwk();
  off_curve["kid"] = "off-curve";
  off_curve["y"] = off_curve["x"];
  auto contradictory = ed25519_key().jwk("RS256");
  contradictory["kid"] = "contradictory";
  issuer.jwks["keys"] =
      nlohmann::json::array({weak.jwk(), enc, off_curve, contradictory, "not an object", rsa_key().jwk()});
  auto v = make();
  expect_refused(v.verify(oidc_token(weak, "RS256"), kNow), "does not publish");
  expect_refused(v.verify(oidc_token(ec_key(), "ES256", oidc_claims(), {{"kid", "enc-1"}}), kNow), "does not publish");
  expect_refused(v.verify(oidc_token(ec_key(), "ES256", oidc_claims(), {{"kid", "off-curve"}}), kNow),
                 "does not publish");
  expect_refused(v.verify(oidc_token(ed25519_key(), "EdDSA", oidc_claims(), {{"kid", "contradictory"}}), kNow),
                 "does not publish");
  EXPECT_TRUE(v.verify(oidc_token(rsa_key(), "RS256"), kNow));  // the good key beside them still works
}

TEST(OidcConfig, refuses_what_cannot_work) {
  FakeIssuer issuer;
  auto fetch = issuer.fetcher();
  auto config = config_with_oidc();
  config.oidc->issuer = "http://idp.example";
  EXPECT_FALSE(Verifier::create(config, fetch));
  config = config_with_oidc();
  EXPECT_FALSE(Verifier::create(config));  // nothing to fetch keys with
  config.oidc->issuer = "https://same";
  config.issuer = "https://same";
  EXPECT_FALSE(Verifier::create(config, fetch));
  config = config_with_oidc();
  config.oidc->audience.clear();
  EXPECT_FALSE(Verifier::create(config, fetch));
}

TEST(OidcEnvConfig, reads_the_issuer_audience_claims_role_map_and_interval) {
  TempDir dir;
  auto ca = dir.path() / "ca.pem";
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  auto config = jwt_config_from_env(
      Env::from_map({{"CONCORD_OIDC_ISSUER", kIssuer},
                     {"CONCORD_OIDC_AUDIENCE", "concord-api"},
                     {"CONCORD_OIDC_ROLES_CLAIM", "realm_access.roles"},
                     {"CONCORD_OIDC_ROLE_MAP", "concord-officer=protocol_officer, ops=admin,ops=integrator"},
                     {"CONCORD_OIDC_CA_FILE", ca.string()},
                     {"CONCORD_OIDC_REFETCH_INTERVAL", "30s"}}),
      dir.path().string());
  ASSERT_TRUE(config) << config.error().detail;
  ASSERT_TRUE(config->oidc);
  EXPECT_EQ(config->oidc->issuer, kIssuer);
  EXPECT_EQ(config->oidc->audience, "concord-api");
  EXPECT_EQ(config->oidc->roles_claim, "realm_access.roles");
  EXPECT_EQ(config->oidc->country_claim, "country");
  EXPECT_EQ(config->oidc->role_map.size(), 3u);
  EXPECT_EQ(config->oidc->role_map[1], (std::pair<std::string, Role>{"ops", Role::admin}));
  EXPECT_EQ(config->oidc->ca_file, ca.string());
  EXPECT_EQ(config->oidc->refetch_interval, std::chrono::seconds(30));
  EXPECT_FALSE(jwt_config_from_env(Env::from_map({}), dir.path().string())->oidc);
}

TEST(OidcEnvConfig, a_bad_value_names_its_variable) {
  TempDir dir;
  auto refused = [&](std::map<std::string, std::string> env, std::string_view name) {
    if (!env.contains("CONCORD_OIDC_ISSUER")) env["CONCORD_OIDC_ISSUER"] = kIssuer;
    auto r = jwt_config_from_env(Env::from_map(env), dir.path().string());
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().detail.find(name), std::string::npos) << r.error().detail;
  };
  refused({{"CONCORD_OIDC_ISSUER", "http://idp.example"}, {"CONCORD_OIDC_AUDIENCE", "a"}}, "CONCORD_OIDC_ISSUER");
  refused({}, "CONCORD_OIDC_AUDIENCE");
  refused({{"CONCORD_OIDC_AUDIENCE", "a"}, {"CONCORD_OIDC_ROLE_MAP", "x=host"}}, "CONCORD_OIDC_ROLE_MAP");
  refused({{"CONCORD_OIDC_AUDIENCE", "a"}, {"CONCORD_OIDC_ROLE_MAP", "=admin"}}, "CONCORD_OIDC_ROLE_MAP");
  refused({{"CONCORD_OIDC_AUDIENCE", "a"}, {"CONCORD_OIDC_CA_FILE", "/nonexistent/ca.pem"}}, "CONCORD_OIDC_CA_FILE");
  refused({{"CONCORD_OIDC_AUDIENCE", "a"}, {"CONCORD_OIDC_REFETCH_INTERVAL", "0s"}}, "CONCORD_OIDC_REFETCH_INTERVAL");
  refused({{"CONCORD_OIDC_AUDIENCE", "a"}, {"CONCORD_OIDC_REFETCH_INTERVAL", "soon"}}, "CONCORD_OIDC_REFETCH_INTERVAL");
}

TEST_F(Oidc, member_claims_are_never_read_from_an_issuers_token) {
  JwtConfig config = config_with_oidc();
  config.oidc->role_map.push_back({"concord-member", Role::delegation_member});
  Verifier with_members = make(config);
  auto claims = oidc_claims();
  claims["realm_access"]["roles"] = {"concord-member"};
  claims["member_id"] = "01900000-0000-7000-8000-000000000001";
  claims["delegation_id"] = "01900000-0000-7000-8000-000000000002";
  auto p = with_members.verify(oidc_token(ec_key(), "ES256", claims), kNow);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->roles, std::vector<Role>{Role::delegation_member});
  // The member is whoever the issuer + subject is linked to in Concord's state, not a claim.
  EXPECT_FALSE(p->member_id);
  EXPECT_FALSE(p->delegation_id);
}
