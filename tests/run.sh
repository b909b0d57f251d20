#!/usr/bin/env bash
# Concord's one test command: installs what is missing, builds, starts a real Redis and a real
# Kafka broker on free loopback ports, runs every tier, stops what it started, and exits
# non-zero on any failure.
#
#   tests/run.sh            everything: integration (real Kafka and Redis), e2e, the console in
#                           a browser, a real OpenID Provider, faults, then unit and component
#                           (in process over loopback sockets) under AddressSanitizer + UBSan
#                           (clang), with every libFuzzer target run for a bounded time
#   CONCORD_TEST_QUICK=1    no sanitizer and fuzzing build: unit and component run first, in the
#                           normal build (for a fast local loop)
#   CONCORD_FUZZ_SECONDS=N  seconds per fuzz target (15)
#   CONCORD_UNITY_BUILD=OFF build each source file alone (the default batches them: faster)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${CONCORD_BUILD_DIR:-$repo/build}"
asan_build="${CONCORD_ASAN_BUILD_DIR:-$repo/build-asan}"
jobs="$(nproc)"
fuzz_targets=()
# Each step prints when it starts, and how long the one before it took: CI's log then says where
# the test command's time goes.
run_started=$SECONDS
step_started=$SECONDS
step_name=""
step() {
  [ -z "$step_name" ] || printf '<== %s: %d s\n' "$step_name" $((SECONDS - step_started)) >&2
  step_name="$*"
  step_started=$SECONDS
  printf '\n==> %s (at %d s)\n' "$*" $((SECONDS - run_started)) >&2
}

step "dependencies"
deploy/install-deps.sh
# The tiers' own tools install in the background, at the lowest priority, while C++ compiles.
prefetch_log="$(mktemp -t concord-prefetch.XXXXXX)"
setsid nice -n 19 tests/prefetch.sh >"$prefetch_log" 2>&1 &
prefetch_pid=$!
stack_started=0
sanitizer_pid=""
k8s_pid=""
cleanup() {
  kill -- -"$prefetch_pid" 2>/dev/null || true
  [ -z "$sanitizer_pid" ] || kill -- -"$sanitizer_pid" 2>/dev/null || true
  [ -z "$k8s_pid" ] || kill -- -"$k8s_pid" 2>/dev/null || true
  [ "$stack_started" = 0 ] || deploy/local/stack.sh stop >&2 || true
}
trap cleanup EXIT

step "format: every C++ file as .clang-format says"
tests/format.sh

step "configure and build ($build)"
# Unity sources (README, "Build fast"): each target's files compiled eight at a time. The unit and
# component tests are compiled once, in the sanitizer build, which runs them (below); the quick
# loop has no sanitizer build and compiles them here.
in_process_tests=OFF
[ "${CONCORD_TEST_QUICK:-0}" != 1 ] || in_process_tests=ON
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONCORD_WERROR="${CONCORD_WERROR:-ON}" \
  -DCMAKE_UNITY_BUILD="${CONCORD_UNITY_BUILD:-ON}" -DCONCORD_IN_PROCESS_TESTS="$in_process_tests" >/dev/null
cmake --build "$build" -j "$jobs"

if [ "${CONCORD_TEST_QUICK:-0}" != 1 ]; then
  # The sanitizer and fuzzing build is the largest compile of the command (clang, ASan, UBSan
  # and coverage hooks on every object). It runs in the background from here on, under the
  # idle scheduling class, so it takes only the CPU the tiers below leave (they mostly wait on
  # the broker, browsers and timeouts) and never slows them; the tier that needs it waits for it.
  # It builds the unit and component tiers (the platform's unit tests, every service's domain
  # and API tests: handlers over the file log and the memory cache, in process), where memory
  # errors would hide, and runs them there only; the process, integration and e2e tiers run in
  # the normal build. One build serves the fuzzers too, at -O1 so that fuzzing is not crawling.
  # The compiler is named on the command line, so a build directory configured with g++ before
  # is reconfigured for clang.
  cmake -S . -B "$asan_build" -G Ninja -DCMAKE_CXX_COMPILER="$(command -v clang++-16)" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCONCORD_SANITIZE=ON -DCONCORD_FUZZERS=ON \
    -DCONCORD_WERROR="${CONCORD_WERROR:-ON}" -DCONCORD_BENCHMARKS=OFF -DCMAKE_UNITY_BUILD="${CONCORD_UNITY_BUILD:-ON}" \
    >/dev/null
  mapfile -t asan_targets <"$asan_build/in_process_tests.txt"
  for t in $(ninja -C "$asan_build" -t targets all 2>/dev/null | grep -oE '^fuzz_[a-z_]+:' | tr -d ':' | sort -u); do
    fuzz_targets+=("$t")
  done
  sanitizer_log="$(mktemp -t concord-sanitizer-build.XXXXXX)"
  sanitizer_started=$SECONDS
  # Where the idle class is refused (a restricted container), the lowest nice level instead.
  idle_class=(chrt --idle 0)
  chrt --idle 0 true 2>/dev/null || idle_class=(nice -n 19)
  setsid "${idle_class[@]}" cmake --build "$asan_build" -j "$jobs" --target "${asan_targets[@]}" "${fuzz_targets[@]}" \
    >"$sanitizer_log" 2>&1 &
  sanitizer_pid=$!
  echo "the sanitizer build ($asan_build, clang) runs in the background from here" >&2
