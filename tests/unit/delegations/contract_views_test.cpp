// The views other services keep of delegations (contract/views.hpp): read from the snapshots the
// events carry, upserted by version, and kept in snapshots with one binary layout.
#include <gtest/gtest.h>

#include <map>
#include <unordered_map>

#include "delegations/contract/views.hpp"

namespace concord::delegations::contract {
namespace {

nlohmann::json member_snapshot(long long version) {
  return {{"id", "m1"},
          {"delegation_id", "d1"},
          {"visit_id", "v1"},
          {"full_name", {{"en", "Aida"}, {"ru", "Аида"}}},
          {"position", {{"en", "Minister"}}},
          {"rank", "minister"},
          {"precedence_order", 3},
          {"is_head", true},
          {"languages", {"ky", "ru"}},
          {"time_zone", "Asia/Bishkek"},
          {"notification_language", "ru"},
          {"public_key", "AAAA"},
          {"status", "active"},
          {"version", version}};
}

TEST(DelegationsContractViews, a_member_snapshot_reads_into_its_view) {
  auto m = member_view(member_snapshot(4));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->delegation_id, "d1");
  EXPECT_EQ(m->full_name.at("ru"), "Аида");
  EXPECT_EQ(m->precedence_order, 3);
  EXPECT_TRUE(m->is_head);
  EXPECT_EQ(m->languages, (std::vector<std::string>{"ky", "ru"}));
  EXPECT_EQ(m->public_key, "AAAA");
  EXPECT_EQ(m->version, 4);
}

TEST(DelegationsContractViews, a_snapshot_without_what_identifies_it_is_not_read) {
  auto no_visit = member_snapshot(1);
  no_visit.erase("visit_id");
  EXPECT_FALSE(member_view(no_visit));
  EXPECT_FALSE(member_view(nlohmann::json::array()));
  EXPECT_FALSE(delegation_view({{"id", "d1"}}));
}

TEST(DelegationsContractViews, optional_fields_that_are_null_or_mistyped_read_as_empty) {
  auto odd = member_snapshot(1);
  odd["public_key"] = nullptr;
  odd["precedence_order"] = nullptr;
  odd["languages"] = "ky";
  odd["full_name"]["be"] = 7;
  auto m = member_view(odd);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->public_key, "");
  EXPECT_FALSE(m->precedence_order);
  EXPECT_TRUE(m->languages.empty());
  EXPECT_FALSE(m->full_name.contains("be"));
}

TEST(DelegationsContractViews, an_older_snapshot_never_replaces_a_newer_one) {
  std::map<std::string, DelegationView> delegations;
  std::unordered_map<std::string, MemberView> members;
  EXPECT_TRUE(
      apply_public(delegations, members, std::string(kMemberPrefix) + "updated", {{"member", member_snapshot(5)}}));
  auto older = member_snapshot(4);
  older["time_zone"] = "Europe/Minsk";
  EXPECT_FALSE(apply_public(delegations, members, std::string(kAccreditationPrefix) + "approved", {{"member", older}}));
  EXPECT_EQ(members.at("m1").time_zone, "Asia/Bishkek");
  EXPECT_FALSE(apply_public(delegations, members, std::string(kContactSet), {{"member", member_snapshot(9)}}));
  EXPECT_TRUE(apply_public(delegations, members, std::string(kDelegationPrefix) + "registered",
                           {{"delegation", {{"id", "d1"}, {"visit_id", "v1"}, {"country", "KG"}, {"version", 1}}}}));
  EXPECT_EQ(delegations.at("d1").country, "KG");
}

TEST(DelegationsContractViews, views_come_back_from_their_binary_layout_unchanged) {
  auto m = *member_view(member_snapshot(2));
  DelegationView d{"d1", "v1", "KG", "guest", {{"en", "Kyrgyz Republic"}}, "m1", 3};
  binary::Writer w;
  encode(w, m);
  encode(w, d);
  auto bytes = w.take();
  binary::Reader r(bytes);
  auto m2 = decode_member_view(r);
  auto d2 = decode_delegation_view(r);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(m2.full_name, m.full_name);
  EXPECT_EQ(m2.precedence_order, m.precedence_order);
  EXPECT_EQ(m2.public_key, m.public_key);
  EXPECT_EQ(m2.version, m.version);
  EXPECT_EQ(d2.head_member_id, d.head_member_id);
  EXPECT_EQ(d2.name, d.name);
}

}  // namespace
}  // namespace concord::delegations::contract
