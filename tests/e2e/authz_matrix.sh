#!/usr/bin/env bash
# The authorization matrix (docs/authorization.md) against the four services of one
# `concord serve` on the embedded default: every row × every caller, in scope and out of scope.
#   CONCORD_BIN=build/bin tests/e2e/authz_matrix.sh   (ctest e2e_authz_matrix sets CONCORD_BIN)
#   CONCORD_AUTHZ_DISCOVER=1 prints what each cell answers instead of judging it.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$(mktemp -d -t concord-authz.XXXXXX)"
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
read -r p_sched p_deleg p_docs p_notif < <("$repo/deploy/local/free-port.sh" 4 | xargs)
env -u KAFKA_BROKERS -u REDIS_URL CONCORD_DATA_DIR="$data" CONCORD_ACCESS_LOG=false CONCORD_WEBHOOK_ALLOW_PRIVATE=true \
  CONCORD_SCHEDULING_ADDR="127.0.0.1:$p_sched" CONCORD_DELEGATIONS_ADDR="127.0.0.1:$p_deleg" \
  CONCORD_DOCUMENTS_ADDR="127.0.0.1:$p_docs" CONCORD_NOTIFICATIONS_ADDR="127.0.0.1:$p_notif" \
  CONCORD_CONSOLE_ADDR=127.0.0.1:0 "$bin/concord" serve >"$data/stdout" 2>"$data/stderr" &
pid=$!
for p in "$p_sched" "$p_deleg" "$p_docs" "$p_notif"; do
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "concord serve exited" >&2; tail -20 "$data/stderr" >&2; exit 1; }
    sleep 0.1
  done
done
CONCORD_DATA_DIR="$data" python3 "$repo/tests/e2e/lib/authz_matrix.py" --matrix "$repo/docs/authorization.md" \
  --concord "$bin/concord" --scheduling "$p_sched" --delegations "$p_deleg" --documents "$p_docs" --notifications "$p_notif"
