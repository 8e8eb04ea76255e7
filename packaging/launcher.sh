#!/usr/bin/env bash
# pgha launcher of the installed package (/usr/bin/pgha links here): the bundled Java runtime, the jars beside
# it, and the agent's and the store's small-footprint JVM options, the same ones the checkout's ./pgha uses.
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
if { [ "${1:-}" = agent ] || [ "${1:-}" = store ]; } && [ -z "${PGHA_JAVA_OPTS:-}" ]; then
  PGHA_JAVA_OPTS="$(grep -v '^#' "$home/jvm/$1.options" | tr '\n' ' ')"
  # glibc's per-thread malloc arenas would cost the small agent more than its Java heap
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
fi
exec "$home/runtime/bin/java" ${PGHA_JAVA_OPTS:-} -Dpgha.launcher="$0" -cp "$home/lib/*" io.pgha.Main "$@"
