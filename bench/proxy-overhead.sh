#!/usr/bin/env bash
# pgbench through three paths to the same primary, same run, same clients:
# direct to PostgreSQL, through pgha's TCP proxy, through HAProxy with the config `pgha haproxy-config` prints.
# Also TPC-B with synchronous quorum (the default) against synchronous_commit=local (what async costs).
#   bench/proxy-overhead.sh [seconds per run, default 15] [clients, default 8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-15}"; clients="${2:-8}"
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
  [ "$r" = t ] && echo $((base + p)); done)
"$here/pgha" haproxy-config --dcs 127.0.0.1:$((base+100)),127.0.0.1:$((base+101)),127.0.0.1:$((base+102)) --cluster demo \
  --read-write-port $((base + 900)) --read-only-port $((base + 901)) 2>/dev/null \
  | sed -e 's/bind \*:/bind 127.0.0.1:/' -e '/^\s*log /d' > "$dir.haproxy.cfg"
/usr/sbin/haproxy -db -f "$dir.haproxy.cfg" > /dev/null 2>&1 &
haproxy_pid=$!
"$bin/pgbench" -h 127.0.0.1 -p "$leader_port" -U postgres -i -s 10 -q postgres > /dev/null 2>&1
for _ in $(seq 1 100); do "$bin/psql" -h 127.0.0.1 -p $((base + 900)) -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1 && break; sleep 0.2; done

tps() { "$bin/pgbench" -h 127.0.0.1 -p "$1" -U postgres -c "$clients" -j 2 -T "$secs" -n $2 postgres 2>/dev/null \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
echo "command: bench/proxy-overhead.sh $secs $clients   (pgbench -c $clients -j 2 -T $secs, scale 10, 2 cores)"
printf "%-34s %12s %12s\n" "path" "select-only" "TPC-B"
for path in "direct:$leader_port" "pgha proxy:$((base + 500))" "HAProxy:$((base + 900))"; do
  name="${path%%:*}"; port="${path##*:}"
  printf "%-34s %12s %12s\n" "$name" "$(tps "$port" -S)" "$(tps "$port" "")"
done
printf "%-34s %12s %12s\n" "direct, synchronous_commit=local" "-" "$(PGOPTIONS='-c synchronous_commit=local' tps "$leader_port" "")"
