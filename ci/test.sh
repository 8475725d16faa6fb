#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release preset with g++ and
# runs the whole suite through ctest. Extra arguments go to ctest (e.g. -L agreement).
# The store tests need a PostgreSQL server: unless Q50SIM_PG_URL names one already, this starts
# the private one of ci/postgres.sh, exports its URL to the tests, and stops it at the end if it
# started it (a server that was running is left running). The Slurm test starts a one-node
# cluster itself (ci/slurm.sh); it is stopped at the end too unless one was up before.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install_deps.sh
bash ci/check_banned.sh
bash ci/build.sh release
cleanup=()
finish() { for c in "${cleanup[@]}"; do bash "ci/$c.sh" stop || true; done; }
trap finish EXIT
if [ -z "${Q50SIM_PG_URL:-}" ]; then
  if ! bash ci/postgres.sh url >/dev/null 2>&1; then cleanup+=(postgres); fi
  Q50SIM_PG_URL="$(bash ci/postgres.sh start)"
  export Q50SIM_PG_URL
fi
if ! bash ci/slurm.sh status >/dev/null 2>&1; then cleanup+=(slurm); fi
echo "test: store tests use $Q50SIM_PG_URL"
ctest --preset release -j "$(nproc)" "$@"
