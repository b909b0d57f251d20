#pragma once
// Instants are UTC milliseconds. Input must carry an offset (RFC 3339); output is UTC with `Z`,
// plus the local rendering wherever a time zone applies. Zones come from the system's IANA
// database through Howard Hinnant's date/tz.
#include <chrono>
#include <string>
#include <string_view>

#include "concord/core/error.hpp"

namespace concord {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;
using Days = std::chrono::sys_days;

// "2025-09-28T10:00:00+03:00", "2025-09-28T07:00:00.250Z". Fractions beyond milliseconds are
// truncated. A missing offset, an impossible date or a bad offset is an error.
Result<Timestamp> parse_rfc3339(std::string_view text);
// "2025-09-28T07:00:00Z", or with ".250" when there are milliseconds.
std::string format_rfc3339_utc(Timestamp t);

Result<Days> parse_date(std::string_view text);  // YYYY-MM-DD
std::string format_date(Days d);

// ISO 8601 durations of the form PT#H#M#S or P#D (what APIs here accept: PT45M, PT1H30M, P1D).
Result<std::chrono::seconds> parse_iso_duration(std::string_view text);

bool is_known_time_zone(std::string_view zone);

// A UTC offset as RFC 3339 and ISO 8601 write it: "+06:00", "-03:30", "+00:00". The one
// formatter of offsets: "UTC+06:00" in messages is "UTC" + this.
std::string format_utc_offset(int offset_minutes);

struct LocalTime {
  std::string rfc3339;       // "2025-09-28T10:00:00+03:00"
  std::string date;          // "2025-09-28"
  std::string clock;         // "10:00"
  std::string abbreviation;  // "+03", "CEST"
  int offset_minutes = 0;
};
Result<LocalTime> to_local(Timestamp t, std::string_view zone);

// The instant at which a wall-clock time happens in a zone. An ambiguous time (clocks going
// back) resolves to the earlier instant; a time that does not exist (clocks going forward)
// resolves to the instant the gap ends.
Result<Timestamp> from_local(Days day, std::chrono::minutes time_of_day, std::string_view zone);
// The calendar day a UTC instant falls on in a zone.
Result<Days> local_day(Timestamp t, std::string_view zone);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// For tests: time stands still until told to move.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_; }
  void set(Timestamp t) { now_ = t; }
  void advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  Timestamp now_;
};

}  // namespace concord
