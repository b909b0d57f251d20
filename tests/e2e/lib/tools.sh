#!/usr/bin/env bash
# Installs the e2e tier's pinned tools outside the repository, once, and prints where they are:
#   CONCORD_E2E_PYTHON=<venv>/bin/python   (requirements.txt: jsonschema, schemathesis, ...)
#   CONCORD_E2E_NODE_PATH=<dir>/node_modules (the npm package @asyncapi/parser)
# Use as:  tools_env="$(tests/e2e/lib/tools.sh)" && eval "$tools_env"
# The cache dir is CONCORD_E2E_TOOLS, else ${XDG_CACHE_HOME:-$HOME/.cache}/concord/e2e-tools-<hash
# of the pins>: changing a pin installs afresh. A lock keeps concurrent runs from racing; a stamp
# marks a complete install. Progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
asyncapi_parser="@asyncapi/parser@3.6.6"
pins="$(cat "$here/requirements.txt"; echo "$asyncapi_parser")"
hash="$(sha256sum <<<"$pins" | cut -c1-12)"
dir="${CONCORD_E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/concord/e2e-tools-$hash}"
log() { echo "e2e tools: $*" >&2; }

for c in python3 node npm; do
  command -v "$c" >/dev/null 2>&1 || { log "missing $c (deploy/install-deps.sh installs it)"; exit 1; }
done
mkdir -p "$(dirname "$dir")"
(
  flock 9
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$hash" ]; then exit 0; fi
  log "installing pinned tools into $dir (once)"
  rm -rf "$dir"
  mkdir -p "$dir/npm"
  python3 -m venv "$dir/venv" >&2
  "$dir/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  npm install --silent --no-audit --no-fund --prefix "$dir/npm" "$asyncapi_parser" >&2
  echo "$hash" >"$dir/.complete"
) 9>"$dir.lock"
echo "CONCORD_E2E_PYTHON=$dir/venv/bin/python"
echo "CONCORD_E2E_NODE_PATH=$dir/npm/node_modules"
