#include <gtest/gtest.h>

#include "concord/core/time.hpp"

using namespace concord;
using namespace std::chrono_literals;

TEST(Rfc3339, parses_offsets_to_the_same_instant) {
  auto minsk = parse_rfc3339("2025-09-28T10:00:00+03:00");
  auto bishkek = parse_rfc3339("2025-09-28T13:00:00+06:00");
  auto utc = parse_rfc3339("2025-09-28T07:00:00Z");
  ASSERT_TRUE(minsk && bishkek && utc);
  EXPECT_EQ(*minsk, *utc);
  EXPECT_EQ(*bishkek, *utc);
  EXPECT_EQ(format_rfc3339_utc(*minsk), "2025-09-28T07:00:00Z");
}

TEST(Rfc3339, keeps_milliseconds_and_negative_offsets) {
  auto t = parse_rfc3339("2025-01-01T00:00:00.25-05:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_utc(*t), "2025-01-01T05:30:00.250Z");
}

TEST(Rfc3339, formats_every_field_zero_padded_at_the_edges_of_the_range) {
  for (const char* text : {"0000-01-01T00:00:00Z", "0001-02-03T04:05:06.007Z", "1970-01-01T00:00:00Z",
                           "2024-02-29T23:59:59.999Z", "9999-12-31T23:59:59.999Z", "2025-09-28T07:00:00.100Z"}) {
    auto t = parse_rfc3339(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(format_rfc3339_utc(*t), text);
    EXPECT_EQ(format_date(std::chrono::floor<std::chrono::days>(*t)), std::string(text).substr(0, 10));
  }
}

TEST(Rfc3339, refuses_a_time_without_offset) {
  auto t = parse_rfc3339("2025-09-28T10:00:00");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().errors.at(0).message.find("offset is missing"), std::string::npos);
}

TEST(Rfc3339, refuses_impossible_dates_and_garbage) {
  for (auto s : {"2025-02-30T10:00:00Z", "2025-13-01T10:00:00Z", "2025-09-28T25:00:00Z", "2025-09-28T10:00:00+3:00",
                 "not a time", "", "2025-09-28T10:00:00Zjunk", "2025-09-28T10:00:00.Z"}) {
    EXPECT_FALSE(parse_rfc3339(s)) << s;
  }
}

TEST(TimeZones, minsk_and_bishkek_render_the_same_instant_locally) {
  auto t = *parse_rfc3339("2025-09-28T07:00:00Z");
  auto minsk = to_local(t, "Europe/Minsk");
  auto bishkek = to_local(t, "Asia/Bishkek");
  ASSERT_TRUE(minsk && bishkek);
  EXPECT_EQ(minsk->rfc3339, "2025-09-28T10:00:00+03:00");
  EXPECT_EQ(minsk->clock, "10:00");
  EXPECT_EQ(bishkek->rfc3339, "2025-09-28T13:00:00+06:00");
  EXPECT_EQ(bishkek->offset_minutes, 360);
}

TEST(TimeZones, berlin_changes_offset_across_the_october_switch) {
  auto before = to_local(*parse_rfc3339("2025-10-26T00:30:00Z"), "Europe/Berlin");
  auto after = to_local(*parse_rfc3339("2025-10-26T01:30:00Z"), "Europe/Berlin");
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->rfc3339, "2025-10-26T02:30:00+02:00");
  EXPECT_EQ(before->abbreviation, "CEST");
  EXPECT_EQ(after->rfc3339, "2025-10-26T02:30:00+01:00");
  EXPECT_EQ(after->abbreviation, "CET");
}

TEST(TimeZones, ambiguous_local_time_resolves_to_the_earlier_instant) {
  auto t = from_local(*parse_date("2025-10-26"), 2h + 30min, "Europe/Berlin");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_utc(*t), "2025-10-26T00:30:00Z");
}

TEST(TimeZones, nonexistent_local_time_moves_to_the_end_of_the_gap) {
  auto t = from_local(*parse_date("2025-03-30"), 2h + 30min, "Europe/Berlin");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_utc(*t), "2025-03-30T01:00:00Z");
}

TEST(TimeZones, unknown_zone_is_a_validation_error_not_an_exception) {
  EXPECT_FALSE(is_known_time_zone("Mars/Olympus_Mons"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_TRUE(is_known_time_zone("Asia/Bishkek"));
  auto r = to_local(Timestamp{}, "Mars/Olympus_Mons");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
}

TEST(TimeZones, local_day_depends_on_the_zone) {
  auto t = *parse_rfc3339("2025-09-28T20:00:00Z");
  EXPECT_EQ(format_date(*local_day(t, "Europe/Minsk")), "2025-09-28");
  EXPECT_EQ(format_date(*local_day(t, "Asia/Bishkek")), "2025-09-29");
}

TEST(Dates, parse_and_format_round_trip) {
  auto d = parse_date("2025-09-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(format_date(*d), "2025-09-29");
  EXPECT_FALSE(parse_date("2025-02-29"));
  EXPECT_FALSE(parse_date("29.09.2025"));
}

TEST(Durations, iso_8601_forms) {
  EXPECT_EQ(*parse_iso_duration("PT45M"), 45min);
  EXPECT_EQ(*parse_iso_duration("PT1H30M"), 90min);
  EXPECT_EQ(*parse_iso_duration("P1D"), 24h);
  EXPECT_FALSE(parse_iso_duration("45M"));
  EXPECT_FALSE(parse_iso_duration("PT"));
  EXPECT_FALSE(parse_iso_duration("P1H"));
}
