#!/usr/bin/env bash
# A one-node Slurm cluster on localhost for the sweep's job-array test (Debian's slurm-wlm and
# munge; the recipe of ../shared/spec/slurm-one-node.md). Usage: ci/slurm.sh start|stop|status
#   start   starts munged, slurmctld and slurmd unless they answer already, and waits until
#           the node is idle (idempotent: a running cluster is reused, never restarted)
#   status  exits 0 when sinfo shows an idle or mixed node, 1 otherwise
#   stop    stops the daemons this script started (by the PIDs it recorded), nothing else
# Needs root (the daemons run as root here, as in the recipe) and the packages (ci/install_deps.sh).
# /etc/slurm/slurm.conf is written when absent, or when it is the one this script wrote before;
# a slurm.conf written by anyone else is left alone and used as it is.
set -euo pipefail

state=/tmp/q50sim-slurm
conf=/etc/slurm/slurm.conf
marker="# written by q50sim ci/slurm.sh"

node_ready() { sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; }

# The daemons listen on the address this machine's hostname resolves to, never on every
# interface (CommunicationParameters below: slurmctld and slurmd bind what gethostname()
# resolves to). That address must be loopback: Debian maps the hostname to 127.0.1.1, a
# container often to its network address. In that case a line mapping the hostname to
# 127.0.0.1 goes first in /etc/hosts (marked, and removed again by stop). Prints the address.
hosts_marker="# q50sim ci/slurm.sh: the daemons bind loopback"
loopback_addr() {
  local host="$1" addr
  addr="$(getent ahostsv4 "$host" | awk 'NR == 1 {print $1}')"
  case "$addr" in
    127.*) ;;
    *)
      sed -i "1i 127.0.0.1 $host $hosts_marker" /etc/hosts
      addr=127.0.0.1
      ;;
  esac
  echo "$addr"
}

# Fails unless every socket listening on slurmctld's and slurmd's ports is on loopback
# (/proc/net/tcp: local address in hex, 0100007F for 127.0.0.1; state 0A is LISTEN).
check_loopback_only() {
  local open
  open="$(awk 'NR > 1 && $4 == "0A" {split($2, a, ":"); if ((a[2] == "1AA1" || a[2] == "1AA2") && substr(a[1], 7, 2) != "7F") print $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  if [ -n "$open" ]; then
    echo "slurm.sh: slurmctld/slurmd listen beyond loopback ($open)" >&2
    exit 1
  fi
}

write_conf() {
  if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm.sh: $conf was not written by this script; using it as it is" >&2
    return 0
  fi
  local host cpus mem addr
  host="$(hostname -s)"
  addr="$(loopback_addr "$(hostname)")"
  cpus="$(nproc)"
  mem="$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  cat >"$conf" <<EOF
$marker
ClusterName=q50
SlurmctldHost=$host($addr)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$host NodeAddr=$addr CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  su -s /bin/sh munge -c /usr/sbin/munged
  cp /run/munge/munged.pid "$state/munged.pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    if munge -n | unmunge >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "slurm.sh: munged did not start" >&2
  exit 1
}

start() {
  command -v slurmctld >/dev/null || { echo "slurm.sh: slurm-wlm is not installed" >&2; exit 1; }
  mkdir -p "$state"
  if node_ready; then return 0; fi
  write_conf
  start_munge
  if ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
    /usr/sbin/slurmctld
    touch "$state/started-slurmctld"
  fi
  if ! pgrep -x slurmd >/dev/null; then
    /usr/sbin/slurmd
    touch "$state/started-slurmd"
  fi
  for _ in $(seq 1 300); do
    if node_ready; then
      check_loopback_only
      return 0
    fi
    # A node left down or drained by an earlier run comes back here.
    scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
    sleep 0.2
  done
  echo "slurm.sh: the node did not become idle; sinfo says:" >&2
  sinfo >&2 || true
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  exit 1
}

stop_pid() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; fi
  rm -f "$file"
}

stop() {
  [ -d "$state" ] || return 0
  if [ -f "$state/started-slurmd" ]; then stop_pid "$state/slurmd.pid"; rm -f "$state/started-slurmd"; fi
  if [ -f "$state/started-slurmctld" ]; then stop_pid "$state/slurmctld.pid"; rm -f "$state/started-slurmctld"; fi
  stop_pid "$state/munged.pid"
  sed -i "\\|$hosts_marker\$|d" /etc/hosts
}

case "${1:-}" in
  start) start ;;
  status) node_ready ;;
  stop) stop ;;
  *)
    echo "usage: ci/slurm.sh start|stop|status" >&2
    exit 2
    ;;
esac
