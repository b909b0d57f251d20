#!/usr/bin/env bash
# `concord serve` end to end, across services: delegations registers two delegations and their
# heads (with Ed25519 public keys), scheduling plans a visit and a signing ceremony, documents
# takes an agreement from draft to signed — one signature made with the `openssl` command line
# over the bytes of GET /signing-payload — and follows the ceremony when scheduling moves it.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
free_port() { "$here/deploy/local/free-port.sh"; }
data="$(mktemp -d -t concord-e2e-docs.XXXXXX)"
pid=""
cleanup() {
  local rc=$?
  { [ -n "$pid" ] && kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true
  rm -rf "$data"
  exit "$rc"
}
trap cleanup EXIT

declare -A port
for s in SCHEDULING DELEGATIONS DOCUMENTS NOTIFICATIONS; do port[$s]="$(free_port)"; done
env -u KAFKA_BROKERS -u REDIS_URL CONCORD_DATA_DIR="$data" CONCORD_ACCESS_LOG=false \
  CONCORD_SCHEDULING_ADDR="127.0.0.1:${port[SCHEDULING]}" CONCORD_DELEGATIONS_ADDR="127.0.0.1:${port[DELEGATIONS]}" \
  CONCORD_DOCUMENTS_ADDR="127.0.0.1:${port[DOCUMENTS]}" CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:${port[NOTIFICATIONS]}" \
  CONCORD_CONSOLE_ADDR=127.0.0.1:0 "$bin/concord" serve >"$data/stdout" 2>"$data/stderr" &
pid=$!

fail() { echo "documents_signing: $*" >&2; echo "--- stderr" >&2; tail -20 "$data/stderr" >&2; exit 1; }
for s in "${!port[@]}"; do
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:${port[$s]}/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || fail "concord serve exited early"
    sleep 0.05
  done
done

officer=$(CONCORD_DATA_DIR="$data" "$bin/concord" token --role protocol_officer --sub officer-1)
sch="http://127.0.0.1:${port[SCHEDULING]}"
del="http://127.0.0.1:${port[DELEGATIONS]}"
doc="http://127.0.0.1:${port[DOCUMENTS]}"
# call METHOD URL [BODY] [TOKEN] [EXTRA HEADER]: the body to stdout, the status to $data/status.
call() {
  local token="${4:-$officer}"
  local args=(-s -o "$data/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token")
  [ $# -ge 3 ] && [ -n "$3" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  [ $# -ge 5 ] && args+=(-H "$5")
  curl "${args[@]}" "$2" >"$data/status"
  cat "$data/body"
}
expect() { [ "$(cat "$data/status")" = "$1" ] || fail "$2: expected $1, got $(cat "$data/status"): $(cat "$data/body")"; }

# The visit and its signing ceremony, ten days from now.
day1=$(date -u -d '+10 days' +%F); day2=$(date -u -d '+12 days' +%F)
visit=$(call POST "$sch/v1/visits" "{\"title\":{\"en\":\"Official visit\"},\"kind\":\"official_visit\",\"host_country\":\"KG\",\"guest_country\":\"BY\",\"starts_on\":\"$day1\",\"ends_on\":\"$day2\",\"time_zone\":\"Asia/Bishkek\"}" | jq -r .id)
expect 201 "plan the visit"

# Two delegations, each with a head holding an Ed25519 key.
declare -A delegation head key
for c in KG BY; do
  side=$([ "$c" = KG ] && echo host || echo guest)
  delegation[$c]=$(call POST "$del/v1/delegations" "{\"visit_id\":\"$visit\",\"country\":\"$c\",\"side\":\"$side\",\"name\":{\"en\":\"Delegation $c\"}}" | jq -r .id)
  expect 201 "register delegation $c"
  openssl genpkey -algorithm ed25519 -out "$data/$c.pem" 2>/dev/null
  key[$c]=$(openssl pkey -in "$data/$c.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
  head[$c]=$(call POST "$del/v1/delegations/${delegation[$c]}/members" "{\"full_name\":{\"en\":\"Head $c\"},\"position\":{\"en\":\"Minister\"},\"rank\":\"minister\",\"languages\":[\"ru\"],\"time_zone\":\"Asia/Bishkek\",\"is_head\":true,\"public_key\":\"${key[$c]}\"}" | jq -r .id)
  expect 201 "add the head of $c"
done
meeting=$(call POST "$sch/v1/visits/$visit/meetings" "{\"title\":{\"en\":\"Signing\"},\"kind\":\"signing_ceremony\",\"start\":\"${day1}T10:00:00+06:00\",\"end\":\"${day1}T11:00:00+06:00\"}" | jq -r .id)
expect 201 "schedule the ceremony"

# The agreement: created once documents has seen the delegations (it follows their topic).
body="{\"title\":{\"en\":\"Agreement\"},\"kind\":\"agreement\",\"visit_id\":\"$visit\",\"parties\":[\"${delegation[KG]}\",\"${delegation[BY]}\"],\"signatories\":[{\"delegation_id\":\"${delegation[KG]}\",\"member_id\":\"${head[KG]}\"},{\"delegation_id\":\"${delegation[BY]}\",\"member_id\":\"${head[BY]}\"}],\"languages\":[\"ru\"]}"
for _ in $(seq 1 100); do
  id=$(call POST "$doc/v1/documents" "$body" | jq -r '.id // empty')
  [ "$(cat "$data/status")" = 201 ] && break
  sleep 0.05
done
expect 201 "create the agreement"
call POST "$doc/v1/documents/$id/versions" '{"language":"ru","content":"Статья 1.\nСтороны сотрудничают.\n"}' >/dev/null; expect 201 "add a version"
call POST "$doc/v1/documents/$id/submit" '{}' >/dev/null; expect 200 "submit"
for c in KG BY; do
  call POST "$doc/v1/documents/$id/approvals" "{\"delegation_id\":\"${delegation[$c]}\",\"decision\":\"approve\"}" >/dev/null
  expect 200 "approve for $c"
done
call POST "$doc/v1/documents/$id/agree" '{}' >/dev/null; expect 200 "agree"
for _ in $(seq 1 100); do
  call POST "$doc/v1/documents/$id/signing" "{\"meeting_id\":\"$meeting\"}" >/dev/null
  [ "$(cat "$data/status")" = 200 ] && break
  sleep 0.05
done
expect 200 "link the ceremony"

# KG's head signs with the openssl command line over the exact payload bytes.
member=$(CONCORD_DATA_DIR="$data" "$bin/concord" token --role delegation_member --sub head-kg --member-id "${head[KG]}" --delegation-id "${delegation[KG]}")
signed_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -s -H "Authorization: Bearer $member" -o "$data/payload.bin" "$doc/v1/documents/$id/signing-payload?member_id=${head[KG]}&signed_at=$signed_at"
# The other head's key does not make a valid signature for KG's head.
signature=$(openssl pkeyutl -sign -rawin -inkey "$data/BY.pem" -in "$data/payload.bin" | base64 -w0)
call POST "$doc/v1/documents/$id/signatures" "{\"member_id\":\"${head[KG]}\",\"method\":\"ed25519\",\"signature\":\"$signature\",\"signed_at\":\"$signed_at\"}" "$member" >/dev/null
expect 400 "a signature made with another key"
signature=$(openssl pkeyutl -sign -rawin -inkey "$data/KG.pem" -in "$data/payload.bin" | base64 -w0)
status=$(call POST "$doc/v1/documents/$id/signatures" "{\"member_id\":\"${head[KG]}\",\"method\":\"ed25519\",\"signature\":\"$signature\",\"signed_at\":\"$signed_at\"}" "$member" | jq -r .status)
expect 201 "sign with openssl"
[ "$status" = partially_signed ] || fail "after one signature the status is $status"

# Scheduling moves the ceremony: the document follows.
etag=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $officer" "$sch/v1/meetings/$meeting" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
call PATCH "$sch/v1/meetings/$meeting" "{\"start\":\"${day1}T15:00:00+06:00\",\"end\":\"${day1}T16:00:00+06:00\"}" "$officer" "If-Match: $etag" >/dev/null
expect 200 "reschedule the ceremony"
for _ in $(seq 1 200); do
  start=$(call GET "$doc/v1/documents/$id" | jq -r '.signing.start // empty')
  [ "$start" = "${day1}T09:00:00Z" ] && break
  sleep 0.05
done
[ "$start" = "${day1}T09:00:00Z" ] || fail "the document's signing did not follow the ceremony (start $start)"

# Wet ink for the other head completes it; the audit chain verifies; the certificate is issued.
call POST "$doc/v1/documents/$id/signatures" "{\"member_id\":\"${head[BY]}\",\"method\":\"wet_ink\",\"place\":\"Bishkek\"}" >/dev/null
expect 201 "wet-ink signature"
[ "$(call GET "$doc/v1/documents/$id" | jq -r .status)" = signed ] || fail "not signed"
[ "$(call GET "$doc/v1/documents/$id/audit" | jq -r .valid)" = true ] || fail "the audit chain does not verify"
call GET "$doc/v1/documents/$id/certificate" | jq -e '.signatures | length == 2' >/dev/null || fail "certificate without both signatures"
echo "documents_signing: passed" >&2
