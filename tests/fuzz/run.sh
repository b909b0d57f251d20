#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, starting from its committed seeds and
# regression inputs, and prints one line per target: executions, corpus size, findings.
# Exits non-zero on any finding (the crashing input is kept under the work directory and
# printed; add it to tests/fuzz/regressions/<target>/ with the fix).
#
#   tests/fuzz/run.sh BUILD_DIR                     15 s per target (the test command)
#   CONCORD_FUZZ_SECONDS=3600 tests/fuzz/run.sh BUILD_DIR [target...]   the long run
#
# BUILD_DIR is a clang build with -DCONCORD_SANITIZE=ON -DCONCORD_FUZZERS=ON (tests/run.sh's
# sanitizer tier). CONCORD_FUZZ_JOBS=N runs N processes per target (libFuzzer's -fork);
# CONCORD_FUZZ_PARALLEL=N runs N targets at once (default: the cores divided by the jobs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: tests/fuzz/run.sh BUILD_DIR [target...]}"
shift
seconds="${CONCORD_FUZZ_SECONDS:-15}"
jobs="${CONCORD_FUZZ_JOBS:-1}"
work="${CONCORD_FUZZ_WORK:-$(mktemp -d -t concord-fuzz.XXXXXX)}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for seeds in "$here"/seeds/*/; do targets+=("$(basename "$seeds")"); done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Targets run side by side, as many at a time as there are cores (CONCORD_FUZZ_PARALLEL): each
# is one single-threaded process, so the bounded run takes its seconds once per round, not per target.
parallel="${CONCORD_FUZZ_PARALLEL:-$(( $(nproc) / jobs > 0 ? $(nproc) / jobs : 1 ))}"

fuzz_one() {  # target → $work/<target>/result: "<executions> <exec/s> <corpus size> <result>"
  local t=$1 bin="$build/fuzz/fuzz_$1" corpus="$work/$1/corpus" log="$work/$1/log.txt" result execs rate size
  mkdir -p "$corpus" "$work/$t/artifacts"
  local inputs=("$corpus" "$here/seeds/$t") dict=() fork=()
  [ -d "$here/regressions/$t" ] && inputs+=("$here/regressions/$t")
  [ -f "$here/dictionaries/$t.dict" ] && dict=("-dict=$here/dictionaries/$t.dict")
  [ "$jobs" -gt 1 ] && fork=("-fork=$jobs" "-ignore_crashes=0")
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb also caps any single allocation.
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$t/artifacts/" "${dict[@]}" "${fork[@]}" "${inputs[@]}" >"$log" 2>&1; then
    result=ok
  else
    result="FINDING: $(ls "$work/$t/artifacts/" | head -1) (log: $log)"
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
  rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
  # -fork prints no final stats: its last progress line ("#538136: cov: ...") counts them.
  [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)"
  [ -n "$rate" ] || rate=$(( ${execs:-0} / seconds ))
  size="$(find "$corpus" -type f | wc -l)"
  echo "${execs:-0} ${rate:-?} $size $result" >"$work/$t/result"
}

for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/fuzz_$t" ]; then
    echo "fuzz: $build/fuzz/fuzz_$t is missing (configure with clang, -DCONCORD_SANITIZE=ON -DCONCORD_FUZZERS=ON)" >&2
    exit 1
  fi
done
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=0
total_execs=0
printf '%-18s %10s %8s %8s %s\n' target executions exec/s corpus result >&2
for t in "${targets[@]}"; do
  read -r execs rate size result <"$work/$t/result"
  if [ "$result" != ok ]; then
    failed=1
    tail -40 "$work/$t/log.txt" >&2
  fi
  total_execs=$((total_execs + execs))
  printf '%-18s %10s %8s %8s %s\n' "$t" "$execs" "$rate" "$size" "$result" >&2
done
echo "fuzz: ${#targets[@]} targets, $total_execs executions in ${seconds}s each, $parallel at a time, findings: $failed" >&2
[ "${CONCORD_FUZZ_KEEP:-0}" = 1 ] || [ "$failed" = 1 ] || rm -rf "$work"
exit "$failed"
