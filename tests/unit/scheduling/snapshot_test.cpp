// The scheduling state through a snapshot and back: after a realistic sequence (venues, a
// visit, delegations and members, meetings booked, moved and cancelled, calendar feeds made and
// revoked), decode(encode(state)) encodes to the same bytes, keeps the derived indexes, and
// answers the same questions (conflicts, feeds by secret) as the state it came from.
#include <gtest/gtest.h>

#include "concord/core/binary.hpp"
#include "scheduling/domain/snapshot.hpp"
#include "scheduling_fixture.hpp"

namespace concord::testing {
namespace {

class SchedulingSnapshotTest : public SchedulingFixture {
 protected:
  void SetUp() override {
    SchedulingFixture::SetUp();
    auto talks = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh", "hm1", "gm1"}));
    auto lunch = schedule(meeting("2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", {"hh", "gh"}, "working_lunch"));
    schedule(meeting("2025-09-29T07:00:00Z", "2025-09-29T08:00:00Z", {"hm2", "gm2"}));
    clock_.advance(std::chrono::hours(2));
    scheduling::ChangeMeeting moved;
    moved.meeting_id = talks;
    moved.start = at("2025-09-28T11:00:00Z");
    moved.end = at("2025-09-28T12:30:00Z");
    moved.venue_id = std::optional<std::string>(small_);  // it holds three
    moved.participants = std::vector<std::string>{"hh", "gh", "hm1"};
    must(moved);
    must(scheduling::CancelMeeting{lunch, "the heads dine privately"});
    member({"gm9", guest_, visit_, "Guest Adviser", "adviser", false, 3});
    auto feed = must(scheduling::CreateFeed{visit_, std::nullopt, "ru", "desk", std::string(64, 'a')});
    must(scheduling::CreateFeed{visit_, std::nullopt, "en", "press", std::string(64, 'b')});
    must(scheduling::RevokeFeed{feed[0].data["feed"]["id"].get<std::string>()});
  }
};

TEST_F(SchedulingSnapshotTest, a_decoded_state_encodes_to_the_same_bytes_and_keeps_its_indexes) {
  auto bytes = scheduling::encode_state(state_);
  auto decoded = scheduling::decode_state(bytes);
  EXPECT_EQ(scheduling::encode_state(decoded), bytes);
  EXPECT_EQ(decoded.revision, state_.revision);
  EXPECT_EQ(decoded.meetings.size(), 3u);
  EXPECT_EQ(decoded.members.size(), state_.members.size());
  EXPECT_EQ(decoded.meetings_of_visit, state_.meetings_of_visit);
  EXPECT_EQ(decoded.meetings_by_start, state_.meetings_by_start);
  EXPECT_EQ(decoded.active_feed_by_secret, state_.active_feed_by_secret);
  EXPECT_EQ(decoded.feeds_by_visit, state_.feeds_by_visit);
  ASSERT_EQ(decoded.feeds_by_visit.size(), 1u);
  EXPECT_EQ(decoded.feeds_by_visit.at(visit_).size(), state_.feeds.size());
  ASSERT_EQ(decoded.active_feed_by_secret.size(), 1u);
  EXPECT_NE(scheduling::active_feed(decoded, std::string(64, 'b')), nullptr);
  EXPECT_EQ(scheduling::active_feed(decoded, std::string(64, 'a')), nullptr);
  EXPECT_EQ(decoded.by_venue.at(small_).size(), state_.by_venue.at(small_).size());
  EXPECT_EQ(decoded.by_participant.at("hh").size(), 1u);  // the lunch was cancelled
  ASSERT_TRUE(decoded.visit(visit_)->window);
  EXPECT_EQ(decoded.visit(visit_)->window, state_.visit(visit_)->window);
}

TEST_F(SchedulingSnapshotTest, a_decoded_state_finds_the_same_conflicts) {
  auto decoded = scheduling::decode_state(scheduling::encode_state(state_));
  // The moved talks hold the small room and the heads from 11:00 to 12:30.
  auto clash = meeting("2025-09-28T12:00:00Z", "2025-09-28T13:00:00Z", {"hh", "gm2"});
  clash.venue_id = small_;
  auto on_original = scheduling::decide(state_, clash, ctx());
  auto on_decoded = scheduling::decide(decoded, clash, ctx());
  ASSERT_FALSE(on_original);
  ASSERT_FALSE(on_decoded);
  EXPECT_EQ(on_decoded.error().extensions, on_original.error().extensions);
  EXPECT_FALSE(kinds_of(on_decoded.error()).empty());
  // Where the cancelled lunch was, the heads are free on both.
  auto free = meeting("2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", {"hh", "gh"});
  EXPECT_TRUE(scheduling::decide(decoded, free, ctx()));
  EXPECT_TRUE(scheduling::decide(state_, free, ctx()));
}

TEST_F(SchedulingSnapshotTest, damaged_bytes_are_refused_never_half_decoded) {
  auto bytes = scheduling::encode_state(state_);
  EXPECT_THROW(scheduling::decode_state(bytes.substr(0, bytes.size() / 2)), binary::Malformed);
  EXPECT_THROW(scheduling::decode_state(bytes + "x"), binary::Malformed);
  EXPECT_THROW(scheduling::decode_state(""), binary::Malformed);
  auto wrong = bytes;
  wrong[0] ^= 0x55;  // the layout's magic
  EXPECT_THROW(scheduling::decode_state(wrong), binary::Malformed);
}

}  // namespace
}  // namespace concord::testing
