#!/usr/bin/env bash
# Determinism ban list (ARCHITECTURE.md, rule 7): no wall clock, no unseeded or
# library-defined RNG, no environment reads in core/ or sim/ (nor in live/ outside its one
# clock, live/clock.cc), and never -ffast-math anywhere.
# Prints every offending line and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

dirs=()
for d in core checkpoint sim; do [ -d "$d" ] && dirs+=("$d"); done

pattern='system_clock|steady_clock|high_resolution_clock|\bclock_gettime\b|\bgettimeofday\b'
pattern+='|\btime\(|\bclock\(\)|absl::Now|std::rand\b|\brand\(\)|\bsrand\b|random_device'
pattern+='|_distribution<|\bmt19937|default_random_engine|BitGen|\bgetenv\b|secure_getenv'
pattern+='|std::thread|std::async|pthread_create'

status=0
if [ ${#dirs[@]} -gt 0 ]; then
  if grep -rnE --include='*.h' --include='*.cc' "$pattern" "${dirs[@]}"; then
    echo "check_banned: the lines above use a wall clock, an unseeded RNG, a thread or getenv in ${dirs[*]}" >&2
    status=1
  fi
fi
# live/ is where the project's wall clock lives, behind live/clock.h: only live/clock.cc may
# read it, only live/monitor.cc (the HTTP server of the monitoring endpoint) starts a thread,
# and nothing in live/ reads the environment.
if [ -d live ]; then
  if grep -rnE --include='*.h' --include='*.cc' --exclude='clock.cc' --exclude='monitor.cc' "$pattern" live ||
     grep -nE "${pattern//|std::thread|std::async|pthread_create/}" live/monitor.cc 2>/dev/null; then
    echo "check_banned: the lines above read a clock, the environment or start a thread in live/ outside live/clock.cc (and live/monitor.cc's server thread)" >&2
    status=1
  fi
fi
if grep -rn --include='CMakeLists.txt' --include='*.cmake' --include='*.json' -E -- '^[^#]*-ffast-math' . \
     --exclude-dir=build 2>/dev/null; then
  echo "check_banned: -ffast-math breaks bit-exact agreement and determinism" >&2
  status=1
fi
[ $status -eq 0 ] && echo "check_banned: core/, sim/ and live/ are clean"
exit $status
