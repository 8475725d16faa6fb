#!/usr/bin/env bash
# The README's main job: installs what is missing, builds, and runs the signal pipeline over
# the embedded synthetic quantile series. Extra arguments go to `q50sim demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install_deps.sh >/dev/null
bash ci/build.sh release >/dev/null
./build/release/app/q50sim demo "$@"
