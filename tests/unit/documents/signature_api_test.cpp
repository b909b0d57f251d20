// Digital signatures over HTTP: the payload's exact bytes, signed with OpenSSL, verified with
// the member's key from delegations.
#include "api_fixture.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST_F(DocumentsApi, a_signatory_signs_the_exact_payload_bytes_with_ed25519) {
  auto id = signing_scheduled();
  h->clock.advance(std::chrono::minutes(30));
  std::string signed_at = "2026-11-28T13:25:00+03:00";  // 10:25Z, five minutes ago
  auto payload =
      h->get(path(id, "/signing-payload?member_id=" + kg_head + "&signed_at=" + "2026-11-28T13:25:00%2B03:00"),
             member_token(kg_head, kg));
  ASSERT_EQ(payload.status, 200) << payload.body;
  EXPECT_EQ(payload.headers.get("Content-Type").value_or(""), "application/octet-stream");
  auto j = json::parse(payload.body);
  EXPECT_EQ(j["signed_at"], "2026-11-28T10:25:00Z");
  EXPECT_EQ(j["document_id"], id);
  auto sig = crypto::base64_encode(kg_head_key.sign(payload.body));
  auto r = h->post(path(id, "/signatures"),
                   {{"member_id", kg_head}, {"method", "ed25519"}, {"signature", sig}, {"signed_at", signed_at}},
                   member_token(kg_head, kg));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["status"], "partially_signed");
  EXPECT_EQ(r.json["signatures"][0]["signature"], sig);
  EXPECT_EQ(r.json["signatures"][0]["signed_at"], "2026-11-28T10:25:00Z");
}

TEST_F(DocumentsApi, signatures_that_do_not_verify_are_refused) {
  auto id = signing_scheduled();
  auto other = signing_scheduled();
  h->clock.advance(std::chrono::minutes(5));
  std::string t = "2026-11-28T10:04:00Z";
  auto as_kg = member_token(kg_head, kg);
  auto body = [&](const std::string& sig) {
    return json{{"member_id", kg_head}, {"method", "ed25519"}, {"signature", sig}, {"signed_at", t}};
  };
  // Another key.
  Ed25519Key stranger;
  auto r = h->post(path(id, "/signatures"), body(sign_payload(id, kg_head, t, stranger)), as_kg);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["errors"][0]["pointer"], "/signature");
  // A signature made for another document.
  r = h->post(path(id, "/signatures"), body(sign_payload(other, kg_head, t, kg_head_key)), as_kg);
  EXPECT_EQ(r.status, 400);
  // The text altered after agreement: a payload naming other digests.
  auto altered = json::parse(h->get(path(id, "/signing-payload?member_id=" + kg_head + "&signed_at=" + t)).body);
  altered["agreed"]["ru"]["sha256"] = crypto::sha256_hex("Статья 1.\nСтороны НЕ сотрудничают.\n");
  r = h->post(path(id, "/signatures"), body(crypto::base64_encode(kg_head_key.sign(altered.dump()))), as_kg);
  EXPECT_EQ(r.status, 400);
  // Not base64.
  r = h->post(path(id, "/signatures"), body("%%%"), as_kg);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["errors"][0]["pointer"], "/signature");
  // A signatory signing for someone else, even with the other's valid signature.
  r = h->post(path(id, "/signatures"), body(sign_payload(id, kg_head, t, kg_head_key)), member_token(by_head, by));
  EXPECT_EQ(r.status, 403);
  // A signing time in the future.
  std::string future = "2026-11-28T11:00:00Z";
  r = h->post(path(id, "/signatures"),
              {{"member_id", kg_head},
               {"method", "ed25519"},
               {"signature", sign_payload(id, kg_head, future, kg_head_key)},
               {"signed_at", future}},
              as_kg);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["errors"][0]["pointer"], "/signed_at");
  // ed25519 without signature or signed_at.
  r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "ed25519"}}, as_kg);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["errors"].size(), 2u);
  EXPECT_EQ(h->get(path(id)).json["signatures"].size(), 0u);
  // And the genuine one passes.
  r = h->post(path(id, "/signatures"), body(sign_payload(id, kg_head, t, kg_head_key)), as_kg);
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(DocumentsApi, a_member_fetches_only_their_own_signing_payload) {
  auto id = signing_scheduled();
  std::string q = "/signing-payload?member_id=" + kg_head + "&signed_at=2026-11-28T10:00:00Z";
  EXPECT_EQ(h->get(path(id, q), member_token(by_head, by)).status, 403);
  EXPECT_EQ(h->get(path(id, q), member_token(kg_head, kg)).status, 200);
  auto bad = h->get(path(id, "/signing-payload?member_id=x"), "officer");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["errors"].size(), 2u);
  auto not_signatory =
      h->get(path(id, "/signing-payload?member_id=" + kg_minister + "&signed_at=2026-11-28T10:00:00Z"));
  EXPECT_EQ(not_signatory.status, 400);
  auto draft_doc = draft();
  EXPECT_EQ(h->get(path(draft_doc, q)).status, 409);
}

TEST_F(DocumentsApi, a_wet_ink_signature_is_recorded_by_an_officer_only) {
  auto id = signing_scheduled();
  auto r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "wet_ink"}}, member_token(kg_head, kg));
  EXPECT_EQ(r.status, 403);
  r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "wet_ink"}, {"signature", "AAAA"}});
  EXPECT_EQ(r.status, 400);
  r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "quill"}});
  EXPECT_EQ(r.status, 400);
  r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "wet_ink"}, {"place", "Bishkek"}});
  EXPECT_EQ(r.status, 201);
  r = h->post(path(id, "/signatures"), {{"member_id", kg_head}, {"method", "wet_ink"}});
  EXPECT_EQ(r.status, 409);
}

TEST_F(DocumentsApi, signatories_can_change_before_they_sign) {
  auto id = agreed();
  auto r = h->post(path(id, "/signatories"), {{"delegation_id", kg}, {"member_ids", {kg_minister}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["signatories"], json({{{"delegation_id", by}, {"member_id", by_head}},
                                         {{"delegation_id", kg}, {"member_id", kg_minister}}}));
  auto bad = h->post(path(id, "/signatories"), {{"delegation_id", kg}, {"member_ids", {by_head}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["errors"][0]["pointer"], "/member_ids/0");
}
