#!/usr/bin/env bash
# What per-request metrics cost (benchmark, not a test): two single-node pxlite clusters side by side
# on one etcd, node A with every metric, node B started with -Dpxlite.metrics.io=off (no per-volume
# I/O counters, latency timers or depth gauge: the work done on each NBD request; the sampled gauges,
# NBD request counters and the group commit timer stay), each with a repl-1 volume filled first.
# fio 4 KiB random write at iodepth 32 runs on A and B in turn (ABAB..., so drift of the machine hits
# both alike) while /metrics of both nodes is scraped every second, and the script prints each run,
# the medians and on/off.
#   bench/metrics-cost.sh      RUNS=5 SECONDS_PER_RUN=10 by default; BENCH_DIR=work dir
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bench_begin metrics-cost

start_etcd
declare -A mgmt node_pid
start_node A 127.0.0.1 metrics-cost-A
start_node B 127.0.0.2 metrics-cost-B "-Dpxlite.metrics.io=off"
for side in A B; do
  await_node $side
  filled_volume $side cost 2G
done
# Scraped as Prometheus would, but every second instead of every 5 s.
( while true; do for side in A B; do curl -fsS -m 2 "http://${mgmt[$side]}/metrics" >/dev/null || true; done; sleep 1; done ) &
pids+=($!)

hz=$(getconf CLK_TCK)
# run SIDE -> "IOPS CPU-us-per-write" of one fio run
run() {
  local before after out
  before=$(cpu_ticks "${node_pid[$1]}")
  out=$(iops "$1")
  after=$(cpu_ticks "${node_pid[$1]}")
  python3 -c 'import sys; iops, ticks, hz, secs = map(float, sys.argv[1:]); print(round(iops), round((ticks / hz * 1e6) / (iops * secs), 1))' \
    "$out" "$((after - before))" "$hz" "$SECS"
}
iops() {
  fio --name=w --ioengine=nbd --uri="nbd+unix:///cost?socket=$work/node$1/nbd.sock" --rw=randwrite --bs=4k \
    --iodepth=32 --size=1G --time_based --runtime="$SECS" --output-format=json 2>/dev/null \
    | python3 -c 'import json,sys; t=sys.stdin.read(); print(round(json.loads(t[t.index("{"):])["jobs"][0]["write"]["iops"]))'
}
declare -A results cpus
for n in $(seq "$RUNS"); do
  for side in A B; do
    read -r r c < <(run $side); results[$side]+="$r "; cpus[$side]+="$c "
    echo "run $n: metrics $([ $side = A ] && echo on || echo off): $r IOPS, node CPU $c us per write"
  done
done
python3 - "${results[A]}" "${results[B]}" "${cpus[A]}" "${cpus[B]}" <<'PY'
import statistics, sys
on, off, cpu_on, cpu_off = ([float(x) for x in a.split()] for a in sys.argv[1:5])
m_on, m_off = statistics.median(on), statistics.median(off)
c_on, c_off = statistics.median(cpu_on), statistics.median(cpu_off)
print(f"4 KiB randwrite QD32, repl 1, medians of {len(on)}: metrics on {m_on:,.0f} IOPS, off {m_off:,.0f} IOPS,"
      f" on/off {m_on / m_off:.3f}; node CPU per write on {c_on:.1f} us, off {c_off:.1f} us ({100 * (c_on / c_off - 1):+.1f}%)")
PY
