#!/usr/bin/env bash
# Checks that every C++ file of the repository (tracked, or new and not ignored) is formatted as
# .clang-format says (the test command runs it). With --fix it formats them in place instead.
#
#   tests/format.sh          exit 1 and name the files that differ
#   tests/format.sh --fix    format them
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
format="${CLANG_FORMAT:-$(command -v clang-format-16 || command -v clang-format || true)}"
[ -n "$format" ] || { echo "format: clang-format-16 is not installed (deploy/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' '*.cc')
if [ "${1:-}" = --fix ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
# In batches, side by side: one clang-format per file cost most of this check's time in starts.
# A file that differs is named in clang-format's own "<file>:<line>:<col>: error:" lines.
status=0
out="$(printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc)" -n 25 "$format" --dry-run --Werror 2>&1)" || status=$?
mapfile -t bad < <(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' <<<"$out" | sort -u)
if [ "$status" != 0 ] && [ ${#bad[@]} -eq 0 ]; then
  printf 'format: clang-format failed:\n%s\n' "$out" >&2
  exit 1
fi
if [ ${#bad[@]} -gt 0 ]; then
  printf 'format: %d of %d files differ from .clang-format (tests/format.sh --fix formats them):\n' "${#bad[@]}" "${#files[@]}" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} C++ files as .clang-format says" >&2
