#!/usr/bin/env bash
# What the I/O policy gate costs (benchmark, not a test): two single-node pxlite clusters side by side
# on one etcd, node A as shipped (every NBD read and write passes its volume's IoGate: the limits'
# check and the node's DeviceShares count), node B started with -Dpxlite.io.policies=off (no gate),
# each with a repl-1 volume without limits, filled first. fio 4 KiB random write, then random read,
# at iodepth 32 run on A and B in turn (ABAB..., so drift of the machine hits both alike); the script
# prints each run, the medians and on/off.
#   bench/policy-cost.sh      RUNS=5 SECONDS_PER_RUN=10 by default; BENCH_DIR=work dir
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bench_begin policy-cost

start_etcd
declare -A mgmt node_pid
start_node A 127.0.0.1 policy-cost-A
start_node B 127.0.0.2 policy-cost-B "-Dpxlite.io.policies=off"
for side in A B; do
  await_node $side
  filled_volume $side cost 2G
done
hz=$(getconf CLK_TCK)
# run SIDE RW -> "IOPS CPU-us-per-request" of one fio run
run() {
  local before after out
  before=$(cpu_ticks "${node_pid[$1]}")
  out=$(iops "$1" "$2")
  after=$(cpu_ticks "${node_pid[$1]}")
  python3 -c 'import sys; iops, ticks, hz, secs = map(float, sys.argv[1:]); print(round(iops), round((ticks / hz * 1e6) / (iops * secs), 1))' \
    "$out" "$((after - before))" "$hz" "$SECS"
}
iops() {
  fio --name=w --ioengine=nbd --uri="nbd+unix:///cost?socket=$work/node$1/nbd.sock" --rw="$2" --bs=4k \
    --iodepth=32 --size=1G --time_based --runtime="$SECS" --output-format=json 2>/dev/null \
    | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; print(round(j["write"]["iops"] + j["read"]["iops"]))'
}
for rw in randwrite randread; do
  declare -A results=() cpus=()
  for n in $(seq "$RUNS"); do
    for side in A B; do
      read -r r c < <(run $side $rw); results[$side]+="$r "; cpus[$side]+="$c "
      echo "$rw run $n: gate $([ $side = A ] && echo on || echo off): $r IOPS, node CPU $c us per request"
    done
  done
  python3 - "$rw" "${results[A]}" "${results[B]}" "${cpus[A]}" "${cpus[B]}" <<'PY'
import statistics, sys
rw = sys.argv[1]
on, off, cpu_on, cpu_off = ([float(x) for x in a.split()] for a in sys.argv[2:6])
m_on, m_off = statistics.median(on), statistics.median(off)
c_on, c_off = statistics.median(cpu_on), statistics.median(cpu_off)
print(f"4 KiB {rw} QD32, repl 1, medians of {len(on)}: gate on {m_on:,.0f} IOPS, off {m_off:,.0f} IOPS,"
      f" on/off {m_on / m_off:.3f}; node CPU per request on {c_on:.1f} us, off {c_off:.1f} us ({100 * (c_on / c_off - 1):+.1f}%)")
PY
done
