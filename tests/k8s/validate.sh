#!/usr/bin/env bash
# Validates Concord's Kubernetes manifests and container image offline, with no cluster, no
# Docker engine and no network beyond the package registries that install the tools.
#
#   tests/k8s/validate.sh
#   tests/k8s/validate.sh --install-only   step 1 only (tests/prefetch.sh)
#
# 1. installs pinned tools into a cache outside the repository (kustomize and kubeconform with
#    `go install`, checkov with pip in a virtualenv), once;
# 2. renders every overlay (k8s/overlays/*) with kustomize;
# 3. validates the output strictly (unknown fields are errors) against the JSON Schemas of
#    ../shared/k8s-schemas: Kubernetes 1.32 kinds, Strimzi and Prometheus Operator resources;
# 4. proves that check rejects what it must: broken copies of the manifests (an unknown field, a
#    wrong type; in a built-in kind and in a Strimzi resource) have to fail it;
# 5. runs checkov's Kubernetes checks; only the exceptions in tests/k8s/checkov-skips.txt, each
#    with its reason, may fail;
# 6. reads the manifests against the code (tests/k8s/config_matches_code.py): every variable the
#    services read is set or written down, every port and probe path is one the binaries serve;
# 7. checks the image's runtime packages against the binaries' libraries
#    (deploy/docker/runtime-packages.sh --check) when binaries are there: CONCORD_BIN_DIR, or
#    build/bin. With CONCORD_BIN_DIR set (as tests/run.sh does), missing binaries are an error.
#
# CONCORD_TOOLS_CACHE overrides the tools' cache (default: $XDG_CACHE_HOME or ~/.cache, then
# concord-k8s-tools). Needs go, python3 (with venv) and git.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.1
KUBECONFORM_VERSION=v0.7.0
CHECKOV_VERSION=3.3.30
PYYAML_VERSION=6.0.2
KUBERNETES_VERSION=1.32.2

started=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
cd "$repo"
say() { printf 'k8s: %s\n' "$*" >&2; }
die() { printf 'k8s: FAIL: %s\n' "$*" >&2; exit 1; }

install_only=0
[ "${1:-}" != --install-only ] || install_only=1

if [ "$install_only" = 0 ]; then
  # The schemas live beside the repository, in the shared folder (CI has a copy there too).
  schemas="$repo/../shared/k8s-schemas"
  [ -d "$schemas/v1.32.2-standalone-strict" ] && [ -d "$schemas/kafka.strimzi.io" ] ||
    die "no Kubernetes JSON schemas at $schemas (expected the shared folder beside the repository: ../shared/k8s-schemas)"
  schemas="$(cd "$schemas" && pwd)"
fi

