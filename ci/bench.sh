#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks (never part of ctest). Each prints the
# machine or its own per-item costs; compare figures only between runs on the same machine
# type, with nothing else running (replay_bench prints the load average it saw).
# Usage: ci/bench.sh [NAME...]   (default: every bench below; NAME e.g. replay_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/build.sh release
bin=build/release/bench

# Every figure is printed with the machine it ran on and the load it saw: on a shared 2-core
# VM the load average moves figures by 2x, so a figure without them cannot be compared.
machine() {
  local model
  model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  echo "machine: ${model:-unknown}, nproc $(nproc), $(uname -r); load $(cut -d' ' -f1-4 /proc/loadavg)"
}

run() {
  local name="$1"
  shift
  echo "== $name $*"
  machine
  "$bin/$name" "$@"
  machine
}

declare -A args=(
  [signal_pipeline_bench]=""
  [features_bench]=""
  [stream_bench]=""
  # The legacy replay loop alone (sim::run_replay), in process, on the 10,000-bar case: min and
  # median ns/bar by thread CPU time over 200 runs, its fingerprint checked by the replay tests.
  [replay_loop_bench]="200"
  # The 10,000-bar hummingbot replay as a whole process, 50 fork+exec runs, on the reference
  # case in golden/existing (checked and unpacked by ctest's fixture, below).
  [replay_bench]="50 build/release/reference/backtest_hb/d17245f_enhanced"
  # q50sim sweep over scenarios/sweeps/hb_grid.toml (1,008 hummingbot replays), whole processes,
  # on one thread and on two; it reads the reference data gzipped from golden/existing.
  [sweep_bench]="3"
)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(signal_pipeline_bench features_bench stream_bench replay_loop_bench replay_bench sweep_bench)
for name in "${names[@]}"; do
  if [ -z "${args[$name]+set}" ]; then
    echo "ci/bench.sh: unknown bench '$name' (known: ${!args[*]})" >&2
    exit 2
  fi
  if [ "$name" = replay_bench ] || [ "$name" = replay_loop_bench ]; then
    ctest --preset release -R '^golden_existing_unpack$' --output-on-failure
  fi
  # shellcheck disable=SC2086  # the argument lists are word lists on purpose
  run "$name" ${args[$name]}
done
