// People, not claims: who a caller is as a member comes from the links in Concord's state.
#include <gtest/gtest.h>

#include <map>

#include "concord/auth/identity.hpp"

using namespace concord::auth;

namespace {

const Identity kAda{"https://idp.example", "ada"};
const Identity kBob{"https://idp.example", "bob"};

nlohmann::json link_data(const std::string& member, const Identity& i) {
  return {{"member_id", member}, {"delegation_id", "d"}, {"identity", {{"issuer", i.issuer}, {"subject", i.subject}}}};
}

Principal person(const Identity& i, std::vector<Role> roles) {
  Principal p;
  p.issuer = i.issuer;
  p.subject = i.subject;
  p.roles = std::move(roles);
  return p;
}

struct Directory {
  std::map<std::string, std::string> delegation_of_member{{"m1", "d-kg"}, {"m2", "d-by"}};
  DelegationOf lookup() const {
    return [this](const std::string& id) -> std::optional<std::string> {
      auto it = delegation_of_member.find(id);
      if (it == delegation_of_member.end()) return std::nullopt;
      return it->second;
    };
  }
};

}  // namespace

TEST(IdentityLinks, one_identity_is_one_member_and_one_member_one_identity) {
  IdentityLinks links;
  EXPECT_TRUE(links.apply_link(link_data("m1", kAda)));
  EXPECT_EQ(links.member_of(kAda), "m1");
  // The same identity linked to another member moves there.
  links.apply_link(link_data("m2", kAda));
  EXPECT_EQ(links.member_of(kAda), "m2");
  EXPECT_FALSE(links.identity_of("m1"));
  // A member given another identity drops the first.
  links.apply_link(link_data("m2", kBob));
  EXPECT_FALSE(links.member_of(kAda));
  EXPECT_EQ(links.member_of(kBob), "m2");
  EXPECT_TRUE(links.apply_unlink({{"member_id", "m2"}}));
  EXPECT_EQ(links.size(), 0u);
}

TEST(IdentityLinks, ignores_unreadable_data) {
  IdentityLinks links;
  EXPECT_FALSE(links.apply_link({{"member_id", "m1"}}));
  EXPECT_FALSE(links.apply_link({{"member_id", 7}, {"identity", {{"issuer", "i"}, {"subject", "s"}}}}));
  EXPECT_FALSE(links.apply_link(nlohmann::json::array()));
  EXPECT_EQ(links.size(), 0u);
}

TEST(ResolveMember, a_linked_identity_is_that_member_with_the_delegation_from_state) {
  IdentityLinks links;
  links.link(kAda, "m1");
  Directory dir;
  auto p = person(kAda, {Role::delegation_member});
  EXPECT_EQ(resolve_member(p, links, dir.lookup()), Resolution::linked);
  EXPECT_EQ(p.member_id, "m1");
  EXPECT_EQ(p.delegation_id, "d-kg");
  // A role the token did not carry is given by the link.
  auto plain = person(kAda, {Role::integrator});
  EXPECT_EQ(resolve_member(plain, links, dir.lookup()), Resolution::linked);
  EXPECT_TRUE(plain.has(Role::delegation_member));
  EXPECT_TRUE(plain.has(Role::integrator));
  // The same subject at another issuer is someone else.
  auto other = person({"https://other.example", "ada"}, {Role::integrator});
  EXPECT_EQ(resolve_member(other, links, dir.lookup()), Resolution::unchanged);
  EXPECT_FALSE(other.member_id);
}

TEST(ResolveMember, a_claimed_delegation_that_disagrees_with_state_is_replaced) {
  IdentityLinks links;
  Directory dir;
  auto p = person({"concord", "member:m1"}, {Role::delegation_member});
  p.member_id = "m1";
  p.delegation_id = "d-by";  // the token says another delegation
  EXPECT_EQ(resolve_member(p, links, dir.lookup()), Resolution::claimed);
  EXPECT_EQ(p.delegation_id, "d-kg");
  // A member the state does not know (yet) keeps what the signed token says.
  auto unknown = person({"concord", "member:m9"}, {Role::delegation_member});
  unknown.member_id = "m9";
  unknown.delegation_id = "d-x";
  EXPECT_EQ(resolve_member(unknown, links, dir.lookup()), Resolution::claimed);
  EXPECT_EQ(unknown.delegation_id, "d-x");
}

TEST(ResolveMember, a_link_wins_over_a_member_claim) {
  IdentityLinks links;
  links.link(kAda, "m2");
  Directory dir;
  auto p = person(kAda, {Role::delegation_member});
  p.member_id = "m1";
  p.delegation_id = "d-kg";
  EXPECT_EQ(resolve_member(p, links, dir.lookup()), Resolution::linked);
  EXPECT_EQ(p.member_id, "m2");
  EXPECT_EQ(p.delegation_id, "d-by");
}

TEST(ResolveMember, a_member_role_without_a_member_is_dropped) {
  IdentityLinks links;
  Directory dir;
  auto p = person(kBob, {Role::delegation_member});
  EXPECT_EQ(resolve_member(p, links, dir.lookup()), Resolution::unlinked);
  EXPECT_TRUE(p.roles.empty());
  EXPECT_FALSE(p.member_id);
  auto officer = person(kBob, {Role::delegation_member, Role::integrator});
  EXPECT_EQ(resolve_member(officer, links, dir.lookup()), Resolution::unlinked);
  EXPECT_EQ(officer.roles, std::vector<Role>{Role::integrator});
  // A link to a member the state does not know is no member either.
  links.link(kBob, "m-gone");
  auto gone = person(kBob, {Role::delegation_member});
  EXPECT_EQ(resolve_member(gone, links, dir.lookup()), Resolution::unlinked);
}
