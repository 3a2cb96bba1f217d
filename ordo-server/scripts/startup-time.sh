#!/usr/bin/env bash
# Start-up time of an Ordo server: starts it N times on a fresh and on an existing SQLite data
# directory, polls GET /ready every ~20 ms, prints each time to 200 and the median, stops it.
# Also prints the CPU time the JVM had used by then (all threads), less sensitive to other load.
#
#   ordo-server/scripts/startup-time.sh [-n RUNS] [-- COMMAND...]
#
# COMMAND defaults to `java -jar ordo-server/target/ordo.jar` (JDK from .mvn/find-jdk.sh); e.g.
# `-- ./ordo` times the launcher, `-- java -XX:AOTCache=/tmp/a.aot -jar ordo.jar` a JVM flag.
# `server --port P --data DIR` is appended. Times include JVM start; they are wall-clock, so on a
# shared machine take the median of several runs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
runs=5
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n RUNS] [-- COMMAND...]" >&2; exit 2 ;;
  esac
done
if [ $# -eq 0 ]; then
  # shellcheck source=../../.mvn/find-jdk.sh
  source "$root/.mvn/find-jdk.sh"
  set -- "$JAVA_HOME/bin/java" -jar "$root/ordo-server/target/ordo.jar"
fi

# the server runs in an empty directory (no ./job-definitions to load), so the command must not be relative
case $1 in */*) set -- "$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")" "${@:2}" ;; esac

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# one start: prints the milliseconds from launch until /ready answers 200
start_once() {
  local data=$1 port t0 t1
  shift
  trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null' EXIT
  port=$(free_port)
  t0=$(now_ms)
  (cd "$work" && exec "$@" server --port "$port" --data "$data" >"$work/out.log" 2>&1) &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/ready"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "server exited early; its output:" >&2; cat "$work/out.log" >&2; exit 1
    fi
    sleep 0.02
  done
  t1=$(now_ms)
  # CPU time (all threads, user+system) the JVM used until ready: steadier than wall-clock on a busy machine
  cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$(jvm_pid "$pid")/stat" 2>/dev/null || echo 0)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "$((t1 - t0)) $cpu_ms"
}

# the java process: the launched one, or its child when a script (./ordo) execs or runs it
jvm_pid() {
  local p=$1 c
  while [ "$(cat "/proc/$p/comm" 2>/dev/null)" != java ] && c=$(pgrep -P "$p" | head -n 1) && [ -n "$c" ]; do p=$c; done
  echo "$p"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

measure() {
  local label=$1 fresh=$2; shift 2
  local times=() cpus=() t c i
  for ((i = 1; i <= runs; i++)); do
    if [ "$fresh" = yes ]; then rm -rf "$work/data"; fi
    read -r t c < <(start_once "$work/data" "$@")
    times+=("$t"); cpus+=("$c")
  done
  printf '%-9s wall(ms): %s  median %s | cpu(ms): %s  median %s\n' "$label" "${times[*]}" \
    "$(printf '%s\n' "${times[@]}" | median)" "${cpus[*]}" "$(printf '%s\n' "${cpus[@]}" | median)"
}

echo "command: $* server --port P --data DIR   ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
measure fresh yes "$@"
# the existing directory is the one the last fresh run left
measure existing no "$@"
