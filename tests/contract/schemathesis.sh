#!/usr/bin/env bash
# Contract fuzzing: schemathesis against each of the four services of one `concord serve` (the
# embedded default: file log, memory cache), every documented operation, with a protocol
# officer's token. Checks: no 5xx, every response as documented (status, content type, schema),
# unauthenticated requests refused. Prints the examples run per service.
#
#   tests/contract/schemathesis.sh BIN_DIR                         25 examples per operation
#   CONCORD_CONTRACT_EXAMPLES=200 tests/contract/schemathesis.sh BIN_DIR    the long run
#   CONCORD_CONTRACT_STATEFUL=none                                 without the stateful phase
#
# The stateful phase follows the documents' OpenAPI links: what a create answers (its id) feeds
# the reads and changes of the same resource (create → read → change → read), so those calls
# reach resources that exist instead of 404s.
#
# The seed scenario (tests/e2e) runs the same checks with 8 examples per operation on every
# test run; this is the deeper run. The tools are the e2e tier's (tests/e2e/lib/tools.sh).
set -euo pipefail
bin="${1:?usage: tests/contract/schemathesis.sh BIN_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
examples="${CONCORD_CONTRACT_EXAMPLES:-25}"
seed="${CONCORD_CONTRACT_SEED:-19}"
data="$(mktemp -d -t concord-contract.XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT

eval "$("$here/tests/e2e/lib/tools.sh")"
schemathesis="$(dirname "$CONCORD_E2E_PYTHON")/schemathesis"

read -r p1 p2 p3 p4 < <("$here/deploy/local/free-port.sh" 4 | xargs)
declare -A port=([scheduling]=$p1 [delegations]=$p2 [documents]=$p3 [notifications]=$p4)
export CONCORD_DATA_DIR="$data" CONCORD_ACCESS_LOG=false CONCORD_LOG_LEVEL=error \
  CONCORD_WEBHOOK_ALLOW_PRIVATE=true \
  CONCORD_SCHEDULING_ADDR="127.0.0.1:$p1" CONCORD_DELEGATIONS_ADDR="127.0.0.1:$p2" \
  CONCORD_DOCUMENTS_ADDR="127.0.0.1:$p3" CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:$p4" CONCORD_CONSOLE_ADDR="127.0.0.1:0"
env -u KAFKA_BROKERS -u REDIS_URL "$bin/concord" serve >"$data/stdout" 2>"$data/stderr" &
pid=$!
for s in scheduling delegations documents notifications; do
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$s]}/readyz")" = 200 ] && break
    sleep 0.05
  done
done
token="$("$bin/concord" token --role protocol_officer --sub contract-officer)"

# status_code_conformance (every status documented) is not in the default set yet: the
# documents do not list every 400 their operations answer (e.g. a bad ?cursor=).
checks="${CONCORD_CONTRACT_CHECKS:-not_a_server_error,content_type_conformance,response_schema_conformance,ignored_auth}"
failed=0
total=0
for s in scheduling delegations documents notifications; do
  out="$data/$s.txt"
  started=$(date +%s)
  # From the scratch directory: hypothesis keeps its example database in the working directory.
  if (cd "$data" && SCHEMATHESIS_TELEMETRY=false "$schemathesis" run "$here/docs/openapi/$s.yaml" \
      --base-url "http://127.0.0.1:${port[$s]}" -H "Authorization: Bearer $token" \
      --checks "$checks" \
      --hypothesis-max-examples "$examples" --hypothesis-seed "$seed" --hypothesis-derandomize \
      --stateful "${CONCORD_CONTRACT_STATEFUL:-links}" \
      --exclude-path /v1/inbox/stream --workers 1 --request-timeout 10000 --no-color >"$out" 2>&1); then
    result=passed
  else
    result=FAILED
    failed=1
    tail -60 "$out" >&2
  fi
  # Every call is checked for a 5xx once: that check's count is the number of calls.
  calls=$(grep -oE 'not_a_server_error +[0-9]+ / [0-9]+' "$out" | grep -oE '[0-9]+$' || echo 0)
  total=$((total + calls))
  grep -aiE "stateful|link" "$out" | head -8 >&2 || true
  echo "contract: $s: $result, $calls calls ($examples examples per operation) in $(( $(date +%s) - started )) s" >&2
done
kill -0 "$pid" 2>/dev/null || { echo "contract: concord serve died" >&2; tail -20 "$data/stderr" >&2; failed=1; }
grep -q '"level":"error"' "$data/stderr" && { echo "contract: errors were logged:" >&2; grep '"level":"error"' "$data/stderr" | head -5 >&2; }
echo "contract: $total calls in all, 5xx or undocumented answers: $([ $failed = 0 ] && echo 0 || echo 'see above')" >&2
exit "$failed"
