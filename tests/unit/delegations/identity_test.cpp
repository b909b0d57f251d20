// People, not claims: officers link and unlink the identity a member signs in with, or invite
// the member to link it themself with a single-use, expiring code.
#include <gtest/gtest.h>

#include "delegations/contract/contract.hpp"
#include "delegations/domain/snapshot.hpp"
#include "domain_fixture.hpp"

using namespace concord;
using namespace concord::delegations;
using namespace concord::delegations::testing;

namespace {

const auth::Identity kAda{"https://idp.example", "ada"};
const auth::Identity kBob{"https://idp.example", "bob"};
const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

class IdentityTest : public DelegationsDomainTest {
 protected:
  void SetUp() override {
    kg = delegation("KG");
    by = delegation("BY", "host");
    aibek = add_member(kg, member_body("Aibek", "minister"));
    olga = add_member(by, member_body("Olga", "minister"));
  }
  static Actor delegation_officer(const std::string& country) {
    Actor a{"officer-" + country, false, false, std::nullopt};
    a.country = country;
    return a;
  }
  Actor stranger{"someone", false, false, std::nullopt};
  std::string kg, by, aibek, olga;
};

}  // namespace

TEST_F(IdentityTest, an_officer_links_an_identity_and_the_state_resolves_it) {
  auto d = run(LinkIdentity{aibek, kAda}, officer);
  ASSERT_TRUE(d) << d.error().detail;
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_TRUE(d->events[0].is_private);  // personal data: the private topic only
  EXPECT_EQ(d->events[0].type, "concord.delegations.member_identity.linked");
  EXPECT_EQ(d->events[0].data["identity"]["subject"], "ada");
  EXPECT_EQ(d->events[0].data["delegation_id"], kg);
  EXPECT_EQ(state.identities.member_of(kAda), aibek);
  auto view = read_identity(state, officer, aibek);
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)["via"], "officer");
  // Linking it again changes nothing.
  EXPECT_TRUE(run(LinkIdentity{aibek, kAda}, officer)->events.empty());
  // And a restart folds the same.
  EXPECT_EQ(replayed().identities.member_of(kAda), aibek);
}

TEST_F(IdentityTest, an_identity_links_to_at_most_one_member_across_delegations) {
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, officer));
  auto twice = run(LinkIdentity{olga, kAda}, officer);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_EQ(state.identities.member_of(kAda), aibek);
}

TEST_F(IdentityTest, a_new_identity_replaces_the_members_old_one) {
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, officer));
  auto d = run(LinkIdentity{aibek, kBob}, officer);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 2u);
  EXPECT_EQ(d->events[0].type, "concord.delegations.member_identity.unlinked");
  EXPECT_FALSE(state.identities.member_of(kAda));
  EXPECT_EQ(state.identities.member_of(kBob), aibek);
}

TEST_F(IdentityTest, only_officers_of_the_members_delegation_link_and_unlink) {
  auto other_country = run(LinkIdentity{aibek, kAda}, delegation_officer("BY"));
  ASSERT_FALSE(other_country);
  EXPECT_EQ(other_country.error().code, ErrorCode::forbidden);
  auto member = run(LinkIdentity{aibek, kAda}, DelegationsDomainTest::member(aibek));
  ASSERT_FALSE(member);
  EXPECT_EQ(member.error().code, ErrorCode::forbidden);
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, delegation_officer("KG")));
  EXPECT_EQ(run(UnlinkIdentity{aibek}, delegation_officer("BY")).error().code, ErrorCode::forbidden);
  auto unlinked = run(UnlinkIdentity{aibek}, delegation_officer("KG"));
  ASSERT_TRUE(unlinked);
  EXPECT_EQ(unlinked->events.at(0).type, "concord.delegations.member_identity.unlinked");
  EXPECT_FALSE(state.identities.member_of(kAda));
  EXPECT_EQ(read_identity(state, officer, aibek).error().code, ErrorCode::not_found);
  // Unlinking what is not linked is nothing to do.
  EXPECT_TRUE(run(UnlinkIdentity{aibek}, officer)->events.empty());
}

TEST_F(IdentityTest, identities_are_personal_the_member_reads_their_own) {
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, officer));
  EXPECT_TRUE(read_identity(state, DelegationsDomainTest::member(aibek), aibek));
  EXPECT_EQ(read_identity(state, DelegationsDomainTest::member(olga), aibek).error().code, ErrorCode::forbidden);
  EXPECT_EQ(read_identity(state, integrator, aibek).error().code, ErrorCode::forbidden);
  auto full = read_member(state, officer, aibek);
  EXPECT_EQ((*full)["identity"]["subject"], "ada");
  auto public_view = read_member(state, integrator, aibek);
  EXPECT_FALSE(public_view->contains("identity"));
}

