// The webhook receiver example verifies what Concord's deliverer signs, and its request reader
// refuses what it should. The example shares no code with Concord: it is checked against
// Concord's own signer.
#include <gtest/gtest.h>

#include <string>

#include "http_request.hpp"
#include "notifications/runtime/webhook_signing.hpp"
#include "standard_webhooks.hpp"

namespace {

using concord_example::Delivery;
using concord_example::Parsed;
using concord_example::Verdict;

constexpr long long kNow = 1767225600;
const std::string kServiceKey = "a-service-key-of-at-least-thirty-two-characters";
const std::string kBody =
    R"({"specversion":"1.0","id":"e-1","type":"concord.scheduling.meeting.scheduled","data":{"title":"Переговоры"}})";

std::string signature(int generation, const std::string& id = "msg-1", long long ts = kNow,
                      const std::string& body = kBody) {
  return concord::notifications::webhook_signature(
      concord::notifications::webhook_secret(kServiceKey, "wh-1", generation), id, ts, body);
}
std::string secret(int generation) {
  return concord::notifications::webhook_secret(kServiceKey, "wh-1", generation);
}

TEST(WebhookReceiverExample, VerifiesWhatConcordSigns) {
  std::string sig = signature(0);
  std::string ts = std::to_string(kNow);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, sig, kBody}, kNow), Verdict::verified);
}

TEST(WebhookReceiverExample, DuringRotationEitherSecretVerifies) {
  std::string both = signature(0) + " " + signature(1);
  std::string ts = std::to_string(kNow);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, both, kBody}, kNow), Verdict::verified);
  EXPECT_EQ(concord_example::verify({secret(1)}, Delivery{"msg-1", ts, both, kBody}, kNow), Verdict::verified);
  EXPECT_EQ(concord_example::verify({secret(2)}, Delivery{"msg-1", ts, both, kBody}, kNow),
            Verdict::signature_mismatch);
  // The receiver rotating on its side holds both secrets.
  EXPECT_EQ(concord_example::verify({secret(2), secret(1)}, Delivery{"msg-1", ts, signature(1), kBody}, kNow),
            Verdict::verified);
}

TEST(WebhookReceiverExample, AnyChangeBreaksTheSignature) {
  std::string sig = signature(0);
  std::string ts = std::to_string(kNow);
  std::string body = kBody;
  body[body.size() - 3] = 'X';
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, sig, body}, kNow), Verdict::signature_mismatch);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-2", ts, sig, kBody}, kNow), Verdict::signature_mismatch);
  std::string later = std::to_string(kNow + 1);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", later, sig, kBody}, kNow),
            Verdict::signature_mismatch);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, "v1a," + sig.substr(3), kBody}, kNow),
            Verdict::signature_mismatch);
}

TEST(WebhookReceiverExample, StaleTimestampsAreReplays) {
  for (long long skew : {301LL, -301LL}) {
    std::string ts = std::to_string(kNow + skew);
    EXPECT_EQ(
        concord_example::verify({secret(0)}, Delivery{"msg-1", ts, signature(0, "msg-1", kNow + skew), kBody}, kNow),
        Verdict::stale_timestamp);
  }
  std::string edge = std::to_string(kNow - 300);
  EXPECT_EQ(
      concord_example::verify({secret(0)}, Delivery{"msg-1", edge, signature(0, "msg-1", kNow - 300), kBody}, kNow),
      Verdict::verified);
}

TEST(WebhookReceiverExample, MalformedDeliveriesAndSecrets) {
  std::string sig = signature(0);
  std::string ts = std::to_string(kNow);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"", ts, sig, kBody}, kNow), Verdict::missing_headers);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", "", sig, kBody}, kNow), Verdict::missing_headers);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, "", kBody}, kNow), Verdict::missing_headers);
  for (const char* bad : {"12a", "-5", "1e9", " 1767225600", "99999999999999999999999"})
    EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", bad, sig, kBody}, kNow), Verdict::bad_timestamp)
        << bad;
  EXPECT_EQ(concord_example::verify({"abc", "whsec_!!!!", "whsec_"}, Delivery{"msg-1", ts, sig, kBody}, kNow),
            Verdict::no_valid_secret);
  EXPECT_EQ(concord_example::verify({secret(0)}, Delivery{"msg-1", ts, "v1, v1,,,  ", kBody}, kNow),
            Verdict::signature_mismatch);
}

std::string request(const std::string& extra_headers, const std::string& body) {
  return "POST /hooks HTTP/1.1\r\nHost: erp\r\nWebhook-Id: msg-1\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(WebhookReceiverExampleHttp, ReadsARequestAndWaitsForTheRest) {
  std::string whole = request("", kBody);
  auto parsed = concord_example::parse_request(whole);
  ASSERT_EQ(parsed.state, Parsed::State::complete) << parsed.reason;
  EXPECT_EQ(parsed.request.method, "POST");
  EXPECT_EQ(parsed.request.target, "/hooks");
  EXPECT_EQ(parsed.request.header("webhook-id"), "msg-1");  // names in lower case
  EXPECT_EQ(parsed.request.body, kBody);
  EXPECT_EQ(parsed.consumed, whole.size());
  for (size_t cut : {size_t{10}, whole.find("\r\n\r\n") + 2, whole.size() - 1})
    EXPECT_EQ(concord_example::parse_request(whole.substr(0, cut)).state, Parsed::State::incomplete) << cut;
  auto pipelined = concord_example::parse_request(whole + "GET / HTTP/1.1\r\n\r\n");
  ASSERT_EQ(pipelined.state, Parsed::State::complete);
  EXPECT_EQ(pipelined.consumed, whole.size());
}

TEST(WebhookReceiverExampleHttp, RefusesWhatItDoesNotNeed) {
  auto status = [](const std::string& input) {
    auto p = concord_example::parse_request(input);
    return p.state == Parsed::State::refused ? p.status : 0;
  };
  EXPECT_EQ(status(request("Transfer-Encoding: chunked\r\n", "{}")), 501);
  EXPECT_EQ(status(request("Content-Length: 5\r\n", "{}")), 400);  // conflicting lengths
  EXPECT_EQ(status(request("Content-Length: 2\r\n", "{}")), 0);    // the same length twice is fine
  EXPECT_EQ(status(request("X-A: 1\r\n folded\r\n", "{}")), 400);
  EXPECT_EQ(status(request("X-A: a\x01z\r\n", "{}")), 400);
  EXPECT_EQ(status(request("Bad Name: 1\r\n", "{}")), 400);
  EXPECT_EQ(status("POST /x HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(status("POST x HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status("POST\r\n\r\n"), 400);
  EXPECT_EQ(status("POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
  concord_example::Limits small{.max_head_bytes = 64, .max_headers = 2, .max_body_bytes = 4};
  EXPECT_EQ(concord_example::parse_request(std::string(100, 'a'), small).status, 431);  // no end of head in sight
  EXPECT_EQ(concord_example::parse_request("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n", small).status, 413);
  EXPECT_EQ(concord_example::parse_request("POST /x HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small).status, 431);
}

}  // namespace
