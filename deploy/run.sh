#!/usr/bin/env bash
# Concord's run command: installs what is missing, builds, and runs `concord serve`.
#
#   deploy/run.sh           the embedded default: no Kafka, no Redis; state in ./concord-data
#   deploy/run.sh --stack   the distributed engines on this machine: starts Redis and a Kafka
#                           broker with deploy/local/stack.sh and points Concord at them
#   deploy/run.sh --stack --processes
#                           the same, with the four services as four processes (as in
#                           production) instead of `concord serve`: deploy/run-processes.sh
# It prints every service's URL, the console's with a one-time sign-in link (as Jupyter prints its
# token link) and a protocol officer's token, then serves until Ctrl-C.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${CONCORD_BUILD_DIR:-$repo/build-release}"
mode="${1:-embedded}"
# The four services as four processes on the local stack: deploy/run-processes.sh.
if [ "$mode" = --stack ] && [ "${2:-}" = --processes ]; then exec "$repo/deploy/run-processes.sh"; fi

if [ "$mode" = --stack ]; then
  deploy/install-deps.sh
else
  deploy/install-deps.sh --build-only
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONCORD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target concord -j "$(nproc)" >&2

export CONCORD_DATA_DIR="${CONCORD_DATA_DIR:-$repo/concord-data}"
case "$mode" in
  embedded) unset KAFKA_BROKERS REDIS_URL ;;
  --stack)
    stack_env="$(deploy/local/stack.sh start)" && eval "$stack_env"
    export KAFKA_BROKERS REDIS_URL
    trap 'deploy/local/stack.sh stop >&2' EXIT
    ;;
  *) echo "usage: deploy/run.sh [--stack [--processes]]" >&2; exit 2 ;;
esac

token="$("$build/bin/concord" token --role protocol_officer --sub protocol-officer --ttl 8h)"
echo "Concord (${KAFKA_BROKERS:+Kafka $KAFKA_BROKERS, Redis $REDIS_URL}${KAFKA_BROKERS:-embedded default, data in $CONCORD_DATA_DIR})"
echo "A protocol officer's token (8 h):"
echo "  export TOKEN=$token"
echo "Services (open the console's link in a browser: it signs a protocol officer in, once):"
"$build/bin/concord" serve
