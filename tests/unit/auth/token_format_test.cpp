// Compact serialization is read strictly: three segments, base64url without padding, a size
// limit, and JSON objects that never make the library throw.
#include <gtest/gtest.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;

namespace {

class TokenFormat : public ::testing::Test {
 protected:
  JwtConfig config = config_for(Algorithm::hs256);
  Verifier verifier = verifier_for(config);
  std::string header = b64url(standard_header(Algorithm::hs256).dump());

  // A correctly signed token over exactly these segments, so only their encoding is at fault.
  Result<Principal> verify_signed(std::string_view header_segment, std::string_view payload_segment) const {
    return verifier.verify(sign_segments(header_segment, payload_segment, Algorithm::hs256, config), kNow);
  }
  static void expect_refused(const Result<Principal>& r, std::string_view detail_part) {
    ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
    EXPECT_EQ(r.error().code, ErrorCode::unauthorized);
    EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
  }
};

}  // namespace

TEST_F(TokenFormat, refuses_wrong_segment_count) {
  auto token = sign_claims(standard_claims(), config);
  auto parts = parts_of(token);
  expect_refused(verifier.verify(parts.header + "." + parts.payload, kNow), "three base64url segments");
  expect_refused(verifier.verify(token + ".", kNow), "not 4");
  expect_refused(verifier.verify(token + "." + parts.signature, kNow), "three base64url segments");
  expect_refused(verifier.verify("abc", kNow), "not 1");
  expect_refused(verifier.verify("", kNow), "empty");
  expect_refused(verifier.verify("..", kNow), "");
}

TEST_F(TokenFormat, refuses_padded_base64) {
  auto payload = standard_claims();
  payload["sub"] = "user-10";  // chosen so that the encoding would need padding
  auto segment = b64url(payload.dump());
  ASSERT_NE(segment.size() % 4, 0u);
  auto padded = segment + std::string(4 - segment.size() % 4, '=');
  expect_refused(verify_signed(header, padded), "payload is not base64url without padding");
  EXPECT_TRUE(verify_signed(header, segment));

  auto padded_header = header + std::string((4 - header.size() % 4) % 4, '=');
  if (padded_header != header) expect_refused(verify_signed(padded_header, segment), "header is not base64url");
  auto token = sign_segments(header, segment, Algorithm::hs256, config);
  expect_refused(verifier.verify(token + "=", kNow), "signature is not base64url without padding");
}

TEST_F(TokenFormat, refuses_bad_base64_characters) {
  // The standard alphabet's '+' and '/' are not base64url; neither are spaces or '%'.
  for (int n = 1; n < 40; ++n) {
    auto claims = standard_claims();
    claims["sub"] = std::string(static_cast<std::size_t>(n), '?') + ">";
    auto segment = b64url(claims.dump());
    auto at = segment.find_first_of("-_");
    if (at == std::string::npos) continue;
    auto standard = segment;
    standard[at] = segment[at] == '-' ? '+' : '/';
    expect_refused(verify_signed(header, standard), "payload is not base64url");
    EXPECT_TRUE(verify_signed(header, segment));
    break;
  }
  auto segment = b64url(standard_claims().dump());
  expect_refused(verify_signed(header, segment.substr(0, 10) + " " + segment.substr(10)), "not base64url");
  expect_refused(verify_signed(header, segment.substr(0, 10) + "%" + segment.substr(10)), "not base64url");
  expect_refused(verify_signed(header, segment + "A"), "not base64url");  // a length no bytes encode to
}

TEST_F(TokenFormat, refuses_signature_with_non_canonical_trailing_bits) {
  for (auto algorithm : {Algorithm::hs256, Algorithm::eddsa}) {
    auto c = config_for(algorithm);
    auto parts = parts_of(sign_claims(standard_claims(), c));
    auto sig = parts.signature;
    // The last character's lowest bit lies beyond the signature's bytes (256 and 512 bits).
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    sig.back() = alphabet[alphabet.find(sig.back()) ^ 1];
    expect_refused(verifier_for(c).verify(parts.header + "." + parts.payload + "." + sig, kNow),
                   "signature is not base64url without padding");
  }
}

TEST_F(TokenFormat, refuses_oversized_token) {
  auto claims = standard_claims();
  std::size_t pad = 5000;
  std::string token;
  for (;; ++pad) {  // the largest token within the limit
    claims["note"] = std::string(pad, 'x');
    auto next = sign_claims(claims, config);
    if (next.size() > kMaxTokenBytes) break;
    token = std::move(next);
  }
  ASSERT_GE(token.size(), kMaxTokenBytes - 2);
  EXPECT_TRUE(verifier.verify(token, kNow));
  claims["note"] = std::string(pad, 'x');
  expect_refused(verifier.verify(sign_claims(claims, config), kNow), "larger than 8 KiB");
}

TEST_F(TokenFormat, refuses_signed_payload_that_is_not_a_json_object) {
  expect_refused(verify_signed(header, b64url("not json")), "payload is not valid JSON");
  expect_refused(verify_signed(header, b64url(R"({"sub": "a",})")), "payload is not valid JSON");
  expect_refused(verify_signed(header, b64url("[1,2,3]")), "payload is not a JSON object");
  expect_refused(verify_signed(header, b64url("\"text\"")), "payload is not a JSON object");
  expect_refused(verify_signed(header, b64url("")), "payload is not valid JSON");
  expect_refused(verify_signed(header, b64url("{\"sub\": \"\xff\xfe\"}")), "payload is not valid JSON");
  expect_refused(verify_signed(b64url("not json"), b64url(standard_claims().dump())), "header is not valid JSON");
}

TEST_F(TokenFormat, refuses_deeply_nested_json) {
  auto deep = R"({"x":)" + std::string(2000, '[') + std::string(2000, ']') + "}";
  expect_refused(verify_signed(header, b64url(deep)), "payload nests deeper");
}

TEST_F(TokenFormat, refuses_a_claim_named_twice) {
  auto claims = standard_claims().dump();
  auto twice = claims.substr(0, claims.size() - 1) + R"(,"sub":"admin-1"})";
  expect_refused(verify_signed(header, b64url(twice)), "payload names a member twice");
}
