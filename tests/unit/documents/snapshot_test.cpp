// The documents state through a snapshot and back: documents at every status up to partially
// signed (versions with their contents, approvals, a ceremony, a signature, the audit trail) and
// the views of delegations, members and meetings; decode(encode(state)) encodes to the same bytes
// and the decoded state takes the next step (the second signature) exactly as the original does.
#include <gtest/gtest.h>

#include "concord/core/binary.hpp"
#include "documents/domain/snapshot.hpp"
#include "world.hpp"

using namespace concord;
using namespace concord::documents;
using namespace concord::documents::testing;

TEST(DocumentsSnapshot, a_decoded_state_encodes_to_the_same_bytes_and_takes_the_same_next_step) {
  World w;
  auto draft = w.reach(DocStatus::draft);
  auto agreed = w.reach(DocStatus::agreed);
  auto id = w.reach(DocStatus::signing_scheduled);
  w.now += std::chrono::hours(1);
  auto signed_at = w.now - std::chrono::minutes(5);
  auto first = w.signature(w.kg_head_key, id, w.kg_head, signed_at);
  ASSERT_TRUE(
      w.step(id, RecordSignature{w.kg_head, "ed25519", first, signed_at, "Bishkek"}, w.as_member(w.kg_head, w.kg)));
  ASSERT_EQ(w.doc(id).status, DocStatus::partially_signed);

  auto bytes = encode_state(w.state);
  State decoded = decode_state(bytes);
  EXPECT_EQ(encode_state(decoded), bytes);
  for (const auto& doc : {draft, agreed, id}) {
    ASSERT_NE(decoded.find(doc), nullptr);
    EXPECT_EQ(decoded.find(doc)->status, w.state.find(doc)->status);
    EXPECT_EQ(decoded.find(doc)->audit.size(), w.state.find(doc)->audit.size());
    ASSERT_EQ(decoded.find(doc)->versions.size(), w.state.find(doc)->versions.size());
    for (size_t i = 0; i < decoded.find(doc)->versions.size(); ++i)
      EXPECT_EQ(*decoded.find(doc)->versions[i].content, *w.state.find(doc)->versions[i].content);
    EXPECT_EQ(decoded.find(doc)->versions_by_language, w.state.find(doc)->versions_by_language);
  }
  EXPECT_EQ(decoded.by_status, w.state.by_status);
  // The indexes a snapshot does not carry are rebuilt as evolve kept them.
  EXPECT_EQ(decoded.by_visit_status, w.state.by_visit_status);
  EXPECT_EQ(decoded.by_party, w.state.by_party);
  EXPECT_FALSE(decoded.by_party.empty());

  // The second signature, on both: the same events, the same resulting state.
  auto second = w.signature(w.by_head_key, id, w.by_head, signed_at);
  RecordSignature sign{w.by_head, "ed25519", second, signed_at, "Minsk"};
  ASSERT_TRUE(w.step(id, sign, w.as_member(w.by_head, w.by)));
  State after_original = w.state;
  w.state = decoded;
  ASSERT_TRUE(w.step(id, sign, w.as_member(w.by_head, w.by)));
  EXPECT_EQ(w.state.find(id)->status, DocStatus::signed_);
  EXPECT_EQ(encode_state(w.state).size(), encode_state(after_original).size());
}

TEST(DocumentsSnapshot, damaged_snapshot_bytes_are_refused_never_half_decoded) {
  World w;
  w.reach(DocStatus::agreed);
  auto bytes = encode_state(w.state);
  EXPECT_THROW(decode_state(bytes.substr(0, bytes.size() - 1)), binary::Malformed);
  EXPECT_THROW(decode_state(bytes + "?"), binary::Malformed);
  EXPECT_THROW(decode_state(""), binary::Malformed);
}
