#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release preset with g++ and
# runs the whole suite through ctest. Extra arguments go to ctest (e.g. -L agreement).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install_deps.sh
bash ci/check_banned.sh
bash ci/build.sh release
ctest --preset release -j "$(nproc)" "$@"
