"""Validates the calendars written by the scheduling API test with icalendar (RFC 5545)."""
import pathlib
import sys

import icalendar

out = pathlib.Path(sys.argv[1])
uid = (out / "uid.txt").read_text().strip()


def load(name):
    raw = (out / name).read_bytes()
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "", f"{name}: the calendar does not end with CRLF"
    for n, line in enumerate(lines[:-1]):
        assert "\n" not in line and "\r" not in line, f"{name}: bare LF or CR on line {n + 1}"
        assert len(line.encode("utf-8")) <= 75, f"{name}: line {n + 1} is longer than 75 octets"
    cal = icalendar.Calendar.from_ical(raw)
    assert cal.errors == [], f"{name}: {cal.errors}"
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    for e in events.values():
        assert not e.errors, f"{name}: {e.errors}"
        for prop in ("DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in e, f"{name}: {prop} missing from {e['UID']}"
    return events


before, after, cancelled = load("before.ics"), load("after.ics"), load("cancelled.ics")
assert uid in before and uid in after and uid in cancelled, "the meeting's UID is not stable"
assert len(before) == 2, "two meetings expected"
b, a, c = before[uid], after[uid], cancelled[uid]
assert int(a["SEQUENCE"]) > int(b["SEQUENCE"]), "SEQUENCE must rise with a reschedule"
assert int(c["SEQUENCE"]) > int(a["SEQUENCE"]), "SEQUENCE must rise with a cancellation"
assert a["DTSTART"].dt != b["DTSTART"].dt, "the reschedule is not in the calendar"
assert a["DTSTART"].dt.isoformat() == "2025-09-28T09:00:00+00:00", a["DTSTART"].dt.isoformat()
assert str(b["STATUS"]) == "CONFIRMED" and str(c["STATUS"]) == "CANCELLED"
other = next(e for u, e in before.items() if u != uid)
summary = str(other["SUMMARY"])
assert summary == "Wreath-laying; Victory Square, with honours \\ long title that needs folding", summary
assert "Line two, with a comma" in str(other["DESCRIPTION"])
print(f"icalendar {icalendar.__version__} accepts the calendars: UID {uid}, SEQUENCE "
      f"{int(b['SEQUENCE'])} -> {int(a['SEQUENCE'])} -> {int(c['SEQUENCE'])}, STATUS:CANCELLED")
