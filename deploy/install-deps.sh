#!/usr/bin/env bash
# Installs every Debian 12 package Concord needs to build, test and run.
# Idempotent: packages already present are skipped, so the test command can call it every time.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-url1.81-dev
  librdkafka-dev libhiredis-dev nlohmann-json3-dev libhowardhinnant-date-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev tzdata
)
test_packages=(
  redis-server redis-tools openjdk-17-jre-headless maven wrk curl python3 python3-venv jq
  # The sanitizer and fuzzing build: clang with libFuzzer and the sanitizer runtimes, and
  # llvm-symbolizer for readable reports.
  clang-16 libclang-rt-16-dev llvm-16
)

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
