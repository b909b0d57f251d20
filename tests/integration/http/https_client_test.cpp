// The one HTTPS client (libs/http): against a real TLS server on loopback with a CA made by the
// test — verified chain and host name, SNI, a private CA file, no redirects followed, and the
// address guard applied to the address actually connected to.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "concord/http/client.hpp"
#include "tls_peer.hpp"

using namespace concord;
using namespace std::chrono_literals;

namespace {

using concord::testing::TestPki;
using concord::testing::TlsReceiver;

nlohmann::json seen(const http::ClientResponse& r) {
  return nlohmann::json::parse(r.body);
}

class HttpsClient : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() { delete pki_; }
  void SetUp() override { ASSERT_TRUE(pki_->ok()) << "openssl could not make the test CA"; }
  http::ClientRequest post(const std::string& url) {
    http::ClientRequest r{.method = http::Method::post, .url = url, .body = R"({"hello":"Minsk"})"};
    r.timeout = 5s;
    return r;
  }
  static TestPki* pki_;
};
TestPki* HttpsClient::pki_ = nullptr;

}  // namespace

TEST_F(HttpsClient, a_server_whose_chain_and_name_verify_is_reached_with_sni) {
  TlsReceiver receiver(*pki_, "good");
  ASSERT_GT(receiver.port(), 0);
  auto req = post("https://localhost:" + std::to_string(receiver.port()) + "/hooks/concord?x=1");
  req.ca_file = pki_->ca();
  auto r = http::fetch(req);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(seen(*r)["path"], "/hooks/concord?x=1");
  EXPECT_EQ(seen(*r)["body"], R"({"hello":"Minsk"})");
  EXPECT_EQ(seen(*r)["sni"], "localhost");
  // Host names the port, which is not https's default (RFC 9110 §7.2).
  EXPECT_EQ(seen(*r)["headers"]["host"], "localhost:" + std::to_string(receiver.port()));
  // By IP address too: the certificate names 127.0.0.1 (and no SNI is sent for an address).
  req.url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/";
  r = http::fetch(req);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_TRUE(seen(*r)["sni"].is_null());
}

TEST_F(HttpsClient, a_chain_from_a_ca_not_trusted_fails_with_the_reason) {
  TlsReceiver receiver(*pki_, "good");
  auto r = http::fetch(post("https://localhost:" + std::to_string(receiver.port()) + "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().detail.find("unable to get local issuer certificate"), std::string::npos) << r.error().detail;
}

TEST_F(HttpsClient, a_certificate_for_another_host_fails_with_the_reason) {
  TlsReceiver receiver(*pki_, "other");
  auto req = post("https://localhost:" + std::to_string(receiver.port()) + "/");
  req.ca_file = pki_->ca();
  auto r = http::fetch(req);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("mismatch"), std::string::npos) << r.error().detail;
  req.url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/";
  r = http::fetch(req);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("IP address mismatch"), std::string::npos) << r.error().detail;
}

TEST_F(HttpsClient, a_redirect_is_returned_not_followed) {
  TlsReceiver receiver(*pki_, "good", /*redirect=*/true);
  auto req = post("https://localhost:" + std::to_string(receiver.port()) + "/");
  req.ca_file = pki_->ca();
  auto r = http::fetch(req);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->headers.get("Location").value_or(""), "https://127.0.0.1:1/elsewhere");
}

TEST_F(HttpsClient, the_address_guard_sees_the_resolved_address_and_nothing_is_sent_when_it_refuses) {
  TlsReceiver receiver(*pki_, "good");
  auto req = post("https://localhost:" + std::to_string(receiver.port()) + "/");
  req.ca_file = pki_->ca();
  std::vector<std::string> offered;
  req.allow_address = [&](const std::string& address) {
    offered.push_back(address);
    return false;
  };
  auto r = http::fetch(req);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("refused to connect"), std::string::npos) << r.error().detail;
  ASSERT_FALSE(offered.empty());
  EXPECT_TRUE(std::find(offered.begin(), offered.end(), "127.0.0.1") != offered.end() ||
              std::find(offered.begin(), offered.end(), "::1") != offered.end());
}

TEST_F(HttpsClient, urls_it_cannot_use_are_validation_errors) {
  for (const char* url : {"ftp://example.org/", "https://user:pw@localhost/", "not a url", "https:///path"}) {
    auto r = http::fetch({.url = url});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().code, ErrorCode::validation_failed) << url;
  }
}