# ---- 1. tools ------------------------------------------------------------------------------
cache="${CONCORD_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(echo ~)}/.cache}/concord-k8s-tools}"
case "$cache/" in "$repo"/*) die "CONCORD_TOOLS_CACHE must be outside the repository" ;; esac
mkdir -p "$cache"
kustomize="$cache/kustomize-$KUSTOMIZE_VERSION/kustomize"
kubeconform="$cache/kubeconform-$KUBECONFORM_VERSION/kubeconform"
venv="$cache/checkov-$CHECKOV_VERSION"
{
  flock 9  # one installer at a time
  if [ ! -x "$kustomize" ] || [ ! -x "$kubeconform" ]; then
    command -v go >/dev/null || die "go is needed to install kustomize and kubeconform"
  fi
  if [ ! -x "$kustomize" ]; then
    say "installing kustomize $KUSTOMIZE_VERSION"
    GOBIN="$(dirname "$kustomize")" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  fi
  if [ ! -x "$kubeconform" ]; then
    say "installing kubeconform $KUBECONFORM_VERSION"
    GOBIN="$(dirname "$kubeconform")" go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  fi
  if [ ! -f "$venv/.installed" ]; then
    say "installing checkov $CHECKOV_VERSION (and PyYAML $PYYAML_VERSION) into a virtualenv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" "PyYAML==$PYYAML_VERSION"
    touch "$venv/.installed"
  fi
} 9>"$cache/.install.lock"
[ "$install_only" = 0 ] || exit 0

work="$(mktemp -d -t concord-k8s.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# ---- 2 and 3. render and validate strictly -------------------------------------------------
# The one check, used for the real manifests and for the broken copies alike.
validate() {  # validate RENDERED.yaml
  "$kubeconform" -strict -summary -output text \
    -kubernetes-version "$KUBERNETES_VERSION" \
    -schema-location "$schemas/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" \
    "$1"
}
# kustomize, then the check; fails if either fails.
render_and_validate() {  # render_and_validate K8S_DIR OVERLAY OUT.yaml
  "$kustomize" build "$1/overlays/$2" >"$3" && validate "$3"
}

overlays=()
for dir in k8s/overlays/*/; do overlays+=("$(basename "$dir")"); done
[ ${#overlays[@]} -gt 0 ] || die "no overlays under k8s/overlays"
for overlay in "${overlays[@]}"; do
  say "render and validate strictly: $overlay"
  out="$(render_and_validate k8s "$overlay" "$work/$overlay.yaml" 2>&1)" || { printf '%s\n' "$out" >&2; die "overlay $overlay is invalid"; }
  printf '%s\n' "$out" | sed 's/^/  /' >&2
  # Every resource must have had a schema: kubeconform skips what it has none for.
  grep -q 'Skipped: 0$' <<<"$out" || die "overlay $overlay: a resource had no schema (kubeconform skipped it)"
done

# ---- 4. broken copies must be rejected by the same check ------------------------------------
# Each case: a file of k8s/, a line in it (exact), what to put instead, and a word the rejection
# must name, so the case fails for the intended reason and not another.
broken_cases=(
  "unknown field in a Deployment|base/services/scheduling.yaml|  replicas: 2|  replicas: 2\n  replica: 2|replica"
  "wrong type in a Deployment|base/services/documents.yaml|  replicas: 2|  replicas: \"two\"|replicas"
  "wrong type in a container port|base/services/delegations.yaml|              containerPort: 8082|              containerPort: \"8082\"|containerPort"
  "unknown field in a KafkaTopic|base/kafka/topics.yaml|  topicName: concord.documents.v1|  topicName: concord.documents.v1\n  retention: forever|retention"
  "wrong type in a KafkaTopic|base/kafka/topics.yaml|  topicName: concord.scheduling.v1|  topicName: 42|topicName"
)
for case in "${broken_cases[@]}"; do
  IFS='|' read -r what file line replacement word <<<"$case"
  copy="$work/broken"
  rm -rf "$copy" && mkdir -p "$copy" && cp -r k8s "$copy/"
  grep -qxF -- "$line" "$copy/k8s/$file" || die "negative test '$what': the line '$line' is no longer in k8s/$file"
  python3 - "$copy/k8s/$file" "$line" "$replacement" <<'EOF'
import sys
path, line, replacement = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n")
text = open(path).read()
open(path, "w").write(text.replace(line + "\n", replacement + "\n", 1))
EOF
  if out="$(render_and_validate "$copy/k8s" "${overlays[0]}" "$work/broken.yaml" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "negative test '$what': the broken copy PASSED the check"
  fi
  grep -q -- "$word" <<<"$out" || { printf '%s\n' "$out" >&2; die "negative test '$what': rejected, but not for '$word'"; }
  # "… - Deployment concord-x is invalid: … at '/spec/replicas': got string, want integer"
  reason="$(grep -m1 -- "$word" <<<"$out" | sed -E "s/.* - ([A-Za-z]+ [^ ]+) is invalid: .*(at '[^']*': .*|additional properties .*)/\1: \2/")"
  say "rejected as it must be: $what — $reason"
done

# ---- 5. policy: checkov's Kubernetes checks ------------------------------------------------
say "checkov $CHECKOV_VERSION (Kubernetes checks) on ${overlays[*]}"
checkov_args=(--framework kubernetes --output json --skip-download --quiet)
for overlay in "${overlays[@]}"; do checkov_args+=(--file "$work/$overlay.yaml"); done
# Exit code 1 means failed checks, which are judged below against the exceptions.
"$venv/bin/checkov" "${checkov_args[@]}" >"$work/checkov.json" 2>"$work/checkov.err" || true
"$venv/bin/python" - "$work/checkov.json" "$here/checkov-skips.txt" <<'EOF' || { sed 's/^/  /' "$work/checkov.err" | tail -20 >&2; die "checkov"; }
import json, re, sys
report = json.load(open(sys.argv[1]))
reports = report if isinstance(report, list) else [report]
failed, passed = set(), 0
for r in reports:
    if r.get("check_type") != "kubernetes":
        continue
    passed += r["summary"]["passed"]
    for c in r["results"].get("failed_checks", []):
        kind, _namespace, name = c["resource"].split(".", 2)
        failed.add((c["check_id"], f"{kind}/{name}", c["check_name"]))
if passed == 0:
    sys.exit("no check ran")
allowed = {}
for line in open(sys.argv[2]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    m = re.match(r"(\S+)\s+(\S+)\s+--\s+(.+)", line)
    if not m:
        sys.exit(f"checkov-skips.txt: cannot read: {line[:80]}")
    allowed[m[1]] = (None if m[2] == "*" else set(m[2].split(",")), m[3])
bad = sorted(f for f in failed if f[0] not in allowed or (allowed[f[0]][0] is not None and f[1] not in allowed[f[0]][0]))
used = {(f[0], f[1]) for f in failed}
stale = []
for check, (resources, _) in allowed.items():
    if resources is None:
        if not any(u[0] == check for u in used):
            stale.append(f"{check} (*)")
    else:
        stale += [f"{check} {r}" for r in sorted(resources) if (check, r) not in used]
for check, resource, name in bad:
    print(f"k8s: FAIL: checkov {check} ({name}) fails for {resource}, and checkov-skips.txt does not excuse it", file=sys.stderr)
for s in stale:
    print(f"k8s: FAIL: checkov-skips.txt excuses {s}, which no longer fails: remove it", file=sys.stderr)
if bad or stale:
    sys.exit(1)
print(f"k8s: checkov: {passed} checks passed; exceptions (tests/k8s/checkov-skips.txt):", file=sys.stderr)
for check, (resources, why) in sorted(allowed.items()):
    print(f"  {check} on {'every resource' if resources is None else len(resources)} resource(s): {why[:110]}…", file=sys.stderr)
EOF

# ---- 6. the manifests against the code ------------------------------------------------------
rendered=()
for overlay in "${overlays[@]}"; do rendered+=("$work/$overlay.yaml"); done
"$venv/bin/python" "$here/config_matches_code.py" "$repo" "${rendered[@]}" || die "the manifests and the code disagree"

# ---- 7. the image's runtime packages against the binaries -----------------------------------
if [ -n "${CONCORD_BIN_DIR:-}" ]; then
  deploy/docker/runtime-packages.sh --check "$CONCORD_BIN_DIR" || die "runtime packages"
elif [ -x build/bin/concord ]; then
  deploy/docker/runtime-packages.sh --check build/bin || die "runtime packages"
else
  say "runtime packages: not checked here (no build/bin/concord; tests/run.sh checks them after its build)"
fi

say "ok: ${overlays[*]} valid, broken copies rejected, policy passed, config matches code ($((SECONDS - started)) s)"
