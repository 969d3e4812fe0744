#!/usr/bin/env bash
# Busy-loop processes that load the CPU, to run tests the way a busy box runs them.
#   scripts/cpu-load.sh start [N]   start N hogs (default 2; nice 0, like a real neighbour)
#   scripts/cpu-load.sh stop        stop the hogs this script started
#   scripts/cpu-load.sh run N CMD…  run CMD with N hogs, stop them afterwards, exit with CMD's code
set -euo pipefail
PIDS="${TMPDIR:-/tmp}/porchlight-cpu-load.pids"

start() {
  local n="${1:-2}"
  for ((i = 0; i < n; i++)); do
    # Each hog ends by itself after 2 h, so a forgotten one cannot load the box forever.
    timeout 7200 sh -c 'while :; do :; done' &
    echo $! >>"$PIDS"
  done
  echo "[cpu-load] started $n hog(s)"
}

stop() {
  [ -f "$PIDS" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$PIDS"
  rm -f "$PIDS"
  echo '[cpu-load] stopped'
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  run)
    n="$2"
    shift 2
    # Its own pid file: a concurrent `run` (or start/stop) must not stop this run's hogs.
    PIDS="$(mktemp "${TMPDIR:-/tmp}/porchlight-cpu-load.XXXXXX")"
    trap stop EXIT
    start "$n"
    "$@"
    ;;
  *)
    echo "usage: $0 start [N] | stop | run N CMD..." >&2
    exit 2
    ;;
esac
