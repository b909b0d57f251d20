// The delegations state through a snapshot and back: after delegations, members with contacts
// and travel, a change of head, accreditation with a badge, a withdrawal, and a private event
// still waiting for its public one, decode(encode(state)) encodes to the same bytes and answers
// every read (members with their personal data, delegations, rosters) as the state it came from.
#include <gtest/gtest.h>

#include "concord/core/binary.hpp"
#include "delegations/domain/snapshot.hpp"
#include "domain_fixture.hpp"

namespace concord::delegations::testing {
namespace {

TEST_F(DelegationsDomainTest, a_snapshot_decodes_to_a_state_that_answers_every_read_the_same) {
  auto d = delegation("KG");
  auto host = delegation("BY", "host");
  auto body = member_body("Aibek", "minister");
  body["contact"] = {{"email", "a@mfa.kg"}, {"phone", "+996312620545"}};
  body["is_head"] = true;
  auto m = add_member(d, body);
  auto n = add_member(d, member_body("Bolot", "expert"));
  auto h = add_member(host, member_body("Ivan", "head_of_state"));
  must(parse_travel(n, {{"arrival", {{"time", "2025-09-28T10:00:00+03:00"}, {"flight", "KC 123"}}},
                        {"hotel", {{"name", "Hotel Minsk"}}}}),
       officer);
  must(parse_update_member(n, {{"is_head", true}}), officer);
  must(parse_accreditation(h, {{"action", "request"}}), officer);
  must(parse_accreditation(h, {{"action", "approve"}, {"badge_number", "A-001"}}), officer);
  must(parse_withdraw(m, {{"reason", "recalled"}}), officer);
  // A private event whose public event has not landed (yet): it waits in the state.
  Context context{clock.now(), officer, ids};
  auto waiting = decide(state, *parse_update_member(n, {{"contact", {{"email", "b@mfa.kg"}}}}), context);
  ASSERT_TRUE(waiting);
  const auto& priv = waiting->events.front();
  evolve(state, Recorded{priv.id, priv.type, clock.now(), "officer-1", priv.data});
  ASSERT_FALSE(state.pending.empty());

  auto bytes = encode_state(state);
  State decoded = decode_state(bytes);
  EXPECT_EQ(encode_state(decoded), bytes);
  for (const auto& id : {m, n, h})
    EXPECT_EQ(*read_member(decoded, officer, id), *read_member(state, officer, id)) << id;
  for (const auto& id : {d, host}) {
    EXPECT_EQ(*read_delegation(decoded, officer, id), *read_delegation(state, officer, id));
    EXPECT_EQ(roster_document(decoded, id), roster_document(state, id));
  }
  EXPECT_EQ(decoded.badges, state.badges);
  EXPECT_EQ(decoded.travel_of(n)->hotel->name, "Hotel Minsk");
  // The waiting private event is applied when its public event comes, on the decoded state too.
  const auto& pub = waiting->events.back();
  evolve(decoded, Recorded{pub.id, pub.type, clock.now(), "officer-1", pub.data});
  EXPECT_EQ(decoded.contact_of(n)->email, "b@mfa.kg");
}

TEST_F(DelegationsDomainTest, a_state_restored_from_a_snapshot_applies_a_private_event_read_after_its_public_one) {
  // The snapshot holds the public event; its private companion lies past the snapshot's position
  // in the private topic (a Kafka transaction becomes visible partition by partition), so the
  // restored replica reads it afterwards.
  auto d = delegation("KG");
  auto m = add_member(d, member_body("Aibek", "minister"));
  Context context{clock.now(), officer, ids};
  auto decision = decide(state, *parse_update_member(m, {{"contact", {{"email", "new@mfa.kg"}}}}), context);
  ASSERT_TRUE(decision);
  const auto& priv = decision->events.front();
  const auto& pub = decision->events.back();
  ASSERT_TRUE(priv.is_private);
  evolve(state, Recorded{pub.id, pub.type, clock.now(), "officer-1", pub.data});

  State restored = decode_state(encode_state(state));
  evolve(restored, Recorded{priv.id, priv.type, clock.now(), "officer-1", priv.data});
  ASSERT_TRUE(restored.contact_of(m));
  EXPECT_EQ(restored.contact_of(m)->email, "new@mfa.kg");
  EXPECT_TRUE(restored.pending.empty());
  EXPECT_EQ(restored.recent_public, state.recent_public);
}

TEST_F(DelegationsDomainTest, damaged_snapshot_bytes_are_refused_never_half_decoded) {
  auto d = delegation("KG");
  add_member(d, member_body("Aibek", "minister"));
  auto bytes = encode_state(state);
  EXPECT_THROW(decode_state(bytes.substr(0, bytes.size() - 3)), binary::Malformed);
  EXPECT_THROW(decode_state(bytes + "\x01"), binary::Malformed);
  EXPECT_THROW(decode_state(""), binary::Malformed);
}

}  // namespace
}  // namespace concord::delegations::testing
