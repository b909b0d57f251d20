// Digital signatures: Ed25519 over the canonical signing payload, verified with the key the
// member registered in delegations.
#include <gtest/gtest.h>

#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

namespace {

RecordSignature digital(const std::string& member, const std::string& signature, Timestamp signed_at) {
  return RecordSignature{member, "ed25519", signature, signed_at, "Bishkek"};
}

}  // namespace

TEST(DigitalSignature, a_valid_signature_over_the_payload_is_recorded) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  w.now += std::chrono::hours(1);
  auto signed_at = w.now - std::chrono::minutes(5);
  auto sig = w.signature(w.kg_head_key, id, w.kg_head, signed_at);
  auto r = w.step(id, digital(w.kg_head, sig, signed_at), w.as_member(w.kg_head, w.kg));
  ASSERT_TRUE(r) << r.error().detail;
  const auto* s = w.doc(id).signature_of(w.kg_head);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->method, "ed25519");
  EXPECT_EQ(s->signature, sig);
  EXPECT_EQ(s->signed_at, signed_at);
  EXPECT_EQ(w.doc(id).status, DocStatus::partially_signed);
}

TEST(DigitalSignature, the_payload_is_canonical_json_of_document_agreed_digests_signatory_and_time) {
  World w;
  auto id = w.reach(DocStatus::agreed);
  auto payload = signing_payload(w.doc(id), w.kg_head, at("2026-11-28T12:00:00+03:00"));
  ASSERT_TRUE(payload);
  auto j = nlohmann::json::parse(*payload);
  EXPECT_EQ(j.dump(), *payload);  // sorted keys, no whitespace
  EXPECT_EQ(j["document_id"], id);
  EXPECT_EQ(j["member_id"], w.kg_head);
  EXPECT_EQ(j["delegation_id"], w.kg);
  EXPECT_EQ(j["signed_at"], "2026-11-28T09:00:00Z");
  EXPECT_EQ(j["agreed"]["ru"]["sha256"], w.doc(id).agreed.at("ru").sha256);
  EXPECT_EQ(j["purpose"], "concord.documents.signature.v1");
}

TEST(DigitalSignature, a_signature_made_with_another_key_is_refused) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  Ed25519Key stranger;
  auto sig = w.signature(stranger, id, w.kg_head, w.now);
  auto r = w.step(id, digital(w.kg_head, sig, w.now), w.as_member(w.kg_head, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/signature");
  EXPECT_EQ(w.doc(id).signatures.size(), 0u);
}

TEST(DigitalSignature, a_signature_over_text_altered_after_agreement_is_refused) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  // The signatory's copy says something else than the agreed text: the payload they sign names
  // the digest of their text, not the agreed one.
  Document altered = w.doc(id);
  altered.agreed["ru"].sha256 = crypto::sha256_hex("Статья 1.\nСтороны НЕ сотрудничают.\n");
  auto payload = signing_payload(altered, w.kg_head, w.now);
  auto sig = crypto::base64_encode(w.kg_head_key.sign(*payload));
  auto r = w.step(id, digital(w.kg_head, sig, w.now), w.as_member(w.kg_head, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/signature");
}

TEST(DigitalSignature, a_signature_made_for_another_document_cannot_be_replayed) {
  World w;
  auto first = w.reach(DocStatus::signing_scheduled);
  auto second = w.reach(DocStatus::signing_scheduled);
  w.now += std::chrono::hours(1);
  auto sig = w.signature(w.kg_head_key, first, w.kg_head, w.now);
  ASSERT_TRUE(w.step(first, digital(w.kg_head, sig, w.now), w.as_member(w.kg_head, w.kg)));
  auto r = w.step(second, digital(w.kg_head, sig, w.now), w.as_member(w.kg_head, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errors.at(0).pointer, "/signature");
  // Nor at another signing time than the one signed.
  auto moved = w.step(
      first, digital(w.by_head, w.signature(w.by_head_key, first, w.by_head, w.now), w.now - std::chrono::seconds(1)),
      w.as_member(w.by_head, w.by));
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().errors.at(0).pointer, "/signature");
}

TEST(DigitalSignature, a_signatory_cannot_sign_for_someone_else) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  // by_head signs, with their own key, as kg_head.
  auto sig = w.signature(w.by_head_key, id, w.kg_head, w.now);
  auto r = w.step(id, digital(w.kg_head, sig, w.now), w.as_member(w.by_head, w.by));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  // Nor may an officer submit a digital signature on a member's behalf.
  r = w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, w.now), w.now));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
}

