#!/usr/bin/env bash
# A private PostgreSQL 15 server for the store tests: Debian's binaries, its own data directory,
# listening on 127.0.0.1 only, on a free port. Usage: ci/postgres.sh start|stop|url
#   start  initialises and starts the server if it is not running, creates the test database
#          and prints its URL (idempotent: a running server is reused)
#   url    prints the URL of the running server; exits 1 when none runs
#   stop   stops the server and removes its directory (idempotent)
# The directory is /tmp/q50sim-pg-<checksum of this checkout's path> (override with
# Q50SIM_PG_DIR), so checkouts side by side each get their own server. PostgreSQL refuses to
# run as root, so as root it runs as the `postgres` OS user that Debian's package creates.
#
# Authentication: trust for the `postgres` role on 127.0.0.1 (the URL carries no secret), and
# scram-sha-256 for the role q50_password_probe, which the store tests create to check that a
# password given in a URL never appears in an error message.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin=/usr/lib/postgresql/15/bin
base="${Q50SIM_PG_DIR:-/tmp/q50sim-pg-$(printf '%s' "$root" | cksum | cut -d' ' -f1)}"
data="$base/data"
db=q50sim_test

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "postgresql://postgres@127.0.0.1:$(cat "$base/port")/$db"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
  mkdir -p "$base"
  chmod 700 "$base"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$base"; fi
  as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$base/initdb.log" 2>&1 \
    || { cat "$base/initdb.log" >&2; exit 1; }
  as_pg tee "$data/pg_hba.conf" >/dev/null <<'EOF'
local all all                           trust
host  all q50_password_probe 127.0.0.1/32 scram-sha-256
host  all all                127.0.0.1/32 trust
EOF
}

start_server() {
  # The port is chosen just before start; if another process takes it first, try another.
  for _ in 1 2 3 4 5; do
    local port
    port="$(free_port)"
    if as_pg "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 start \
         -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$base -c fsync=off" \
         >/dev/null; then
      echo "$port" >"$base/port"
      return 0
    fi
  done
  echo "postgres.sh: the server did not start; see $base/server.log" >&2
  tail -n 20 "$base/server.log" >&2 || true
  exit 1
}

create_db() {
  local psql=("$bin/psql" -h 127.0.0.1 -p "$(cat "$base/port")" -U postgres -d postgres -tAq)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE $db" >/dev/null
  fi
}

case "${1:-}" in
  start)
    if ! running; then
      [ -f "$data/PG_VERSION" ] || init_cluster
      start_server
    fi
    create_db
    url
    ;;
  url)
    running || { echo "postgres.sh: no server runs in $base" >&2; exit 1; }
    url
    ;;
  stop)
    if running; then as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    rm -rf "$base"
    ;;
  *)
    echo "usage: ci/postgres.sh start|stop|url" >&2
    exit 2
    ;;
esac
