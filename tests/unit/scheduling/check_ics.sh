#!/usr/bin/env bash
# The calendar the service serves, accepted by an independent parser (Python's icalendar),
# before and after a reschedule (same UID, higher SEQUENCE) and after a cancellation.
#   check_ics.sh <scheduling_api_tests binary> <venv dir>
set -euo pipefail
tests_binary="$1"
venv="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import icalendar' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'icalendar==6.1.0'
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
SCHEDULING_ICS_OUT="$out" "$tests_binary" --gtest_filter='*writes_the_calendar_before_and_after_changes*' >/dev/null
"$venv/bin/python" "$here/check_ics.py" "$out"
