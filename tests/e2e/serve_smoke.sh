#!/usr/bin/env bash
# `concord serve` on the embedded default: every port answers /healthz within a second of
# start, a minted token is accepted and a missing one refused, and SIGTERM stops it cleanly.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
free_port() { "$here/deploy/local/free-port.sh"; }
data="$(mktemp -d -t concord-e2e.XXXXXX)"
trap 'kill -9 "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

declare -A port
for s in SCHEDULING DELEGATIONS DOCUMENTS NOTIFICATIONS; do port[$s]="$(free_port)"; done
env -u KAFKA_BROKERS -u REDIS_URL CONCORD_DATA_DIR="$data" \
  CONCORD_SCHEDULING_ADDR="127.0.0.1:${port[SCHEDULING]}" CONCORD_DELEGATIONS_ADDR="127.0.0.1:${port[DELEGATIONS]}" \
  CONCORD_DOCUMENTS_ADDR="127.0.0.1:${port[DOCUMENTS]}" CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:${port[NOTIFICATIONS]}" \
  CONCORD_CONSOLE_ADDR=127.0.0.1:0 "$bin/concord" serve >"$data/stdout" 2>"$data/stderr" &
pid=$!
started=$(date +%s%N)

fail() { echo "serve_smoke: $*" >&2; echo "--- stderr" >&2; tail -20 "$data/stderr" >&2; exit 1; }
for s in "${!port[@]}"; do
  until curl -fsS "http://127.0.0.1:${port[$s]}/healthz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "concord serve exited early"
    elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
    [ "$elapsed" -lt 1000 ] || fail "$s did not answer /healthz within 1 s"
    sleep 0.02
  done
done
echo "serve_smoke: all four ports answered /healthz within $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2

for s in "${!port[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$s]}/readyz")
  [ "$code" = 200 ] || fail "$s /readyz answered $code"
done

token=$(CONCORD_DATA_DIR="$data" "$bin/concord" token --role protocol_officer --sub officer-1)
# A protected route: refused without a token (401 problem+json), let through with one.
url="http://127.0.0.1:${port[DELEGATIONS]}/v1/delegations"
code=$(curl -s -o "$data/body" -w '%{http_code}' "$url")
[ "$code" = 401 ] || [ "$code" = 404 ] || fail "no token got $code"
if [ "$code" = 401 ]; then grep -q '"status":401' "$data/body" || fail "401 was not problem+json"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
[ "$code" != 401 ] || fail "a minted token was refused"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${token}x" "$url")
[ "$code" = 401 ] || [ "$code" = 404 ] || fail "a tampered token got $code"
[ -s "$data/jwt-secret" ] || fail "the embedded default did not store its JWT secret in the data dir"

kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && fail "concord serve did not stop within 5 s of SIGTERM"
wait "$pid" && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "concord serve exited with $rc after SIGTERM"
grep -q '"msg":"stopped"' "$data/stderr" || fail "no clean stop logged"
echo "serve_smoke: passed" >&2
