#!/usr/bin/env bash
# Delegations inside `concord serve` (the embedded default): register a delegation, add a member
# with contact and travel, SIGKILL the process, start it again: the roster, the member's contact
# and travel are all still there, rebuilt from the file log.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$(mktemp -d -t concord-e2e-delegations.XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$data"' EXIT

read -r p_sched p_deleg p_docs p_notif < <("$here/deploy/local/free-port.sh" 4 | xargs)
base="http://127.0.0.1:$p_deleg"
fail() { echo "delegations_serve: $*" >&2; echo "--- stderr" >&2; tail -20 "$data/stderr" >&2; exit 1; }

start() {
  env -u KAFKA_BROKERS -u REDIS_URL CONCORD_DATA_DIR="$data" CONCORD_ACCESS_LOG=false \
    CONCORD_SCHEDULING_ADDR="127.0.0.1:$p_sched" CONCORD_DELEGATIONS_ADDR="127.0.0.1:$p_deleg" \
    CONCORD_DOCUMENTS_ADDR="127.0.0.1:$p_docs" CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:$p_notif" \
    CONCORD_CONSOLE_ADDR=127.0.0.1:0 "$bin/concord" serve >>"$data/stdout" 2>>"$data/stderr" &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || fail "concord serve exited during start"
    sleep 0.05
  done
  fail "delegations not ready within 30 s"
}

call() { # method path [body] → body on stdout, status in $data/status
  local method=$1 path=$2 body=${3:-}
  curl -s -o "$data/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" \
    ${body:+-H 'Content-Type: application/json' --data "$body"} "$base$path" >"$data/status"
  cat "$data/body"
}
status() { cat "$data/status"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

start
token=$(CONCORD_DATA_DIR="$data" "$bin/concord" token --role protocol_officer --sub officer-e2e)

d=$(call POST /v1/delegations '{"visit_id":"0190a1b2-0000-7000-8000-0000000000aa","country":"KG","side":"guest","name":{"en":"Kyrgyz Republic"}}' | field "['id']")
[ "$(status)" = 201 ] || fail "register delegation: $(status) $(cat "$data/body")"
m=$(call POST "/v1/delegations/$d/members" '{"full_name":{"en":"Aibek Ismailov"},"position":{"en":"Minister"},"rank":"minister","languages":["ky","ru"],"time_zone":"Asia/Bishkek","contact":{"email":"aibek@mfa.kg"},"is_head":true}' | field "['id']")
[ "$(status)" = 201 ] || fail "add member: $(status) $(cat "$data/body")"
call PUT "/v1/members/$m/travel" '{"arrival":{"time":"2025-09-28T10:00:00+06:00","flight":"KC 109","airport":"FRU"}}' >/dev/null
[ "$(status)" = 200 ] || fail "put travel: $(status) $(cat "$data/body")"
before=$(call GET "/v1/members/$m")

kill -9 "$pid"
wait "$pid" 2>/dev/null || true
start

after=$(call GET "/v1/members/$m")
[ "$(status)" = 200 ] || fail "member after restart: $(status)"
[ "$before" = "$after" ] || fail "member differs after restart: $before vs $after"
[ "$(echo "$after" | field "['contact']['email']")" = "aibek@mfa.kg" ] || fail "contact lost"
[ "$(echo "$after" | field "['travel']['arrival']['flight']")" = "KC 109" ] || fail "travel lost"
[ "$(call GET "/v1/delegations/$d" | field "['head_member_id']")" = "$m" ] || fail "head lost"
echo "delegations_serve: passed" >&2
