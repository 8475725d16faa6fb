#!/usr/bin/env bash
# The README's main job: installs what is missing, builds, and runs the scenario compiled into
# q50sim (a simulated year with every fault kind injected) through the simulator; prints the
# summary and where report.html is. Extra arguments go to `q50sim demo` (default --out
# build/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install_deps.sh >/dev/null
bash ci/build.sh release >/dev/null
if [[ " $* " != *" --out "* && " $* " != *" --pipeline "* ]]; then
  set -- --out build/demo "$@"
fi
./build/release/app/q50sim demo "$@"
