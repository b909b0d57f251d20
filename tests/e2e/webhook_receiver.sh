#!/usr/bin/env bash
# The webhook receiver example (examples/webhook-receiver) receives `concord serve`'s signed
# deliveries, refuses forged, stale and malformed ones, drops a replay, and keeps verifying
# through a secret rotation. See webhook_receiver.py.
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/webhook_receiver.py" "$bin" "$(cd "$here/../.." && pwd)"
