#pragma once
// Two delegations of one visit, their members with Ed25519 keys, a signing ceremony, and
// helpers driving a document through the workflow over HTTP.
#include "api_harness.hpp"

namespace concord::documents::testing {

using http::Method;
using nlohmann::json;

class DocumentsApi : public ::testing::Test {
 protected:
  void SetUp() override {
    h = std::make_unique<Harness>(dir_.path());
    h->start();
    h->delegation(kg, visit);
    h->delegation(by, visit);
    h->member(kg_head, kg, visit, kg_head_key);
    h->member(kg_minister, kg, visit, kg_minister_key);
    h->member(by_head, by, visit, by_head_key);
    h->meeting("concord.scheduling.meeting.scheduled", meeting, visit, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z",
               "scheduled", 1);
    // The views follow the topics in the background: wait until they have the last of it.
    ASSERT_TRUE(h->eventually([&] {
      auto r = h->post("/v1/documents", document_body());
      if (r.status != 201) return false;
      warmup_ = r.json["id"];
      return true;
    }));
  }
  void TearDown() override { h.reset(); }

  json document_body() const {
    return {{"title", {{"en", "Agreement on cultural cooperation"}, {"ru", "Соглашение о культурном сотрудничестве"}}},
            {"kind", "agreement"},
            {"visit_id", visit},
            {"parties", {kg, by}},
            {"signatories",
             {{{"delegation_id", kg}, {"member_id", kg_head}}, {{"delegation_id", by}, {"member_id", by_head}}}},
            {"languages", {"ru", "ky"}}};
  }
  std::string member_token(const std::string& member, const std::string& delegation) const {
    return "member:" + member + ":" + delegation;
  }
  std::string path(const std::string& id, const std::string& rest = {}) const { return "/v1/documents/" + id + rest; }

  std::string create() {
    auto r = h->post("/v1/documents", document_body());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json["id"];
  }
  std::string draft() {
    auto id = create();
    EXPECT_EQ(
        h->post(path(id, "/versions"), {{"language", "ru"}, {"content", "Статья 1.\nСтороны сотрудничают.\n"}}).status,
        201);
    EXPECT_EQ(
        h->post(path(id, "/versions"), {{"language", "ky"}, {"content", "1-берене.\nТараптар кызматташат.\n"}}).status,
        201);
    return id;
  }
  std::string agreed() {
    auto id = draft();
    EXPECT_EQ(h->post(path(id, "/submit"), json::object()).status, 200);
    EXPECT_EQ(h->post(path(id, "/approvals"), {{"delegation_id", kg}, {"decision", "approve"}}).status, 200);
    EXPECT_EQ(h->post(path(id, "/approvals"), {{"delegation_id", by}, {"decision", "approve"}}).status, 200);
    auto r = h->post(path(id, "/agree"), json::object());
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }
  std::string signing_scheduled() {
    auto id = agreed();
    // The ceremony reaches the view in the background: until it has, the meeting is unknown (400).
    Reply r;
    EXPECT_TRUE(h->eventually([&] {
      r = h->post(path(id, "/signing"), {{"meeting_id", meeting}});
      return r.status != 400;
    }));
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }
  std::string signed_document() {
    auto id = signing_scheduled();
    for (const auto& m : {kg_head, by_head}) {
      auto r = h->post(path(id, "/signatures"), {{"member_id", m}, {"method", "wet_ink"}, {"place", "Bishkek"}});
      EXPECT_EQ(r.status, 201) << r.body;
    }
    return id;
  }
  // Fetches the payload over HTTP and signs it with `key`.
  std::string sign_payload(const std::string& id, const std::string& member, const std::string& signed_at,
                           const Ed25519Key& key) {
    auto r = h->get(path(id, "/signing-payload?member_id=" + member + "&signed_at=" + signed_at), "officer");
    EXPECT_EQ(r.status, 200) << r.body;
    return crypto::base64_encode(key.sign(r.body));
  }

  TempDirectory dir_;
  std::unique_ptr<Harness> h;
  const std::string visit = "0190a000-0000-7000-8000-0000000000a0";
  const std::string kg = "0190a000-0000-7000-8000-0000000000b1";
  const std::string by = "0190a000-0000-7000-8000-0000000000b2";
  const std::string kg_head = "0190a000-0000-7000-8000-0000000000c1";
  const std::string kg_minister = "0190a000-0000-7000-8000-0000000000c2";
  const std::string by_head = "0190a000-0000-7000-8000-0000000000c3";
  const std::string meeting = "0190a000-0000-7000-8000-0000000000d1";
  Ed25519Key kg_head_key, kg_minister_key, by_head_key;
  std::string warmup_;
};

}  // namespace concord::documents::testing
