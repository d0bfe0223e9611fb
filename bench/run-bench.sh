#!/usr/bin/env bash
# pxlite benchmark (not a test): in one run, on the same disk, drives fio against
#   - a repl-1 pxlite volume over NBD (unix socket),
#   - nbdkit's file plugin over NBD (unix socket): a userspace NBD server with no log and no
#     replication, the speed limit for an NBD server here,
#   - the local file itself (libaio, O_DIRECT): the disk,
# for 1 MiB sequential write, 4 KiB random write and 4 KiB random read at iodepth 32, and prints
# IOPS, MB/s and pxlite/nbdkit ratios (medians of RUNS runs).
#   bench/run-bench.sh            RUNS=3 SECONDS_PER_RUN=15 SIZE=1G by default
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
SECS=${SECONDS_PER_RUN:-15}
SIZE=${SIZE:-1G}
work=${BENCH_DIR:-$(mktemp -d /var/tmp/pxlite-bench.XXXXXX)}
mkdir -p "$work"
"$top/bin/pxlite-packages"
[ -d "$top/node/target/lib" ] || (cd "$top" && mvn -B -q -DskipTests package)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- etcd and one pxlite node (its own data, devices in $work) ---
ec=$(free_port); ep=$(free_port)
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$ec" \
  --advertise-client-urls "http://127.0.0.1:$ec" --listen-peer-urls "http://127.0.0.1:$ep" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ep" --initial-cluster "bench=http://127.0.0.1:$ep" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)
cat >"$work/config.json" <<JSON
{"clusterid": "bench", "kvdb": "etcd:http://127.0.0.1:$ec", "mgmtip": "127.0.0.1", "dataip": "127.0.0.1",
 "datadir": "$work/node", "storage": {"devices": ["$work/pxlite-dev0.img"], "device_size": "8G"},
 "listeners": {"mgmt_port": $(free_port), "raft_port": $(free_port)}}
JSON
for _ in $(seq 100); do curl -fsS -m 1 "http://127.0.0.1:$ec/health" >/dev/null 2>&1 && break; sleep 0.2; done
PXLITE_JAVA_OPTS="-Xmx2g -XX:MaxDirectMemorySize=1g" "$top/bin/pxlite-node" --config "$work/config.json" >"$work/node.log" 2>&1 &
pids+=($!)
export PXLITE_ENDPOINT="$work/node/api.sock"
for _ in $(seq 300); do "$top/bin/pxctl" status >/dev/null 2>&1 && break; sleep 0.2; done
"$top/bin/pxctl" volume create bench --size 2G >/dev/null
px_uri="nbd+unix:///bench?socket=$work/node/nbd.sock"

# --- nbdkit file plugin on a sparse file on the same disk ---
truncate -s 2G "$work/nbdkit.img"
nbdkit --foreground --unix "$work/nbdkit.sock" file file="$work/nbdkit.img" >"$work/nbdkit.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/nbdkit.sock" ] && break; sleep 0.1; done
kit_uri="nbd+unix:///?socket=$work/nbdkit.sock"
truncate -s 2G "$work/local.img"

# fio_run TARGET WORKLOAD -> "iops mbps"
fio_run() {
  local target=$1 workload=$2 engine
  case $target in
    pxlite) engine=(--ioengine=nbd --uri="$px_uri") ;;
    nbdkit) engine=(--ioengine=nbd --uri="$kit_uri") ;;
    local)  engine=(--ioengine=libaio --direct=1 --filename="$work/local.img") ;;
  esac
  case $workload in
    seqwrite-1m)  args=(--rw=write --bs=1m --iodepth=8) ;;
    randwrite-4k) args=(--rw=randwrite --bs=4k --iodepth=32) ;;
    randread-4k)  args=(--rw=randread --bs=4k --iodepth=32) ;;
  esac
  fio --name=b "${engine[@]}" "${args[@]}" --size="$SIZE" --runtime="$SECS" --time_based \
    --output-format=json 2>/dev/null |
    python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; s=j["write"] if j["write"]["io_bytes"] else j["read"]; print("%.0f %.1f" % (s["iops"], s["bw_bytes"]/1e6))'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Fill every target once so reads hit data, not holes.
for t in pxlite nbdkit local; do
  case $t in
    pxlite) fio --name=fill --ioengine=nbd --uri="$px_uri" --rw=write --bs=1m --iodepth=8 --size="$SIZE" >/dev/null ;;
    nbdkit) fio --name=fill --ioengine=nbd --uri="$kit_uri" --rw=write --bs=1m --iodepth=8 --size="$SIZE" >/dev/null ;;
    local)  fio --name=fill --ioengine=libaio --direct=1 --filename="$work/local.img" --rw=write --bs=1m --iodepth=8 --size="$SIZE" >/dev/null ;;
  esac
done

declare -A iops mbps
for w in seqwrite-1m randwrite-4k randread-4k; do
  for t in pxlite nbdkit local; do
    : >"$work/runs"
    for _ in $(seq "$RUNS"); do fio_run "$t" "$w" >>"$work/runs"; done
    iops[$t,$w]=$(cut -d' ' -f1 "$work/runs" | median)
    mbps[$t,$w]=$(cut -d' ' -f2 "$work/runs" | median)
  done
done

echo
echo "pxlite benchmark: $(date -u +%F), $(nproc) cores, fio $(fio --version), medians of $RUNS x ${SECS}s runs over $SIZE"
printf '%-14s %12s %12s %12s %10s %10s %14s\n' workload "pxlite r1" nbdkit "local file" "pxlite MB/s" "nbdkit MB/s" "pxlite/nbdkit"
for w in seqwrite-1m randwrite-4k randread-4k; do
  ratio=$(python3 -c "print('%.2f' % (${iops[pxlite,$w]} / max(1, ${iops[nbdkit,$w]})))")
  printf '%-14s %12s %12s %12s %10s %10s %14s\n' "$w" "${iops[pxlite,$w]}" "${iops[nbdkit,$w]}" "${iops[local,$w]}" \
    "${mbps[pxlite,$w]}" "${mbps[nbdkit,$w]}" "$ratio"
done
echo "(IOPS columns; work dir $work)"
