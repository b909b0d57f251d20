#!/usr/bin/env bash
# Installs Mailpit (an SMTP server with an HTTP API to read what arrived), pinned, with
# `go install` into a cache outside the repository, once, and prints the binary's path.
#   mailpit="$(tests/e2e/lib/mailpit.sh)"
# The cache is CONCORD_MAILPIT_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/concord/tools/mailpit-<version>.
# Needs Go (as tests/k8s/validate.sh does). Progress goes to stderr.
set -euo pipefail
version=v1.33.1
dir="${CONCORD_MAILPIT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/concord/tools/mailpit-$version}"
mkdir -p "$dir"
(
  flock 9
  if [ ! -x "$dir/mailpit" ]; then
    command -v go >/dev/null || { echo "mailpit: Go is needed to install Mailpit $version" >&2; exit 1; }
    echo "mailpit: installing Mailpit $version into $dir (once)" >&2
    GOBIN="$dir" go install "github.com/axllent/mailpit@$version" >&2
  fi
) 9>"$dir.lock"
echo "$dir/mailpit"
