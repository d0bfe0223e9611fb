#!/usr/bin/env bash
# pxlite benchmark (not a test): starts its own etcd and a three-node pxlite cluster on one host
# (127.0.0.1, .2, .3; each node with its own datadir and device file in the work dir, Docker plugin
# off) and, in one run, on the same disk, drives fio against
#   - a repl-1 pxlite volume (bench1) over NBD (unix socket) on the node that holds its replica,
#   - a repl-3 pxlite volume (bench3) over NBD (unix socket) on its group leader's node: every write
#     is replicated synchronously to all three nodes,
#   - nbdkit's file plugin over NBD (unix socket): a userspace NBD server with no log and no
#     replication, the speed limit for an NBD server here,
#   - the local file itself (libaio, O_DIRECT): the disk,
# for 1 MiB sequential write at iodepth 8, 4 KiB random write and 4 KiB random read at iodepth 32,
# and prints IOPS, MB/s and the r1/nbdkit and r3/r1 IOPS ratios (medians of RUNS runs).
#   bench/run-bench.sh            RUNS=3 SECONDS_PER_RUN=15 SIZE=1G by default; BENCH_DIR=work dir
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
die() { echo "run-bench: $*" >&2; exit 1; }

# --- etcd and three pxlite nodes on 127.0.0.1-3 (their own data and devices in $work) ---
ec=$(free_port); ep=$(free_port)
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$ec" \
  --advertise-client-urls "http://127.0.0.1:$ec" --listen-peer-urls "http://127.0.0.1:$ep" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ep" --initial-cluster "bench=http://127.0.0.1:$ep" \
  >"$work/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS -m 1 "http://127.0.0.1:$ec/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -m 1 "http://127.0.0.1:$ec/health" >/dev/null 2>&1 || die "etcd did not start (log: $work/etcd.log)"

nodes=(1 2 3)
declare -A node_pid
for n in "${nodes[@]}"; do
  addr=127.0.0.$n dir=$work/node$n
  cat >"$work/config$n.json" <<JSON
{"clusterid": "bench", "kvdb": "etcd:http://127.0.0.1:$ec", "mgmtip": "$addr", "dataip": "$addr",
 "datadir": "$dir", "mounts_dir": "$dir/mounts",
 "storage": {"devices": ["$work/pxlite-dev$n.img"], "device_size": "8G"},
 "listeners": {"mgmt_port": $(free_port), "raft_port": $(free_port), "docker_plugin_socket": ""}}
JSON
  PXLITE_JAVA_OPTS="-Xmx2g -XX:MaxDirectMemorySize=1g" "$top/bin/pxlite-node" --config "$work/config$n.json" \
    >"$work/node$n.log" 2>&1 &
  pids+=($!); node_pid[$n]=$!
done
pxctl() { local n=$1; shift; "$top/bin/pxctl" --endpoint "$work/node$n/api.sock" "$@"; }
for n in "${nodes[@]}"; do
  for _ in $(seq 450); do
    pxctl "$n" status >/dev/null 2>&1 && break
    kill -0 "${node_pid[$n]}" 2>/dev/null || die "node $n exited (log: $work/node$n.log)"
    sleep 0.2
  done
  pxctl "$n" status >/dev/null 2>&1 || die "node $n did not serve its API (log: $work/node$n.log)"
done
declare -A node_of   # node id -> 1..3
for n in "${nodes[@]}"; do
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["node_id"])' "$work/node$n/identity.json")
  node_of[$id]=$n
done

# Create a volume, retrying while the cluster is still forming (all three nodes must be known).
create() {
  local name=$1 repl=$2
  for _ in $(seq 60); do
    pxctl 1 volume create "$name" --size 2G --repl "$repl" >"$work/create-$name.out" 2>&1 && return 0
    sleep 0.5
  done
  die "could not create $name: $(cat "$work/create-$name.out")"
}
# inspect_field NAME FIELD -> a node id (first of a list), empty if not known yet
inspect_field() {
  pxctl 1 volume inspect "$1" -j 2>/dev/null | python3 -c '
import json,sys
t=sys.stdin.read(); v=json.loads(t[t.index("{") if "{" in t else 0:] or "{}")
v=v[0] if isinstance(v,list) else v
f=v.get(sys.argv[1]) or ""
print(f[0] if isinstance(f,list) and f else f if isinstance(f,str) else "")' "$2" 2>/dev/null || true
}
# node_for NAME FIELD -> the 1..3 of the node in that field, waiting until it is known
node_for() {
  local id
  for _ in $(seq 100); do
    id=$(inspect_field "$1" "$2")
    [ -n "$id" ] && [ -n "${node_of[$id]:-}" ] && { echo "${node_of[$id]}"; return 0; }
    sleep 0.3
  done
  die "no $2 for volume $1: $(pxctl 1 volume inspect "$1" -j 2>&1)"
}
create bench1 1
create bench3 3
r1_node=$(node_for bench1 replicas)
r3_node=$(node_for bench3 group_leader)
r1_uri="nbd+unix:///bench1?socket=$work/node$r1_node/nbd.sock"
r3_uri="nbd+unix:///bench3?socket=$work/node$r3_node/nbd.sock"

