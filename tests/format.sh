#!/usr/bin/env bash
# Checks that every C++ file the repository tracks is formatted as .clang-format says (the test
# command runs it). With --fix it formats them in place instead.
#
#   tests/format.sh          exit 1 and name the files that differ
#   tests/format.sh --fix    format them
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
format="${CLANG_FORMAT:-$(command -v clang-format-16 || command -v clang-format || true)}"
[ -n "$format" ] || { echo "format: clang-format-16 is not installed (deploy/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [ "${1:-}" = --fix ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'format: %d of %d files differ from .clang-format (tests/format.sh --fix formats them):\n' "${#bad[@]}" "${#files[@]}" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} C++ files as .clang-format says" >&2
