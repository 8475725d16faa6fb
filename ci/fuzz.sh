#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc; clang 14 with address and UB sanitizers)
# and fuzzes each for SECONDS (default 300), two at a time, from its committed corpus and
# regressions. Prints per target: wall and CPU seconds, executions, corpus size, findings.
# Usage: ci/fuzz.sh [SECONDS] [TARGET...]
#   Q50SIM_FUZZ_PRESET  the preset that builds them (default fuzz: the targets alone; asan-ubsan
#                       builds them too, next to the test suite)
#   Q50SIM_FUZZ_JOBS    targets fuzzed at once (default 2)
# The committed corpus is never written: each target fuzzes a copy. A finding (crash, timeout,
# out of memory) is kept under build/<preset>/fuzz-findings/<target>/ and fails the script; fix
# it, then commit the input under tests/fuzz/regressions/<target>/ (ctest runs it from then on).
# Leak checks are off: a run's allocations live until exit by design (app/main.cc tune_malloc).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
preset="${Q50SIM_FUZZ_PRESET:-fuzz}"
jobs="${Q50SIM_FUZZ_JOBS:-2}"
root="$(pwd)"
cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" --target fuzz_targets -j "$(nproc)"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/*_fuzz.cc; do
    name="$(basename "$src" .cc)"
    targets+=("${name%_fuzz}")
  done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
findings_dir="$root/build/$preset/fuzz-findings"
rm -rf "$findings_dir"

fuzz_one() {
  local t="$1" bin="$root/build/$preset/tests/fuzz/${1}_fuzz"
  local dir="$work/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  for src in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do
    if [ -d "$src" ]; then cp -r "$src/." "$dir/corpus/"; fi
  done
  # -close_fd_mask=3: the command-line target's commands print; libFuzzer still reports.
  /usr/bin/time -f "%e %U %S" -o "$dir/time" \
    "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -detect_leaks=0 \
      -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
      >"$dir/log" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

status=0
printf '%-20s %8s %8s %12s %8s  %s\n' target wall_s cpu_s execs corpus findings
for t in "${targets[@]}"; do
  dir="$work/$t"
  read -r wall user sys < <(tail -1 "$dir/time")
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  found="$(find "$dir/artifacts" -type f | wc -l)"
  printf '%-20s %8s %8s %12s %8s  %s\n' "$t" "$wall" "$cpu" "${execs:-?}" "$corpus" "$found"
  if [ "$found" -gt 0 ] || ! grep -q '^Done\|stat::number_of_executed_units' "$dir/log"; then
    status=1
    mkdir -p "$findings_dir/$t"
    cp -r "$dir/artifacts/." "$findings_dir/$t/"
    cp "$dir/log" "$findings_dir/$t/log.txt"
    echo "  $t: see $findings_dir/$t/ (log.txt has the report)"
    grep -m3 'ERROR: \|SUMMARY: \|runtime error' "$dir/log" | sed 's/^/    /' || true
  fi
done
exit "$status"
