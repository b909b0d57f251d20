#!/usr/bin/env bash
# The browser tier: the console in Debian's Chromium, driven by Playwright, on `concord serve`
# with a fresh data dir (embedded default). Plays the seed visit through the console, checks
# every main screen with axe-core, saves screenshots and prints the measurements; then the
# delegation members' screens at phone size (console/e2e/member.spec.ts), whose sign-in links
# come from `concord member-link` and from the officers' endpoint; and a stand-alone
# concord-console in front of the services' own addresses, as in the four-process mode, with a
# live stream through it (console/e2e/forwarded-stream.spec.ts).
#
#   tests/browser/run.sh       (tests/run.sh runs it; CONCORD_BUILD_DIR picks the build)
# Output: $CONCORD_BUILD_DIR/browser/{screenshots,results,serve.out,serve.log,console.out,console.log}
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${CONCORD_BUILD_DIR:-$repo/build}"
out="$build/browser"
bin="$build/bin"
started=$(date +%s)

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  else
    echo "browser tier: chromium is missing; run deploy/install-deps.sh as root" >&2
    exit 1
  fi
fi
for b in concord concord-console; do
  [ -x "$bin/$b" ] || cmake --build "$build" --target "$b"
done
(cd "$repo/console" && [ -d node_modules/@playwright/test ] ||
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

rm -rf "$out" && mkdir -p "$out"
data="$(mktemp -d -t concord-browser.XXXXXX)"
fwd_data="$(mktemp -d -t concord-browser-fwd.XXXXXX)"
read -r p_console p_sched p_deleg p_docs p_notif p_fwd < <("$repo/deploy/local/free-port.sh" 6 | xargs)
export CONCORD_DATA_DIR="$data" CONCORD_CONSOLE_ADDR="127.0.0.1:$p_console" CONCORD_SCHEDULING_ADDR="127.0.0.1:$p_sched" \
  CONCORD_DELEGATIONS_ADDR="127.0.0.1:$p_deleg" CONCORD_DOCUMENTS_ADDR="127.0.0.1:$p_docs" \
  CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:$p_notif" CONCORD_ACCESS_LOG=false
unset KAFKA_BROKERS REDIS_URL
"$bin/concord" serve >"$out/serve.out" 2>"$out/serve.log" &
serve_pid=$!
fwd_pid=""
stopped=""
cleanup() {
  [ -n "$stopped" ] && return
  stopped=1
  [ -n "$fwd_pid" ] && kill -TERM "$fwd_pid" 2>/dev/null || true
  kill -TERM "$serve_pid" 2>/dev/null || true
  [ -n "$fwd_pid" ] && wait "$fwd_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true
  rm -rf "$data" "$fwd_data"
}
trap cleanup EXIT

link=""
for _ in $(seq 1 300); do
  link="$(grep -oE 'http://[^ ]+#signin=[A-Za-z0-9_-]+' "$out/serve.out" || true)"
  [ -n "$link" ] && curl -fsS "http://127.0.0.1:$p_sched/readyz" >/dev/null 2>&1 &&
    curl -fsS "http://127.0.0.1:$p_deleg/readyz" >/dev/null 2>&1 &&
    curl -fsS "http://127.0.0.1:$p_docs/readyz" >/dev/null 2>&1 && break
  kill -0 "$serve_pid" 2>/dev/null || { echo "concord serve exited:" >&2; tail -20 "$out/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$link" ] || { echo "concord serve printed no console link" >&2; cat "$out/serve.out" >&2; exit 1; }
console_url="${link%%#*}"
echo "console: $console_url (sign-in link printed)" >&2

# The four-process mode's console: concord-console on its own, forwarding /api/<service>/ to the
# services' addresses (here those of the `concord serve` above), with a data dir of its own.
CONCORD_DATA_DIR="$fwd_data" CONCORD_CONSOLE_ADDR="127.0.0.1:$p_fwd" \
  CONCORD_SCHEDULING_URL="http://127.0.0.1:$p_sched" CONCORD_DELEGATIONS_URL="http://127.0.0.1:$p_deleg" \
  CONCORD_DOCUMENTS_URL="http://127.0.0.1:$p_docs" CONCORD_NOTIFICATIONS_URL="http://127.0.0.1:$p_notif" \
  "$bin/concord-console" >"$out/console.out" 2>"$out/console.log" &
fwd_pid=$!
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$p_fwd/healthz" >/dev/null 2>&1 && break
  kill -0 "$fwd_pid" 2>/dev/null || { echo "concord-console exited:" >&2; tail -20 "$out/console.log" >&2; exit 1; }
  sleep 0.1
done

status=0
(cd "$repo/console" &&
  CONSOLE_URL="${console_url%/}" CONSOLE_FORWARD_URL="http://127.0.0.1:$p_fwd" CONSOLE_SIGNIN_LINK="$link" CONSOLE_TEST_OUTPUT="$out" CONCORD_BIN="$bin/concord" \
  CONSOLE_TOKEN="$("$bin/concord" token --role protocol_officer --sub browser-load --ttl 1h)" \
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test) || status=$?
cleanup

# The console's requests/s for a hashed asset beside a bare Beast server's (same bytes, wrk,
# loopback): tests/bench/console_bench, when the benchmarks are built.
if [ $status = 0 ] && [ -x "$build/bench/console_bench" ] && command -v wrk >/dev/null 2>&1; then
  "$build/bench/console_bench" 2 >&2 || echo "console_bench failed (not part of the verdict)" >&2
fi
echo "browser tier: $(( $(date +%s) - started )) s; screenshots in $out/screenshots" >&2
exit $status