# --- nbdkit file plugin on a sparse file on the same disk ---
truncate -s 2G "$work/nbdkit.img"
nbdkit --foreground --unix "$work/nbdkit.sock" file file="$work/nbdkit.img" >"$work/nbdkit.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/nbdkit.sock" ] && break; sleep 0.1; done
[ -S "$work/nbdkit.sock" ] || die "nbdkit did not start (log: $work/nbdkit.log)"
kit_uri="nbd+unix:///?socket=$work/nbdkit.sock"
truncate -s 2G "$work/local.img"

targets=(r1 r3 nbdkit local)
# engine TARGET -> fio's engine arguments in ${engine[@]}
engine_for() {
  case $1 in
    r1)     engine=(--ioengine=nbd --uri="$r1_uri") ;;
    r3)     engine=(--ioengine=nbd --uri="$r3_uri") ;;
    nbdkit) engine=(--ioengine=nbd --uri="$kit_uri") ;;
    local)  engine=(--ioengine=libaio --direct=1 --filename="$work/local.img") ;;
  esac
}
# fio_run TARGET WORKLOAD -> "iops mbps"
fio_run() {
  local target=$1 workload=$2 engine args
  engine_for "$target"
  case $workload in
    seqwrite-1m)  args=(--rw=write --bs=1m --iodepth=8) ;;
    randwrite-4k) args=(--rw=randwrite --bs=4k --iodepth=32) ;;
    randread-4k)  args=(--rw=randread --bs=4k --iodepth=32) ;;
  esac
  fio --name=b "${engine[@]}" "${args[@]}" --size="$SIZE" --runtime="$SECS" --time_based \
    --output-format=json 2>>"$work/fio.err" |
    python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; s=j["write"] if j["write"]["io_bytes"] else j["read"]; print("%.0f %.1f" % (s["iops"], s["bw_bytes"]/1e6))'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Fill every target once so reads hit data, not holes.
for t in "${targets[@]}"; do
  engine_for "$t"
  fio --name=fill "${engine[@]}" --rw=write --bs=1m --iodepth=8 --size="$SIZE" >/dev/null
done

declare -A iops mbps
for w in seqwrite-1m randwrite-4k randread-4k; do
  for t in "${targets[@]}"; do
    : >"$work/runs"
    for _ in $(seq "$RUNS"); do fio_run "$t" "$w" >>"$work/runs"; done
    iops[$t,$w]=$(cut -d' ' -f1 "$work/runs" | median)
    mbps[$t,$w]=$(cut -d' ' -f2 "$work/runs" | median)
  done
done

ratio() { python3 -c "print('%.2f' % ($1 / max(1, $2)))"; }
echo
echo "pxlite benchmark: $(date -u +%F), $(nproc) cores, fio $(fio --version), medians of $RUNS x ${SECS}s runs over $SIZE"
fmt='%-14s %10s %10s %10s %10s %9s %9s %11s %10s %6s\n'
printf "$fmt" workload "pxlite r1" "pxlite r3" nbdkit "local file" "r1 MB/s" "r3 MB/s" "nbdkit MB/s" "r1/nbdkit" "r3/r1"
for w in seqwrite-1m randwrite-4k randread-4k; do
  printf "$fmt" "$w" "${iops[r1,$w]}" "${iops[r3,$w]}" "${iops[nbdkit,$w]}" "${iops[local,$w]}" \
    "${mbps[r1,$w]}" "${mbps[r3,$w]}" "${mbps[nbdkit,$w]}" \
    "$(ratio "${iops[r1,$w]}" "${iops[nbdkit,$w]}")" "$(ratio "${iops[r3,$w]}" "${iops[r1,$w]}")"
done
echo "(IOPS columns; r1 on node $r1_node, r3 on leader node $r3_node; work dir $work)"
now=$(inspect_field bench3 group_leader)
[ "${node_of[$now]:-}" = "$r3_node" ] || echo "warning: bench3's group leader moved during the run (now ${now:-unknown}); r3 numbers include a remote hop" >&2
