#!/usr/bin/env bash
# Calendar feeds read by an independent ICS parser with no header, revoked → 404, and browser
# stream tickets (single use) on `concord serve`: embedded, then on Kafka and Redis when
# KAFKA_BROKERS and REDIS_URL are set. No secret in any log line. See feeds_and_tickets.py.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools_env="$("$here/lib/tools.sh")"
eval "$tools_env"
exec "$CONCORD_E2E_PYTHON" "$here/feeds_and_tickets.py" "$bin" "$(cd "$here/../.." && pwd)"
