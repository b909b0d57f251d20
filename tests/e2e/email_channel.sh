#!/usr/bin/env bash
# The e-mail channel against Mailpit (STARTTLS and AUTH required): see email_channel.py.
# Mailpit is `go install`ed once outside the repository (tests/e2e/lib/mailpit.sh); icalendar
# comes with the e2e tools (tests/e2e/lib/tools.sh).
set -euo pipefail
bin="${CONCORD_BIN:?set CONCORD_BIN to the bin directory of a build}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools_env="$("$here/lib/tools.sh")" && eval "$tools_env"
mailpit="$("$here/lib/mailpit.sh")"
exec "$CONCORD_E2E_PYTHON" "$here/email_channel.py" "$bin" "$mailpit"
