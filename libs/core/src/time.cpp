#include "concord/core/time.hpp"

#include <charconv>
#include <cstdio>

#include <date/date.h>
#include <date/tz.h>

namespace concord {
namespace {

bool read_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

Error time_error(std::string_view text, std::string_view why) {
  return Error::validation(
      "", "'" + std::string(text.substr(0, 64)) + "' is not an RFC 3339 time with an offset: " + std::string(why));
}

const date::time_zone* find_zone(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return nullptr;
  try {
    return date::locate_zone(std::string(zone));
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

Result<Timestamp> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!read_digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_digits(s, 5, 2, mo) || s[7] != '-' ||
      !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !read_digits(s, 11, 2, h) ||
      s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' || !read_digits(s, 17, 2, sec))
    return fail(time_error(s, "expected YYYY-MM-DDTHH:MM:SS"));
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return fail(time_error(s, "empty fraction of a second"));
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos >= s.size()) return fail(time_error(s, "the offset is missing (add Z or +HH:MM)"));
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, om))
      return fail(time_error(s, "the offset must be +HH:MM or -HH:MM"));
    if (oh > 23 || om > 59) return fail(time_error(s, "the offset is out of range"));
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return fail(time_error(s, "the offset is missing (add Z or +HH:MM)"));
  }
  if (pos != s.size()) return fail(time_error(s, "unexpected characters after the offset"));
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail(time_error(s, "no such date"));
  if (h > 23 || mi > 59 || sec > 60) return fail(time_error(s, "no such time of day"));
  if (sec == 60) sec = 59;  // a leap second is folded into the second before it
  auto days = date::sys_days{ymd};
  auto t = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days{days.time_since_epoch()}) +
           std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{sec} +
           std::chrono::milliseconds{millis} - std::chrono::minutes{offset_minutes};
  return t;
}

namespace {
// `width` decimal digits of a non-negative `value`, zero-padded (formatting runs for every
// event and notification written; snprintf was a visible part of that).
char* put_digits(char* at, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

// YYYY-MM-DD at `at` (room for 16 characters); years outside 0000-9999 take snprintf's form.
char* put_date(char* at, date::year_month_day ymd) {
  int year = static_cast<int>(ymd.year());
  int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  int day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  if (year < 0 || year > 9999) return at + std::snprintf(at, 16, "%04d-%02d-%02d", year, month, day);
  at = put_digits(at, year, 4);
  *at++ = '-';
  at = put_digits(at, month, 2);
  *at++ = '-';
  return put_digits(at, day, 2);
}
}  // namespace

std::string format_rfc3339_utc(Timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  auto rest = t - day;
  auto h = std::chrono::duration_cast<std::chrono::hours>(rest);
  rest -= h;
  auto m = std::chrono::duration_cast<std::chrono::minutes>(rest);
  rest -= m;
  auto s = std::chrono::duration_cast<std::chrono::seconds>(rest);
  rest -= s;
  char buf[40];
  char* at = put_date(buf, date::year_month_day{date::sys_days{day.time_since_epoch()}});
  *at++ = 'T';
  at = put_digits(at, static_cast<int>(h.count()), 2);
  *at++ = ':';
  at = put_digits(at, static_cast<int>(m.count()), 2);
  *at++ = ':';
  at = put_digits(at, static_cast<int>(s.count()), 2);
  if (rest.count() != 0) {
    *at++ = '.';
    at = put_digits(at, static_cast<int>(rest.count()), 3);
  }
  *at++ = 'Z';
  return std::string(buf, static_cast<size_t>(at - buf));
}

Result<Days> parse_date(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) || s[7] != '-' ||
      !read_digits(s, 8, 2, d))
    return fail(Error::validation("", "'" + std::string(s.substr(0, 32)) + "' is not a date (YYYY-MM-DD)"));
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return fail(Error::validation("", "'" + std::string(s) + "' is not a date in the calendar"));
  return Days{date::sys_days{ymd}.time_since_epoch()};
}

std::string format_date(Days d) {
  char buf[16];
  char* end = put_date(buf, date::year_month_day{date::sys_days{d.time_since_epoch()}});
  return std::string(buf, static_cast<size_t>(end - buf));
}

Result<std::chrono::seconds> parse_iso_duration(std::string_view s) {
  auto bad = [&] {
    return fail(
        Error::validation("", "'" + std::string(s.substr(0, 32)) + "' is not an ISO 8601 duration such as PT45M"));
  };
  if (s.size() < 3 || s[0] != 'P') return bad();
  long long total = 0;
  bool in_time = false, any = false;
  size_t i = 1;
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (in_time) return bad();
      in_time = true;
      ++i;
      continue;
    }
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
    if (ec != std::errc{} || p == s.data() + s.size() || v < 0 || v > 1'000'000) return bad();
    i = static_cast<size_t>(p - s.data());
    char unit = s[i++];
    if (!in_time && unit == 'D')
      total += v * 86400;
    else if (!in_time && unit == 'W')
      total += v * 7 * 86400;
    else if (in_time && unit == 'H')
      total += v * 3600;
    else if (in_time && unit == 'M')
      total += v * 60;
    else if (in_time && unit == 'S')
      total += v;
    else
      return bad();
    any = true;
  }
  if (!any) return bad();
  return std::chrono::seconds{total};
}

bool is_known_time_zone(std::string_view zone) {
  return find_zone(zone) != nullptr;
}

Result<LocalTime> to_local(Timestamp t, std::string_view zone) {
  const auto* tz = find_zone(zone);
  if (!tz) return fail(Error::validation("", "unknown time zone '" + std::string(zone.substr(0, 64)) + "'"));
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto info = tz->get_info(secs);
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset);
  auto local = secs + info.offset;  // a sys_time shifted to the wall clock
  auto day = std::chrono::floor<std::chrono::days>(local);
  auto tod = local - day;
  LocalTime out;
  out.offset_minutes = static_cast<int>(offset.count());
  out.abbreviation = info.abbrev;
  out.date = format_date(Days{day.time_since_epoch()});
  int h = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(tod).count());
  int m = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(tod).count() % 60);
  int s = static_cast<int>(tod.count() % 60);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
  out.clock = buf;
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", h, m, s);
  out.rfc3339 = out.date + buf + format_utc_offset(out.offset_minutes);
  return out;
}

std::string format_utc_offset(int offset_minutes) {
  int a = std::abs(offset_minutes);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

Result<Timestamp> from_local(Days day, std::chrono::minutes time_of_day, std::string_view zone) {
  const auto* tz = find_zone(zone);
  if (!tz) return fail(Error::validation("", "unknown time zone '" + std::string(zone.substr(0, 64)) + "'"));
  auto local =
      date::local_seconds{std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch() + time_of_day)};
  auto info = tz->get_info(local);
  std::chrono::sys_seconds sys;
  switch (info.result) {
    case date::local_info::unique:
      sys = std::chrono::sys_seconds{(local - info.first.offset).time_since_epoch()};
      break;
    case date::local_info::ambiguous:
      sys = std::chrono::sys_seconds{(local - info.first.offset).time_since_epoch()};
      break;
    case date::local_info::nonexistent:
      sys = std::chrono::sys_seconds{info.second.begin.time_since_epoch()};
      break;
    default:
      return fail(Error::internal("time zone lookup failed"));
  }
  return std::chrono::time_point_cast<std::chrono::milliseconds>(sys);
}

Result<Days> local_day(Timestamp t, std::string_view zone) {
  auto local = to_local(t, zone);
  if (!local) return fail(local.error());
  return parse_date(local->date);
}

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace concord
