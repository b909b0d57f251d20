#include <gtest/gtest.h>

#include "concord/auth/principal.hpp"

using namespace concord::auth;

TEST(Roles, parses_every_role_and_prints_it_back) {
  for (auto role :
       {Role::host_officer, Role::delegation_officer, Role::delegation_member, Role::integrator, Role::admin}) {
    auto parsed = parse_role(to_string(role));
    ASSERT_TRUE(parsed) << to_string(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(to_string(Role::delegation_member), "delegation_member");
}

TEST(Roles, protocol_officer_is_the_development_alias_of_host_officer) {
  EXPECT_EQ(parse_role("protocol_officer"), Role::host_officer);
  EXPECT_EQ(Role::protocol_officer, Role::host_officer);
  EXPECT_EQ(to_string(Role::protocol_officer), "host_officer");
  EXPECT_EQ(to_string(Role::delegation_officer), "delegation_officer");
}

TEST(Roles, refuses_unknown_and_differently_cased_names) {
  EXPECT_FALSE(parse_role("superuser"));
  EXPECT_FALSE(parse_role("Admin"));
  EXPECT_FALSE(parse_role(""));
  EXPECT_FALSE(parse_role("admin "));
}

TEST(Principal, has_and_has_any_look_at_the_principals_roles) {
  Principal p{.subject = "s", .roles = {Role::integrator, Role::admin}};
  EXPECT_TRUE(p.has(Role::admin));
  EXPECT_FALSE(p.has(Role::protocol_officer));
  EXPECT_TRUE(p.has_any({Role::protocol_officer, Role::admin}));
  EXPECT_FALSE(p.has_any({Role::protocol_officer, Role::delegation_member}));
  EXPECT_FALSE(p.has_any({}));
}
