#!/usr/bin/env bash
# pgbench through three paths to the same primary, same run, same clients:
# direct to PostgreSQL, through pgha's TCP proxy, through HAProxy with the config `pgha haproxy-config` prints.
# Also TPC-B with synchronous quorum (the default) against synchronous_commit=local (what async costs).
# Rounds interleave the three paths, so a slow stretch of the machine hits all of them; medians are printed,
# and the CPU time the proxy process itself spent per transaction (the cost of the path, whatever the load).
#   bench/proxy-overhead.sh [seconds per run, default 15] [clients, default 8] [rounds, default 3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-15}"; clients="${2:-8}"; rounds="${3:-3}"
base=17432
dir="$(mktemp -d /tmp/pgha-bench-proxy-XXXXXX)"; rmdir "$dir"
bin=/usr/lib/postgresql/15/bin
command -v /usr/sbin/haproxy >/dev/null || { echo "needs HAProxy: apt-get install haproxy" >&2; exit 3; }

"$here/pgha" demo --port "$base" --dir "$dir" > "$dir.demo.log" 2>&1 &
demo=$!
haproxy_pid=""
cleanup() {
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null || true
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -f "$dir.demo.log" "$dir.haproxy.cfg"
}
trap cleanup EXIT
for _ in $(seq 1 600); do grep -q "Ctrl-C stops" "$dir.demo.log" 2>/dev/null && break; sleep 0.2; done
grep -q "Ctrl-C stops" "$dir.demo.log" || { cat "$dir.demo.log"; exit 1; }
export PGPASSFILE="$dir/pgpass"
leader_port=$(for p in 0 1 2; do
  r=$("$bin/psql" -h 127.0.0.1 -p $((base + p)) -U postgres -d postgres -Atc "select not pg_is_in_recovery()" 2>/dev/null || true)
  if [ "$r" = t ]; then echo $((base + p)); fi; done)
"$here/pgha" haproxy-config --dcs 127.0.0.1:$((base+100)),127.0.0.1:$((base+101)),127.0.0.1:$((base+102)) --cluster demo \
  --read-write-port $((base + 900)) --read-only-port $((base + 901)) 2>/dev/null \
  | sed -e 's/bind \*:/bind 127.0.0.1:/' -e '/^\s*log /d' > "$dir.haproxy.cfg"
/usr/sbin/haproxy -db -f "$dir.haproxy.cfg" > /dev/null 2>&1 &
haproxy_pid=$!
"$bin/pgbench" -h 127.0.0.1 -p "$leader_port" -U postgres -i -s 10 -q postgres > /dev/null 2>&1
for _ in $(seq 1 100); do "$bin/psql" -h 127.0.0.1 -p $((base + 900)) -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1 && break; sleep 0.2; done

tps() { "$bin/pgbench" -h 127.0.0.1 -p "$1" -U postgres -c "$clients" -j 2 -T "$secs" -n $2 postgres 2>/dev/null \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
# CPU time (user+system, in clock ticks) of the process listening on a port: what the path itself costs
listener_pid() { ss -Htlnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

declare -A results
run() { # path-name port mode(-S or "") key
  local pid before after t
  pid=""; [ "$1" != direct ] && pid=$(listener_pid "$2")
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  t=$(tps "$2" "$3")
  results["$4 tps"]+="$t "
  if [ -n "$pid" ]; then
    after=$(cpu_ticks "$pid")
    results["$4 us"]+="$(awk -v d=$((after - before)) -v hz="$hz" -v t="$t" -v s="$secs" 'BEGIN {printf "%.1f", d / hz * 1e6 / (t * s)}') "
  fi
}
paths=("direct:$leader_port" "pgha proxy:$((base + 500))" "HAProxy:$((base + 900))")
echo "command: bench/proxy-overhead.sh $secs $clients $rounds   (pgbench -c $clients -j 2 -T $secs, scale 10, $rounds interleaved rounds, 2 cores)"
for round in $(seq 1 "$rounds"); do
  for mode in -S ""; do
    for path in "${paths[@]}"; do run "${path%%:*}" "${path##*:}" "$mode" "${path%%:*}${mode:-TPC-B}"; done
  done
done
printf "%-34s %12s %12s %16s %16s\n" "path (median of $rounds)" "select-only" "TPC-B" "CPU us/tx (-S)" "CPU us/tx (TPC-B)"
for path in "${paths[@]}"; do
  n="${path%%:*}"
  s_tps=$(echo ${results["$n-S tps"]} | tr ' ' '\n' | median)
  b_tps=$(echo ${results["${n}TPC-B tps"]} | tr ' ' '\n' | median)
  s_us=$(echo ${results["$n-S us"]:-} | tr ' ' '\n' | median)
  b_us=$(echo ${results["${n}TPC-B us"]:-} | tr ' ' '\n' | median)
  printf "%-34s %12.0f %12.0f %16s %16s\n" "$n" "$s_tps" "$b_tps" "${s_us:--}" "${b_us:--}"
done
echo "each round (select-only):"; for path in "${paths[@]}"; do n="${path%%:*}"; echo "  $n: ${results["$n-S tps"]}"; done
echo "each round (TPC-B):"; for path in "${paths[@]}"; do n="${path%%:*}"; echo "  $n: ${results["${n}TPC-B tps"]}"; done
printf "%-34s %12s %12.0f\n" "direct, synchronous_commit=local" "-" "$(PGOPTIONS='-c synchronous_commit=local' tps "$leader_port" "")"
