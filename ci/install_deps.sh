#!/usr/bin/env bash
# Installs the Debian 12 packages q50sim builds and tests with. Idempotent: packages already
# present are skipped, and apt is only touched when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-14 lld-14
  libboost-test-dev
  librapidcheck-dev
  libabsl-dev
  libcereal-dev
  libssl-dev
  libcpp-httplib-dev
  # live/rest_client: https to the venue verifies certificates against OpenSSL's default CA paths.
  ca-certificates
  libfmt-dev
  libtomlplusplus-dev
  nlohmann-json3-dev
  # tests/tools: the macro_features.pkl export is tested with Debian's pandas (1.5.3, the
  # version the existing system ran).
  python3-pandas
  # tests/io/report_render_test: report.html is screenshot in headless Chromium and the PNG
  # decoded with zlib.
  chromium
  zlib1g-dev
  # store/: the results store (SQLite embedded, PostgreSQL client), and for its tests a real
  # PostgreSQL 15 server (ci/postgres.sh) and the sqlite3 shell to inspect stores by hand.
  libsqlite3-dev
  libpq-dev
  postgresql
  sqlite3
  # sweeps as Slurm job arrays: the slurm-labelled test runs a one-node cluster on localhost
  # (ci/slurm.sh), as spec/slurm-one-node.md describes.
  slurm-wlm
  munge
)
# Extra packages callers may ask for (e.g. chromium for report screenshots).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install_deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