TEST(DigitalSignature, only_designated_signatories_sign) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  auto r = w.step(id, digital(w.kg_minister, "AAAA", w.now), w.as_member(w.kg_minister, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  auto wet = w.step(id, RecordSignature{w.kg_minister, "wet_ink", "", w.now, ""});
  ASSERT_FALSE(wet);
  EXPECT_EQ(wet.error().errors.at(0).pointer, "/member_id");
}

TEST(DigitalSignature, a_wet_ink_signature_is_recorded_only_by_an_officer) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  auto r = w.step(id, RecordSignature{w.kg_head, "wet_ink", "", w.now, ""}, w.as_member(w.kg_head, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
}

TEST(DigitalSignature, a_signing_time_in_the_future_or_far_in_the_past_is_refused) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  auto member = w.as_member(w.kg_head, w.kg);
  for (auto t : {w.now + std::chrono::minutes(10), w.now - std::chrono::hours(25)}) {
    auto r = w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, t), t), member);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errors.at(0).pointer, "/signed_at");
  }
  // Nor before the text was agreed.
  auto early = w.now - std::chrono::seconds(1);
  auto r = w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, early), early), member);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().errors.at(0).message.find("agreed"), std::string::npos);
  // A few seconds of clock skew are fine.
  auto t = w.now + std::chrono::seconds(30);
  EXPECT_TRUE(w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, t), t), member));
}

TEST(DigitalSignature, signing_twice_is_a_conflict) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  w.ok(id, RecordSignature{w.kg_head, "wet_ink", "", w.now, ""});
  auto r = w.step(id, RecordSignature{w.kg_head, "wet_ink", "", w.now, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
}

TEST(DigitalSignature, a_member_without_a_registered_key_cannot_sign_digitally) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  apply_delegations_event(w.state, "concord.delegations.member.updated",
                          {{"member",
                            {{"id", w.kg_head},
                             {"delegation_id", w.kg},
                             {"visit_id", w.visit},
                             {"status", "active"},
                             {"public_key", nullptr},
                             {"version", 2}}}});
  auto r = w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, w.now), w.now),
                  w.as_member(w.kg_head, w.kg));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
}

TEST(DigitalSignature, a_key_change_in_delegations_is_what_verifies) {
  World w;
  auto id = w.reach(DocStatus::signing_scheduled);
  Ed25519Key rotated;
  w.member(w.kg_head, w.kg, rotated, 2);
  // An older snapshot arriving late does not undo the rotation.
  w.member(w.kg_head, w.kg, w.kg_head_key, 1);
  auto old = w.step(id, digital(w.kg_head, w.signature(w.kg_head_key, id, w.kg_head, w.now), w.now),
                    w.as_member(w.kg_head, w.kg));
  EXPECT_FALSE(old);
  EXPECT_TRUE(
      w.step(id, digital(w.kg_head, w.signature(rotated, id, w.kg_head, w.now), w.now), w.as_member(w.kg_head, w.kg)));
}

TEST(Base64, round_trips_and_refuses_what_is_not_standard_base64) {
  for (const std::string& s :
       std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(crypto::base64_decode(crypto::base64_encode(s)), s);
  EXPECT_FALSE(crypto::base64_decode("Zm9v YmFy"));
  EXPECT_FALSE(crypto::base64_decode("Zm9=YmFy"));
  EXPECT_FALSE(crypto::base64_decode("Zg"));
  EXPECT_FALSE(crypto::base64_decode("-_8="));
}
