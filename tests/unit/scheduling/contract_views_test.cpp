// The view other services keep of scheduling's meetings (contract/views.hpp): read from the
// snapshots the events carry, upserted by version, a cancellation's reason kept, and kept in
// snapshots with one binary layout.
#include <gtest/gtest.h>

#include "scheduling/contract/views.hpp"

namespace concord::scheduling::contract {
namespace {

nlohmann::json meeting(long long version, std::string start = "2026-11-30T09:00:00Z") {
  return {{"id", "mt1"},           {"visit_id", "v1"}, {"kind", "signing_ceremony"},
          {"status", "scheduled"}, {"start", start},   {"end", "2026-11-30T10:00:00Z"},
          {"version", version}};
}

TEST(SchedulingContractViews, a_meeting_without_its_times_is_not_read) {
  auto no_end = meeting(1);
  no_end.erase("end");
  EXPECT_FALSE(meeting_view(no_end));
  EXPECT_FALSE(meeting_view(42));
  EXPECT_TRUE(meeting_view(meeting(1)));
}

TEST(SchedulingContractViews, a_newer_snapshot_replaces_and_an_older_one_is_ignored) {
  std::map<std::string, MeetingView> meetings;
  EXPECT_TRUE(apply_public(meetings, std::string(kMeetingPrefix) + "scheduled", {{"meeting", meeting(2)}}));
  EXPECT_FALSE(apply_public(meetings, std::string(kMeetingPrefix) + "rescheduled",
                            {{"meeting", meeting(1, "2026-11-30T08:00:00Z")}}));
  EXPECT_EQ(format_rfc3339_utc(meetings.at("mt1").start), "2026-11-30T09:00:00Z");
  EXPECT_FALSE(apply_public(meetings, std::string(kVisitPlanned), {{"meeting", meeting(3)}}));
}

TEST(SchedulingContractViews, a_cancellation_keeps_its_reason) {
  std::map<std::string, MeetingView> meetings;
  apply_public(meetings, std::string(kMeetingPrefix) + "scheduled", {{"meeting", meeting(1)}});
  apply_public(meetings, std::string(kMeetingCancelled), {{"meeting", meeting(2)}, {"reason", "weather"}});
  EXPECT_EQ(meetings.at("mt1").status, "cancelled");
  EXPECT_EQ(meetings.at("mt1").cancel_reason, "weather");
}

TEST(SchedulingContractViews, a_meeting_comes_back_from_its_binary_layout_unchanged) {
  auto m = *meeting_view(meeting(4));
  m.cancel_reason = "moved";
  binary::Writer w;
  encode(w, m);
  auto bytes = w.take();
  binary::Reader r(bytes);
  auto back = decode_meeting_view(r);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(back.start, m.start);
  EXPECT_EQ(back.end, m.end);
  EXPECT_EQ(back.cancel_reason, "moved");
  EXPECT_EQ(back.version, 4);
}

}  // namespace
}  // namespace concord::scheduling::contract
