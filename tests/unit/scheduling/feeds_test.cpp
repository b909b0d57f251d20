// Calendar feeds' rules, decided on a state with no server: who may make a feed of which
// programme, who may revoke it, and which feeds an address still finds.
#include <gtest/gtest.h>

#include "scheduling_fixture.hpp"

using namespace concord;
using namespace concord::scheduling;

namespace {

class Feeds : public concord::testing::SchedulingFixture {
 protected:
  static std::string hash(char c) { return std::string(64, c); }
  static std::string sha256_like(size_t i) {
    std::string h = std::to_string(i);
    return std::string(64 - h.size(), 'c') + h;
  }
  Actor member_actor(const std::string& id) { return Actor{"user-" + id, false, false, id, guest_}; }
  Result<Decision> as(const Actor& a, const auto& command) {
    auto c = ctx();
    c.actor = a;
    auto d = decide(state_, command, c);
    if (d) apply(*d);
    return d;
  }
  std::string made(const Result<Decision>& d) { return d->at(0).data["feed"]["id"].get<std::string>(); }
};

TEST_F(Feeds, a_member_makes_a_feed_of_their_own_programme_on_the_private_topic) {
  auto d = as(member_actor("gm1"), CreateFeed{visit_, std::nullopt, "ru", "phone", hash('a')});
  ASSERT_TRUE(d) << d.error().detail;
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].type, "concord.scheduling.feed.created");
  EXPECT_EQ((*d)[0].topic, kPrivateTopic);
  EXPECT_EQ((*d)[0].key, visit_);
  EXPECT_EQ((*d)[0].data["feed"]["member_id"], "gm1");
  EXPECT_EQ((*d)[0].data["feed"]["secret_sha256"], hash('a'));
  const Feed* f = active_feed(state_, hash('a'));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->member_id, "gm1");
  EXPECT_EQ(f->language, "ru");
}

