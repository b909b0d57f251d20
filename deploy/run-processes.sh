#!/usr/bin/env bash
# Concord as production runs it, on this machine: the four services as four separate processes
# (concord-scheduling, concord-delegations, concord-documents, concord-notifications) on a real
# Kafka broker and a real Redis. Also reachable as `deploy/run.sh --stack --processes`.
#
#   deploy/run-processes.sh
#
# With KAFKA_BROKERS and REDIS_URL both set it uses those servers (and leaves them running);
# otherwise it starts the local stack with deploy/local/stack.sh and stops it on exit. Each
# service listens on its usual port (8081-8084, or CONCORD_<SERVICE>_ADDR), keeps its data dir
# under $CONCORD_DATA_DIR/<service> and logs to $CONCORD_DATA_DIR/logs/<service>.log. All four
# share one JWT secret (CONCORD_JWT_SECRET, else generated once into $CONCORD_DATA_DIR/jwt-secret)
# so one token works everywhere. It prints the URLs and a protocol officer's token, then waits;
# Ctrl-C stops the services (SIGTERM), then the stack if it started it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${CONCORD_BUILD_DIR:-$repo/build-release}"
services=(scheduling delegations documents notifications)
declare -A default_port=([scheduling]=8081 [delegations]=8082 [documents]=8083 [notifications]=8084)

deploy/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONCORD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target concord concord-console "${services[@]/#/concord-}" -j "$(nproc)" >&2

export CONCORD_DATA_DIR="${CONCORD_DATA_DIR:-$repo/concord-data}"
mkdir -p "$CONCORD_DATA_DIR/logs"
if [ -z "${CONCORD_JWT_SECRET:-}" ]; then
  if [ ! -s "$CONCORD_DATA_DIR/jwt-secret" ]; then
    (umask 077 && openssl rand -hex 32 >"$CONCORD_DATA_DIR/jwt-secret")
  fi
  CONCORD_JWT_SECRET="$(cat "$CONCORD_DATA_DIR/jwt-secret")"
fi
export CONCORD_JWT_SECRET

pids=()
own_stack=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$own_stack" ]; then deploy/local/stack.sh stop >&2 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${KAFKA_BROKERS:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  echo "using KAFKA_BROKERS=$KAFKA_BROKERS REDIS_URL=$REDIS_URL (left running on exit)" >&2
else
  stack_env="$(deploy/local/stack.sh start)" && eval "$stack_env"
  own_stack=1
fi
export KAFKA_BROKERS REDIS_URL

echo "Concord: four processes on Kafka $KAFKA_BROKERS and Redis $REDIS_URL"
for s in "${services[@]}"; do
  var="CONCORD_${s^^}_ADDR"
  addr="${!var:-127.0.0.1:${default_port[$s]}}"
  mkdir -p "$CONCORD_DATA_DIR/$s"
  env "$var=$addr" CONCORD_HTTP_ADDR="$addr" CONCORD_DATA_DIR="$CONCORD_DATA_DIR/$s" \
    "$build/bin/concord-$s" >>"$CONCORD_DATA_DIR/logs/$s.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    curl -fsS "http://$addr/readyz" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "concord-$s exited; see $CONCORD_DATA_DIR/logs/$s.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -fsS "http://$addr/readyz" >/dev/null 2>&1 || { echo "concord-$s is not ready after 60 s" >&2; exit 1; }
  printf '  %-14s http://%s (pid %s, log %s)\n' "$s" "$addr" "${pids[-1]}" "$CONCORD_DATA_DIR/logs/$s.log"
done
# The console, forwarding /api/<service>/ to each service's address; it prints its sign-in link.
console_env=()
for s in "${services[@]}"; do
  var="CONCORD_${s^^}_ADDR"
  console_env+=("CONCORD_${s^^}_URL=http://${!var:-127.0.0.1:${default_port[$s]}}")
done
mkdir -p "$CONCORD_DATA_DIR/console"
env "${console_env[@]}" CONCORD_DATA_DIR="$CONCORD_DATA_DIR/console" "$build/bin/concord-console" \
  >"$CONCORD_DATA_DIR/logs/console.out" 2>>"$CONCORD_DATA_DIR/logs/console.log" &
pids+=($!)
for _ in $(seq 100); do grep -q '^console' "$CONCORD_DATA_DIR/logs/console.out" 2>/dev/null && break; sleep 0.1; done
sed 's/^/  /' "$CONCORD_DATA_DIR/logs/console.out"
token="$("$build/bin/concord" token --role protocol_officer --sub protocol-officer --ttl 8h)"
echo "A protocol officer's token (8 h):"
echo "  export TOKEN=$token"
echo "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
echo "a service exited; stopping the others" >&2
exit 1
