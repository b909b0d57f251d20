#!/usr/bin/env bash
# The seed scenario (issue 9), registered with ctest under the e2e label: installs the pinned
# e2e tools outside the repository (tests/e2e/lib/tools.sh), then plays the Belarus–Kyrgyzstan
# visit against the four service binaries (tests/e2e/seed_scenario.py says what it checks).
# Uses KAFKA_BROKERS/REDIS_URL when set (tests/run.sh exports them) and starts its own stack
# with deploy/local/stack.sh otherwise. CONCORD_BIN: the binaries' directory (default build/bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools_env="$("$here/lib/tools.sh")" && eval "$tools_env"
export CONCORD_E2E_NODE_PATH PYTHONDONTWRITEBYTECODE=1
# The members' e-mails go to Mailpit (CONCORD_E2E_MAIL=0 leaves e-mail out).
if [ "${CONCORD_E2E_MAIL:-1}" != 0 ]; then
  CONCORD_E2E_MAILPIT="$("$here/lib/mailpit.sh")"
  export CONCORD_E2E_MAILPIT
fi
exec "$CONCORD_E2E_PYTHON" "$here/seed_scenario.py" "$@"
