#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "concord/core/ics.hpp"

#include "scheduling/domain/programme.hpp"
#include "scheduling_fixture.hpp"

using namespace concord;
using namespace concord::scheduling;
using concord::testing::at;

namespace {

class Programme : public concord::testing::SchedulingFixture {
 protected:
  const Visit& visit() { return *state_.visit(visit_); }
  std::vector<std::string> lines_of(const std::string& ics) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < ics.size()) {
      auto crlf = ics.find("\r\n", pos);
      EXPECT_NE(crlf, std::string::npos) << "every line ends with CRLF";
      if (crlf == std::string::npos) break;
      out.push_back(ics.substr(pos, crlf - pos));
      pos = crlf + 2;
    }
    return out;
  }
};

TEST_F(Programme, minsk_evening_is_the_next_morning_in_bishkek) {
  schedule(meeting("2025-09-28T19:30:00Z", "2025-09-28T20:30:00Z", {"gh", "hh"}));
  auto minsk = programme_json(state_, visit(), {"Europe/Minsk", {}, "en"});
  ASSERT_EQ(minsk["days"].size(), 3u);
  EXPECT_EQ(minsk["days"][0]["date"], "2025-09-28");
  ASSERT_EQ(minsk["days"][0]["items"].size(), 1u);
  const auto& item = minsk["days"][0]["items"][0];
  EXPECT_EQ(item["start"], "2025-09-28T19:30:00Z");
  EXPECT_EQ(item["start_local"], "2025-09-28T22:30:00+03:00");
  EXPECT_EQ(item["end_local"], "2025-09-28T23:30:00+03:00");
  EXPECT_EQ(item["venue"]["name"], "Palace of Independence");
  EXPECT_EQ(item["participants"][0]["id"], "hh");  // host first
  EXPECT_EQ(item["participants"][1]["id"], "gh");

  auto bishkek = programme_json(state_, visit(), {"Asia/Bishkek", {}, "en"});
  ASSERT_EQ(bishkek["days"].size(), 4u);  // 28 Sep 03:00 to 1 Oct 03:00 in Bishkek
  EXPECT_TRUE(bishkek["days"][0]["items"].empty());
  ASSERT_EQ(bishkek["days"][1]["items"].size(), 1u);
  EXPECT_EQ(bishkek["days"][1]["date"], "2025-09-29");
  EXPECT_EQ(bishkek["days"][1]["items"][0]["start_local"], "2025-09-29T01:30:00+06:00");
  EXPECT_EQ(bishkek["days"][1]["items"][0]["start"], "2025-09-28T19:30:00Z");
}

TEST_F(Programme, a_meeting_across_the_end_of_daylight_saving_keeps_its_length) {
  auto berlin = must(PlanVisit{{{"en", "Working visit to Berlin"}},
                               "working_visit",
                               "DE",
                               "BY",
                               *parse_date("2025-10-25"),
                               *parse_date("2025-10-27"),
                               "Europe/Berlin"})[0]
                    .data["visit"]["id"]
                    .get<std::string>();
  // 02:30 CEST to 03:00 CET on 26 October 2025: the clocks go back at 03:00, so 90 minutes.
  ScheduleMeeting m{berlin,
                    {{"en", "Night talks"}},
                    "working_lunch",
                    at("2025-10-26T02:30:00+02:00"),
                    at("2025-10-26T03:00:00+01:00"),
                    std::nullopt,
                    {},
                    {},
                    ""};
  schedule(m);
  auto p = programme_json(state_, *state_.visit(berlin), {"Europe/Berlin", {}, "en"});
  const auto& item = p["days"][1]["items"][0];
  EXPECT_EQ(p["days"][1]["date"], "2025-10-26");
  EXPECT_EQ(item["start"], "2025-10-26T00:30:00Z");
  EXPECT_EQ(item["end"], "2025-10-26T02:00:00Z");
  EXPECT_EQ(item["start_local"], "2025-10-26T02:30:00+02:00");
  EXPECT_EQ(item["end_local"], "2025-10-26T03:00:00+01:00");
  EXPECT_EQ(item["venue_time_zone"], "Europe/Berlin");
  // The same meeting seen from Minsk (no daylight saving): 03:30 to 05:00.
  auto minsk = programme_json(state_, *state_.visit(berlin), {"Europe/Minsk", {}, "en"});
  bool found = false;
  for (const auto& day : minsk["days"])
    for (const auto& i : day["items"]) {
      EXPECT_EQ(i["start_local"], "2025-10-26T03:30:00+03:00");
      EXPECT_EQ(i["end_local"], "2025-10-26T05:00:00+03:00");
      found = true;
    }
  EXPECT_TRUE(found);
  // The visit's last day ends at midnight CET (UTC+1), not CEST.
  ScheduleMeeting late{berlin,
                       {{"en", "Late"}},
                       "transfer",
                       at("2025-10-27T22:30:00Z"),
                       at("2025-10-27T22:59:00Z"),
                       std::nullopt,
                       {},
                       {},
                       ""};
  schedule(late);
  ScheduleMeeting too_late{berlin,
                           {{"en", "Too late"}},
                           "transfer",
                           at("2025-10-27T23:00:00Z"),
                           at("2025-10-27T23:30:00Z"),
                           std::nullopt,
                           {},
                           {},
                           ""};
  EXPECT_THAT(kinds_of(refused(too_late)), ::testing::ElementsAre("outside_visit_dates"));
}

