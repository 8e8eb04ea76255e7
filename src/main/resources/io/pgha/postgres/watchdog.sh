#!/usr/bin/env bash
# pgha watchdog: stops the primary's PostgreSQL when its agent stops checking in (frozen by a GC pause,
# SIGSTOP, a stuck disk) or dies, so a node whose agent cannot fence it still stops taking writes before
# its lease can expire; and ends an agent frozen for good, so that its proxy and API ports refuse clients
# instead of taking connections nobody answers (the service manager starts it again). The agent writes:
#   arm PID SECONDS          guard postmaster PID: stop it unless the next arm arrives within SECONDS
#   disarm                   nothing to guard (a standby, or a clean shutdown)
#   alive AGENT SECONDS      the agent (pid AGENT) lives: if no line at all arrives within SECONDS, it is
#                            frozen: SIGKILL it
# End of input while armed (the agent died) stops PostgreSQL at once.
set -u
# Ctrl-C on a terminal reaches the whole process group; only the agent's lines (or its death) decide here.
trap '' INT
pid=
wait=
arm_deadline=0
agent=
agent_comm=
frozen_after_us=0
last_line=0

stop() {
  # Only the postmaster we were told about: a PID the kernel handed to another program is not ours to kill.
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
    if kill -QUIT "$pid" 2>/dev/null; then
      echo "pgha watchdog: $1: stopped PostgreSQL (postmaster $pid, immediate shutdown)" >&2
    fi
  fi
  pid=
}

end_agent() {
  if [ -n "$agent" ] && [ "$(cat "/proc/$agent/comm" 2>/dev/null)" = "$agent_comm" ]; then
    if kill -KILL "$agent" 2>/dev/null; then
      echo "pgha watchdog: the agent (pid $agent) sent nothing for $1 s: killed it, so its ports refuse clients" >&2
    fi
  fi
}

# seconds as given (60, 0.300) in microseconds, into $us (no subshell: this runs several times a second)
to_us() {
  local int=${1%%.*} frac=
  [[ $1 == *.* ]] && frac=${1#*.}
  frac="${frac}000000"
  us=$(( 10#$int * 1000000 + 10#${frac:0:6} ))
}

# microseconds as the seconds read -t takes, at least 1 ms, into $secs
as_seconds() {
  local t=$(( $1 < 1000 ? 1000 : $1 )) frac
  frac="000000$(( t % 1000000 ))"
  secs="$(( t / 1000000 )).${frac: -6}"
}

last_line=${EPOCHREALTIME/./}
while true; do
  now=${EPOCHREALTIME/./}
  timeout=-1
  [ -n "$pid" ] && timeout=$(( arm_deadline - now ))
  if [ "$frozen_after_us" -gt 0 ]; then
    left=$(( last_line + frozen_after_us - now ))
    if [ "$timeout" -lt 0 ] || [ "$left" -lt "$timeout" ]; then timeout=$left; fi
  fi
  if [ -z "$pid" ] && [ "$frozen_after_us" -eq 0 ]; then
    read -r cmd arg1 arg2
  else
    as_seconds "$timeout"
    read -r -t "$secs" cmd arg1 arg2
  fi
  rc=$?
  now=${EPOCHREALTIME/./}
  if [ "$rc" -gt 128 ]; then
    if [ -n "$pid" ] && [ "$now" -ge "$arm_deadline" ]; then stop "the agent did not check in for $wait s"; fi
    if [ "$frozen_after_us" -gt 0 ] && [ "$now" -ge $(( last_line + frozen_after_us )) ]; then
      stop "the agent is frozen"
      as_seconds "$frozen_after_us"
      end_agent "$secs"
      exit 0
    fi
    continue
  fi
  if [ "$rc" -ne 0 ]; then
    stop "the agent exited"
    exit 0
  fi
  last_line=$now
  case "$cmd" in
    arm)
      pid=$arg1; wait=$arg2
      to_us "$wait"
      arm_deadline=$(( now + us ))
      ;;
    disarm) pid= ;;
    alive)
      if [ "$agent" != "$arg1" ]; then agent=$arg1; agent_comm=$(< "/proc/$agent/comm") 2>/dev/null; fi
      to_us "$arg2"
      frozen_after_us=$us
      ;;
  esac
done