TEST_F(IdentityTest, an_invitation_links_whoever_redeems_it_once) {
  auto created = run(CreateInvitation{aibek, kHashA, std::chrono::hours(48)}, delegation_officer("KG"));
  ASSERT_TRUE(created) << created.error().detail;
  EXPECT_TRUE(created->events.at(0).is_private);
  EXPECT_EQ(created->events.at(0).type, "concord.delegations.member_invitation.created");
  auto redeemed = run(RedeemInvitation{kHashA, kBob}, stranger);
  ASSERT_TRUE(redeemed) << redeemed.error().detail;
  EXPECT_EQ(redeemed->target_id, aibek);
  EXPECT_EQ(state.identities.member_of(kBob), aibek);
  EXPECT_EQ((*read_identity(state, officer, aibek))["via"], "invitation");
  auto again = run(RedeemInvitation{kHashA, kAda}, stranger);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().detail.find("already been used"), std::string::npos);
  // Used survives a restart.
  State fresh = replayed();
  EXPECT_TRUE(fresh.invitations.at(created->target_id).redeemed);
  EXPECT_EQ(fresh.identities.member_of(kBob), aibek);
}

TEST_F(IdentityTest, an_expired_or_unknown_invitation_is_refused) {
  ASSERT_TRUE(run(CreateInvitation{aibek, kHashA, std::chrono::hours(1)}, officer));
  clock.advance(std::chrono::hours(1));
  auto late = run(RedeemInvitation{kHashA, kBob}, stranger);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::gone);
  EXPECT_FALSE(state.identities.member_of(kBob));
  EXPECT_EQ(run(RedeemInvitation{kHashB, kBob}, stranger).error().code, ErrorCode::not_found);
}

TEST_F(IdentityTest, invitations_are_an_officers_to_make_within_bounds) {
  EXPECT_EQ(run(CreateInvitation{aibek, kHashA, std::chrono::hours(1)}, delegation_officer("BY")).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(
      run(CreateInvitation{aibek, kHashA, std::chrono::hours(1)}, DelegationsDomainTest::member(aibek)).error().code,
      ErrorCode::forbidden);
  EXPECT_EQ(run(CreateInvitation{aibek, kHashA, std::chrono::hours(24 * 31)}, officer).error().code,
            ErrorCode::validation_failed);
}

TEST_F(IdentityTest, redeeming_with_an_identity_linked_elsewhere_is_a_conflict) {
  ASSERT_TRUE(run(LinkIdentity{olga, kBob}, officer));
  ASSERT_TRUE(run(CreateInvitation{aibek, kHashA, std::chrono::hours(1)}, officer));
  auto r = run(RedeemInvitation{kHashA, kBob}, stranger);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_FALSE(state.invitations.begin()->second.redeemed);  // still usable with another identity
}

TEST_F(IdentityTest, a_withdrawn_member_is_neither_linked_nor_invited) {
  ASSERT_TRUE(run(WithdrawMember{aibek, std::nullopt}, officer));
  EXPECT_EQ(run(LinkIdentity{aibek, kAda}, officer).error().code, ErrorCode::conflict);
  EXPECT_EQ(run(CreateInvitation{aibek, kHashA, std::chrono::hours(1)}, officer).error().code, ErrorCode::conflict);
}

TEST_F(IdentityTest, links_invitations_and_identity_versions_survive_a_snapshot) {
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, officer));
  auto created = run(CreateInvitation{olga, kHashA, std::chrono::hours(48)}, delegation_officer("BY"));
  ASSERT_TRUE(created);
  ASSERT_TRUE(run(RedeemInvitation{kHashA, kBob}, stranger));
  ASSERT_TRUE(run(CreateInvitation{aibek, kHashB, std::chrono::hours(1)}, officer));
  ASSERT_TRUE(run(UnlinkIdentity{aibek}, officer));
  ASSERT_TRUE(run(LinkIdentity{aibek, kAda}, officer));

  auto bytes = encode_state(state);
  State decoded = decode_state(bytes);
  EXPECT_EQ(encode_state(decoded), bytes);
  EXPECT_EQ(decoded.identities.member_of(kAda), aibek);
  EXPECT_EQ(decoded.identities.member_of(kBob), olga);
  EXPECT_EQ(*read_identity(decoded, officer, olga), *read_identity(state, officer, olga));
  EXPECT_EQ(*read_identity(decoded, officer, aibek), *read_identity(state, officer, aibek));
  EXPECT_TRUE(decoded.invitations.at(created->target_id).redeemed);
  // The decoded state decides as the original: the used code is refused, the open one redeems.
  state = decoded;
  EXPECT_EQ(run(RedeemInvitation{kHashA, kAda}, stranger).error().code, ErrorCode::conflict);
  const auth::Identity carl{"https://idp.example", "carl"};
  ASSERT_TRUE(run(RedeemInvitation{kHashB, carl}, stranger));
  EXPECT_EQ(state.identities.member_of(carl), aibek);
  EXPECT_FALSE(state.identities.member_of(kAda));
}

TEST(IdentityContract, applies_only_the_link_and_unlink_types) {
  auth::IdentityLinks links;
  nlohmann::json link = {{"member_id", "m1"}, {"identity", {{"issuer", kAda.issuer}, {"subject", kAda.subject}}}};
  EXPECT_FALSE(contract::apply_identity(links, "concord.delegations.member_contact.set", link));
  EXPECT_EQ(links.size(), 0u);
  EXPECT_TRUE(contract::apply_identity(links, "concord.delegations.member_identity.linked", link));
  EXPECT_EQ(links.member_of(kAda), "m1");
  EXPECT_TRUE(contract::apply_identity(links, "concord.delegations.member_identity.unlinked", {{"member_id", "m1"}}));
  EXPECT_EQ(links.size(), 0u);
}
