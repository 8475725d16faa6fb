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
  # The existing system's HummingbotQuantileBacktester on the same 10,000-bar case, from a checkout
  # of qlib_trading_v2 named by Q50SIM_PY_REPO (only src/backtesting/backtester.py is read; Debian's
  # python3-pandas and python3-numpy): 5 runs in one process, then 3 whole processes. Skipped,
  # saying so, without Q50SIM_PY_REPO.
  [python_hb]=""
  # One normal draw: the ziggurat against the Irwin-Hall sum it replaced.
  [prng_bench]=""
  # One float as Python's repr, on the floats of the 10,000-bar case's expected outputs.
  [py_repr_bench]=""
)

python_hb() {
  local case_dir=build/release/reference/backtest_hb/d17245f_enhanced
  local script=bench/python/hb_backtester_time.py
  echo "== python_hb (the existing system's backtester, same case)"
  if [ -z "${Q50SIM_PY_REPO:-}" ]; then
    echo "skipped: set Q50SIM_PY_REPO to a qlib_trading_v2 checkout (f9f95a4) to measure it"
    return 0
  fi
  ctest --preset release -R '^golden_existing_unpack$' --output-on-failure >/dev/null
  machine
  /usr/bin/python3 "$script" "$Q50SIM_PY_REPO" "$case_dir" 5
  for _ in 1 2 3; do
    /usr/bin/time -f "  whole process (python3 import + read + 1 run): wall %e s, cpu %U+%S s" \
      /usr/bin/python3 "$script" "$Q50SIM_PY_REPO" "$case_dir" 1 >/dev/null
  done
  machine
}

names=("$@")
[ ${#names[@]} -eq 0 ] && names=(signal_pipeline_bench features_bench prng_bench py_repr_bench stream_bench replay_loop_bench replay_bench sweep_bench python_hb)
for name in "${names[@]}"; do
  if [ "$name" = python_hb ]; then
    python_hb
    continue
  fi
  if [ -z "${args[$name]+set}" ]; then
    echo "ci/bench.sh: unknown bench '$name' (known: ${!args[*]})" >&2
    exit 2
  fi
  if [ "$name" = replay_bench ] || [ "$name" = replay_loop_bench ] || [ "$name" = py_repr_bench ]; then
    ctest --preset release -R '^golden_existing_unpack$' --output-on-failure
  fi
  # shellcheck disable=SC2086  # the argument lists are word lists on purpose
  run "$name" ${args[$name]}
done