fi

if [ "$in_process_tests" = ON ]; then
  step "unit tests"
  ctest --test-dir "$build" -L unit --output-on-failure -j "$jobs"

  step "component tests (in process over loopback sockets, or with a child process; no broker)"
  ctest --test-dir "$build" -L component --output-on-failure -j "$jobs"
fi

step "local stack: Redis and Kafka on free ports"
export CONCORD_STACK_DIR="${CONCORD_STACK_DIR:-$(mktemp -d -t concord-stack.XXXXXX)}"
read -r KAFKA_PORT KAFKA_CONTROLLER_PORT REDIS_PORT < <(deploy/local/free-port.sh 3 | xargs)
export KAFKA_PORT KAFKA_CONTROLLER_PORT REDIS_PORT
stack_started=1
stack_env="$(deploy/local/stack.sh start)" && eval "$stack_env"
export KAFKA_BROKERS REDIS_URL
echo "KAFKA_BROKERS=$KAFKA_BROKERS REDIS_URL=$REDIS_URL" >&2

step "integration tests (real Kafka, real Redis, file log, memory cache)"
# Side by side; the few that stop the shared broker are RUN_SERIAL (tests/CMakeLists.txt).
ctest --test-dir "$build" -L integration --output-on-failure -j "$jobs"

step "e2e (the binaries as processes, over HTTP), on a fresh stack"
# As in production, the public topics hold only what the services wrote: the integration tests
# append hand-made events (partial snapshots) that the seed scenario's integrator would read
# from the beginning and rightly reject against the AsyncAPI schemas.
stack_env="$(deploy/local/stack.sh start)" && eval "$stack_env"
export KAFKA_BROKERS REDIS_URL
ctest --test-dir "$build" -L e2e --output-on-failure -j 1

step "browser: the console in Chromium (Playwright, axe-core) on concord serve"
CONCORD_BUILD_DIR="$build" tests/browser/run.sh

step "oidc: tokens of a real OpenID Provider (oidc-provider over HTTPS) on concord-scheduling; the console's sign-in at it in Chromium"
CONCORD_BUILD_DIR="$build" tests/oidc/run.sh

# The manifests' check needs only the binaries and its tools (installed by now: the background
# installs are waited for, so the two never install the same tool at once). It runs beside the
# faults tier, which mostly waits out partitions and timeouts, and is waited for at the end.
wait "$prefetch_pid" 2>/dev/null || true
k8s_log="$(mktemp -t concord-k8s.XXXXXX)"
setsid nice -n 10 env CONCORD_BIN_DIR="$build/bin" tests/k8s/validate.sh >"$k8s_log" 2>&1 &
k8s_pid=$!

step "faults: a full disk under the file log; Redis and Kafka behind Toxiproxy; a network-namespace partition; writer failover"
ctest --test-dir "$build" -L '^faults$' --output-on-failure -j 1

if [ "${CONCORD_TEST_QUICK:-0}" != 1 ]; then
  step "unit and component tests under AddressSanitizer + UBSan ($asan_build, clang), then the fuzz targets"
  waited=$SECONDS
  if ! wait "$sanitizer_pid"; then
    sanitizer_pid=""
    tail -n 60 "$sanitizer_log" >&2
    echo "the sanitizer build failed (its whole log: $sanitizer_log)" >&2
    exit 1
  fi
  sanitizer_pid=""
  printf 'the sanitizer build took %d s in the background; this step waited %d s for it\n' \
    $((SECONDS - sanitizer_started)) $((SECONDS - waited)) >&2
  # One ctest test per binary in this build (tests/CMakeLists.txt), two at a time.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan_build" -L '^(unit|component)$' --output-on-failure -j "$jobs"

  step "fuzzing: every libFuzzer target for ${CONCORD_FUZZ_SECONDS:-15} s from its seeds and regressions"
  tests/fuzz/run.sh "$asan_build"
fi

# Whatever the background installs printed (by now they are done, or the tiers did them).
sed 's/^/  /' "$prefetch_log" >&2
step "container image and Kubernetes manifests (offline: schemas, policy, config against code; ran beside the faults tier)"
k8s_status=0
wait "$k8s_pid" || k8s_status=$?
k8s_pid=""
cat "$k8s_log" >&2
[ "$k8s_status" = 0 ] || { echo "the manifests' check failed" >&2; exit 1; }

step "done"
echo "all tiers passed in $((SECONDS - run_started)) s" >&2