TEST_F(Programme, personal_programme_holds_only_the_members_meetings_and_no_cancelled_ones) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  schedule(meeting("2025-09-28T09:00:00Z", "2025-09-28T10:00:00Z", {"hm1"}));
  auto cancelled = schedule(meeting("2025-09-28T11:00:00Z", "2025-09-28T12:00:00Z", {"hm1"}));
  must(CancelMeeting{cancelled, "no longer needed"});
  auto p = programme_json(state_, visit(), {"Europe/Minsk", std::string("hm1"), "en"});
  ASSERT_EQ(p["days"][0]["items"].size(), 1u);
  EXPECT_EQ(p["days"][0]["items"][0]["participants"][0]["id"], "hm1");
  EXPECT_EQ(p["member_id"], "hm1");
}

TEST_F(Programme, ics_escapes_text_and_folds_long_lines_at_75_octets) {
  EXPECT_EQ(ics::escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
  std::string cyrillic;
  for (int i = 0; i < 60; ++i) cyrillic += "Ж";  // two octets each
  auto folded = ics::fold("SUMMARY:" + cyrillic);
  size_t pos = 0;
  int lines = 0;
  while (pos < folded.size()) {
    auto crlf = folded.find("\r\n", pos);
    ASSERT_NE(crlf, std::string::npos);
    std::string line = folded.substr(pos, crlf - pos);
    EXPECT_LE(line.size(), 75u);
    if (lines > 0) {
      EXPECT_EQ(line[0], ' ');
    }
    // No line starts inside a UTF-8 sequence (after the folding space).
    unsigned char first = static_cast<unsigned char>(lines > 0 ? line[1] : line[0]);
    EXPECT_NE(first & 0xC0, 0x80);
    pos = crlf + 2;
    ++lines;
  }
  EXPECT_GE(lines, 2);
}

TEST_F(Programme, ics_has_stable_uids_and_a_sequence_raised_by_every_change) {
  auto id = schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  auto before = lines_of(programme_ics(state_, visit(), {"Europe/Minsk", {}, "en"}));
  EXPECT_EQ(before.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(before.back(), "END:VCALENDAR");
  EXPECT_THAT(before, ::testing::Contains("UID:" + id + "@concord"));
  EXPECT_THAT(before, ::testing::Contains("SEQUENCE:0"));
  EXPECT_THAT(before, ::testing::Contains("DTSTART:20250928T070000Z"));
  EXPECT_THAT(before, ::testing::Contains("STATUS:CONFIRMED"));

  ChangeMeeting c{id};
  c.start = at("2025-09-28T09:00:00Z");
  c.end = at("2025-09-28T10:00:00Z");
  must(c);
  auto after = lines_of(programme_ics(state_, visit(), {"Europe/Minsk", {}, "en"}));
  EXPECT_THAT(after, ::testing::Contains("UID:" + id + "@concord"));
  EXPECT_THAT(after, ::testing::Contains("SEQUENCE:1"));
  EXPECT_THAT(after, ::testing::Contains("DTSTART:20250928T090000Z"));

  must(CancelMeeting{id, "postponed"});
  auto cancelled = lines_of(programme_ics(state_, visit(), {"Europe/Minsk", {}, "en"}));
  EXPECT_THAT(cancelled, ::testing::Contains("STATUS:CANCELLED"));
  EXPECT_THAT(cancelled, ::testing::Contains("SEQUENCE:2"));
}

TEST_F(Programme, free_slots_leave_out_busy_participants_and_the_venue_buffer) {
  schedule(meeting("2025-09-28T07:00:00Z", "2025-09-28T08:00:00Z", {"hh", "gh"}));
  auto r = free_slots(state_, visit(), {"hh"}, hall_, std::chrono::minutes(45), *parse_date("2025-09-28"), {});
  ASSERT_TRUE(r) << r.error().detail;
  const auto& slots = (*r)["slots"];
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0]["start"], "2025-09-28T06:00:00Z");  // 09:00 in Minsk
  EXPECT_EQ(slots[0]["end"], "2025-09-28T06:45:00Z");    // the hall's 15-minute buffer
  EXPECT_EQ(slots[1]["start"], "2025-09-28T08:15:00Z");
  EXPECT_EQ(slots[1]["end"], "2025-09-28T16:00:00Z");  // 19:00 in Minsk
  EXPECT_EQ(slots[1]["start_local"], "2025-09-28T11:15:00+03:00");

  auto hour = free_slots(state_, visit(), {"hh"}, hall_, std::chrono::minutes(60), *parse_date("2025-09-28"), {});
  EXPECT_EQ((*hour)["slots"].size(), 1u);
  auto outside = free_slots(state_, visit(), {"hh"}, hall_, std::chrono::minutes(60), *parse_date("2025-10-05"), {});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().errors[0].pointer, "/date");
}

}  // namespace
