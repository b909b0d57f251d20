#!/usr/bin/env bash
# Installs the test tiers' pinned tools ahead of the tiers that use them: the e2e tools and
# Mailpit, Toxiproxy, the OpenID Provider, and the manifests' validators. Each goes into its
# cache outside the repository under its own lock, as the tier itself would install it.
# tests/run.sh starts this in the background at the lowest CPU priority while C++ compiles:
# downloads overlap the build and Go builds take the CPU the compiler leaves. A tier never
# depends on it: it installs whatever it still finds missing, so a failure here costs time
# only, and is reported as such.
#
#   tests/prefetch.sh        (prints one line per tool, with its time)
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# All at once: their downloads wait on the network, not on each other.
fetch() {  # fetch NAME COMMAND...
  local name="$1" started=$SECONDS
  shift
  if "$@" >/dev/null; then
    printf 'prefetch: %s ready (%d s)\n' "$name" $((SECONDS - started)) >&2
  else
    printf 'prefetch: %s failed (%d s); its tier will try again\n' "$name" $((SECONDS - started)) >&2
    return 1
  fi
}
fetch "e2e tools" tests/e2e/lib/tools.sh &
fetch "Mailpit" tests/e2e/lib/mailpit.sh &
fetch "Toxiproxy" python3 tests/faults/harness.py --install &
fetch "oidc-provider" tests/oidc/run.sh --install-only &
fetch "kustomize, kubeconform, checkov" tests/k8s/validate.sh --install-only &
status=0
for job in $(jobs -p); do wait "$job" || status=1; done
exit $status
