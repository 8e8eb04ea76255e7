#!/usr/bin/env bash
# pgha watchdog: stops the primary's PostgreSQL when its agent stops checking in (frozen by a GC pause,
# SIGSTOP, a stuck disk) or dies, so a node whose agent cannot fence it still stops taking writes before
# its lease can expire. The agent writes to our standard input:
#   arm PID SECONDS   guard postmaster PID: stop it unless the next line arrives within SECONDS
#   disarm            nothing to guard (a standby, or a clean shutdown)
# End of input while armed (the agent died) stops PostgreSQL at once.
set -u
# Ctrl-C on a terminal reaches the whole process group; only the agent's lines (or its death) decide here.
trap '' INT
pid=
wait=

stop() {
  # Only the postmaster we were told about: a PID the kernel handed to another program is not ours to kill.
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
    if kill -QUIT "$pid" 2>/dev/null; then
      echo "pgha watchdog: $1: stopped PostgreSQL (postmaster $pid, immediate shutdown)" >&2
    fi
  fi
  pid=
}

while true; do
  if [ -n "$pid" ]; then
    read -r -t "$wait" cmd arg1 arg2
  else
    read -r cmd arg1 arg2
  fi
  rc=$?
  if [ "$rc" -gt 128 ]; then
    stop "the agent did not check in for $wait s"
    continue
  fi
  if [ "$rc" -ne 0 ]; then
    stop "the agent exited"
    exit 0
  fi
  case "$cmd" in
    arm) pid=$arg1; wait=$arg2 ;;
    disarm) pid= ;;
  esac
done
