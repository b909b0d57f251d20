#!/usr/bin/env bash
# The OpenID Connect tier: Concord against a real OpenID Provider. Installs the pinned
# oidc-provider package once outside the repository (a lock keeps concurrent runs apart, a stamp
# marks a complete install), then runs with node --test:
#   tests/oidc/provider_test.mjs  the provider over HTTPS with a CA the test makes,
#                                 concord-scheduling configured for it;
#   tests/oidc/console_test.mjs   the console's sign-in at that provider in Debian's Chromium
#                                 (playwright-core from console/node_modules, as the browser
#                                 tier installs it), on `concord serve`.
#
#   tests/oidc/run.sh        (tests/run.sh runs it; CONCORD_BUILD_DIR picks the build)
#   tests/oidc/run.sh --install-only   installs the provider package, runs nothing
# The cache dir is CONCORD_OIDC_TOOLS, else ${XDG_CACHE_HOME:-$HOME/.cache}/concord/oidc-tools-<hash>.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${CONCORD_BUILD_DIR:-$repo/build}"
started=$(date +%s)
package="oidc-provider@9.13.3"
hash="$(sha256sum <<<"$package" | cut -c1-12)"
dir="${CONCORD_OIDC_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/concord/oidc-tools-$hash}"

for c in node npm openssl; do
  command -v "$c" >/dev/null 2>&1 || { echo "oidc tier: missing $c (deploy/install-deps.sh installs it)" >&2; exit 1; }
done
mkdir -p "$(dirname "$dir")"
(
  flock 9
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$hash" ]; then exit 0; fi
  echo "oidc tier: installing $package into $dir (once)" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "$package" >&2
  echo "$hash" >"$dir/.complete"
) 9>"$dir.lock"
[ "${1:-}" != --install-only ] || exit 0  # tests/prefetch.sh: the provider only

for b in concord concord-scheduling; do
  [ -x "$build/bin/$b" ] || cmake --build "$build" --target "$b"
done
command -v chromium >/dev/null 2>&1 || { echo "oidc tier: chromium is missing; run deploy/install-deps.sh as root" >&2; exit 1; }
(cd "$repo/console" && [ -d node_modules/playwright-core ] ||
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 flock .npm.lock npm ci --no-audit --no-fund --loglevel=error)
status=0
mkdir -p "$build/oidc"
CONCORD_BIN_DIR="$build/bin" OIDC_PROVIDER_MODULE="$dir/node_modules/oidc-provider/lib/index.js" \
  PLAYWRIGHT_CORE_MODULE="$repo/console/node_modules/playwright-core/index.mjs" CONSOLE_TEST_OUTPUT="$build/oidc" \
  node --test --test-concurrency=1 --test-reporter=spec "$repo/tests/oidc/provider_test.mjs" "$repo/tests/oidc/console_test.mjs" ||
  status=$?
echo "oidc tier: $(( $(date +%s) - started )) s; the console's screenshots in $build/oidc/screenshots" >&2
exit $status
