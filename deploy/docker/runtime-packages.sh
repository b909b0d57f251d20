#!/usr/bin/env bash
# Derives the runtime image's Debian packages from the binaries, and checks the Dockerfile's list.
#
#   deploy/docker/runtime-packages.sh [BIN_DIR]           print the packages the binaries need
#   deploy/docker/runtime-packages.sh --check [BIN_DIR]   fail unless runtime-packages.txt (what
#                                                         the runtime stage installs) holds them all
#
# BIN_DIR defaults to build/bin. Every Concord binary found there is inspected; `concord` (the
# all-in-one, which links every service) must be among them. The machine that runs this is
# Debian 12 like the image, so the packages that hold the libraries here are the ones the image
# needs. Each library ldd resolves is mapped to its package with dpkg -S; a library ldd cannot
# find, or one no package owns, is an error: the image could not load it either.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
bin_dir="${1:-$repo/build/bin}"
# CONCORD_RUNTIME_PACKAGES_LIST: another list to check (the test of this check uses it).
list="${CONCORD_RUNTIME_PACKAGES_LIST:-$here/runtime-packages.txt}"
dockerfile="$here/Dockerfile"

binaries=()
for name in concord concord-scheduling concord-delegations concord-documents concord-notifications; do
  [ -x "$bin_dir/$name" ] && binaries+=("$bin_dir/$name")
done
if [ ! -x "$bin_dir/concord" ]; then
  echo "runtime-packages: no $bin_dir/concord; build it first (cmake --build build --target concord)" >&2
  exit 2
fi

# The package that owns a file. Debian 12 merges /lib into /usr/lib, so ldd's path, the path with
# /usr in front, and the resolved path are all tried: dpkg knows each file under one of them.
owner() {
  local path="$1" candidate
  for candidate in "$path" "/usr$path" "$(readlink -f "$path")"; do
    if out="$(dpkg -S "$candidate" 2>/dev/null)"; then
      # "libssl3:amd64: /usr/lib/…" → libssl3
      printf '%s\n' "${out%%:*}"
      return 0
    fi
  done
  return 1
}

needed=()
failed=0
for b in "${binaries[@]}"; do
  while read -r line; do
    case "$line" in
      *"not found"*) echo "runtime-packages: $(basename "$b"): ${line}" >&2; failed=1; continue ;;
      linux-vdso.so*) continue ;;  # provided by the kernel
    esac
    # "libfoo.so.1 => /lib/…/libfoo.so.1 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    path="$(sed -nE 's/.*=> (\/[^ ]+).*/\1/p; t; s/^(\/[^ ]+) .*/\1/p' <<<"$line")"
    [ -n "$path" ] || continue
    if pkg="$(owner "$path")"; then
      needed+=("$pkg")
    else
      echo "runtime-packages: $(basename "$b"): no Debian package owns $path" >&2
      failed=1
    fi
  done < <(ldd "$b")
done
[ "$failed" = 0 ] || exit 1
mapfile -t needed < <(printf '%s\n' "${needed[@]}" | sort -u)

if [ "$check" = 0 ]; then
  printf '%s\n' "${needed[@]}"
  exit 0
fi

# The Dockerfile's runtime stage must install from the list, or the list proves nothing.
if ! grep -q 'COPY deploy/docker/runtime-packages.txt' "$dockerfile" ||
   ! grep -q 'runtime-packages.txt | xargs apt-get install' "$dockerfile"; then
  echo "runtime-packages: $dockerfile no longer installs runtime-packages.txt in its runtime stage" >&2
  exit 1
fi
mapfile -t listed < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$' | sort -u)
missing="$(comm -23 <(printf '%s\n' "${needed[@]}") <(printf '%s\n' "${listed[@]}"))"
extra="$(comm -13 <(printf '%s\n' "${needed[@]}") <(printf '%s\n' "${listed[@]}"))"
names="$(for b in "${binaries[@]}"; do basename "$b"; done | xargs)"
if [ -n "$missing" ]; then
  echo "runtime-packages: FAIL: the binaries ($names) need packages the runtime stage does not install:" >&2
  sed 's/^/  /' <<<"$missing" >&2
  echo "add them to deploy/docker/runtime-packages.txt" >&2
  exit 1
fi
if [ -n "$extra" ]; then
  # Not an error: a binary not built here (e.g. a single-service binary) may need them. Said so
  # that a package nothing needs any more is noticed.
  echo "runtime-packages: listed but needed by none of $names: $(xargs <<<"$extra")" >&2
fi
echo "runtime-packages: ok: ${#needed[@]} packages needed by $names, all installed by the runtime stage" >&2