TEST_F(Feeds, a_member_cannot_make_a_feed_of_another_members_programme_nor_of_another_visit) {
  auto other = as(member_actor("gm1"), CreateFeed{visit_, "gh", "en", "", hash('b')});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::forbidden);
  Actor stranger{"x", false, false, "someone", "d-elsewhere"};
  EXPECT_EQ(as(stranger, CreateFeed{visit_, std::nullopt, "en", "", hash('c')}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(active_feed(state_, hash('b')), nullptr);
}

TEST_F(Feeds, integrators_and_callers_without_a_role_make_and_revoke_none) {
  Actor integrator{"erp", false, true, std::nullopt, std::nullopt};
  EXPECT_EQ(as(integrator, CreateFeed{visit_, std::nullopt, "en", "", hash('d')}).error().code, ErrorCode::forbidden);
  auto id = made(as(officer_, CreateFeed{visit_, std::nullopt, "en", "", hash('e')}));
  EXPECT_EQ(as(integrator, RevokeFeed{id}).error().code, ErrorCode::forbidden);
  EXPECT_NE(active_feed(state_, hash('e')), nullptr);
}

TEST_F(Feeds, an_officer_makes_a_feed_of_the_visit_or_of_a_member_of_it) {
  auto visit_feed = as(officer_, CreateFeed{visit_, std::nullopt, "en", "", hash('f')});
  ASSERT_TRUE(visit_feed);
  EXPECT_TRUE((*visit_feed)[0].data["feed"]["member_id"].is_null());
  EXPECT_TRUE(as(officer_, CreateFeed{visit_, "hh", "en", "", hash('0')}));
  auto unknown = as(officer_, CreateFeed{visit_, "nobody", "en", "", hash('1')});
  EXPECT_EQ(unknown.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(as(officer_, CreateFeed{"no-visit", std::nullopt, "en", "", hash('2')}).error().code, ErrorCode::not_found);
}

TEST_F(Feeds, revoking_silences_the_address_and_only_the_holder_or_an_officer_may) {
  auto id = made(as(member_actor("gm1"), CreateFeed{visit_, std::nullopt, "en", "", hash('3')}));
  // Another member: as if it did not exist.
  EXPECT_EQ(as(member_actor("gm2"), RevokeFeed{id}).error().code, ErrorCode::not_found);
  auto revoked = as(member_actor("gm1"), RevokeFeed{id});
  ASSERT_TRUE(revoked);
  EXPECT_EQ((*revoked)[0].type, "concord.scheduling.feed.revoked");
  EXPECT_EQ(active_feed(state_, hash('3')), nullptr);
  EXPECT_EQ(state_.feed(id)->status, "revoked");
  EXPECT_TRUE(state_.feed(id)->revoked_at.has_value());
  // Again: nothing more to do.
  auto again = as(officer_, RevokeFeed{id});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST_F(Feeds, at_most_twenty_active_feeds_per_holder_and_visit) {
  for (size_t i = 0; i < kMaxActiveFeeds; ++i)
    ASSERT_TRUE(as(member_actor("gm1"), CreateFeed{visit_, std::nullopt, "en", "", sha256_like(i)}));
  auto over = as(member_actor("gm1"), CreateFeed{visit_, std::nullopt, "en", "", hash('9')});
  EXPECT_EQ(over.error().code, ErrorCode::conflict);
  // Another member's budget is their own.
  EXPECT_TRUE(as(member_actor("gm2"), CreateFeed{visit_, std::nullopt, "en", "", hash('8')}));
}

TEST_F(Feeds, a_withdrawn_members_feed_finds_nothing) {
  as(member_actor("gm3"), CreateFeed{visit_, std::nullopt, "en", "", hash('7')});
  ASSERT_NE(active_feed(state_, hash('7')), nullptr);
  concord::testing::delegations::MemberSpec gm3{"gm3", guest_, visit_, "Guest Minister 3", "minister"};
  apply(concord::testing::delegations::member_withdrawn(gm3));
  EXPECT_EQ(active_feed(state_, hash('7')), nullptr);
}

TEST_F(Feeds, feed_events_on_the_public_topic_are_ignored) {
  auto d = decide(state_, CreateFeed{visit_, std::nullopt, "en", "", hash('6')}, ctx());
  ASSERT_TRUE(d);
  for (const auto& e : *d) evolve(state_, kTopic, e.type, e.data, clock_.now());
  EXPECT_EQ(active_feed(state_, hash('6')), nullptr);
}

}  // namespace

TEST_F(Feeds, a_delegation_officer_makes_feeds_of_the_whole_visit_and_of_their_own_delegations_members) {
  Actor kg_officer{"kg-officer", false, true, std::nullopt, std::nullopt, "KG"};
  auto whole = as(kg_officer, CreateFeed{visit_, std::nullopt, "ru", "office", hash('f')});
  ASSERT_TRUE(whole) << whole.error().detail;
  const Feed* f = active_feed(state_, hash('f'));
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->member_id);  // the whole visit's programme
  EXPECT_EQ(f->created_by, "kg-officer");
  // One of their own delegation's members: yes; the other side's: no.
  EXPECT_TRUE(as(kg_officer, CreateFeed{visit_, "gm1", "ru", "", hash('1')}));
  auto other_side = as(kg_officer, CreateFeed{visit_, "hm1", "ru", "", hash('2')});
  ASSERT_FALSE(other_side);
  EXPECT_EQ(other_side.error().code, ErrorCode::forbidden);
  // They revoke what they made, and nobody else's feed is theirs to see.
  auto officers = made(as(officer_, CreateFeed{visit_, std::nullopt, "en", "", hash('3')}));
  EXPECT_EQ(as(kg_officer, RevokeFeed{officers}).error().code, ErrorCode::not_found);
  EXPECT_TRUE(as(kg_officer, RevokeFeed{made(whole)}));
  EXPECT_EQ(active_feed(state_, hash('f')), nullptr);
  EXPECT_NE(active_feed(state_, hash('3')), nullptr);
}
