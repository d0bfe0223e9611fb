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
# and 4 KiB random write at iodepth 1 (latency; for the local file each write is followed by an
# fdatasync, whose latency is the reference), and prints IOPS, MB/s, p50/p99 latency, the node CPU
# time per I/O (utime+stime of the node process, all three nodes for r3) and the r1/nbdkit and
# r3/r1 ratios (medians of RUNS runs).
# Then pgbench (TPC-B, scale 10, 8 clients, PG_SECONDS each, medians of RUNS) with PostgreSQL 15
# on ext4 on the local disk (a directory in the work dir), on nbdkit's file plugin through the
# attach path volumes use here (nbdfuse + losetup), and on repl-1 and repl-3 pxlite volumes
# attached with `pxctl host attach` and mounted; PGBENCH=0 skips it.
#   FIO=0 skips the fio part; WORKLOADS="randwrite-4k qd1write-4k" runs only those.
#   PROFILE=1 also records a JFR profile per node over the whole run (node<n>.jfr in the work dir)
#   and prints its top frames (bench/top-frames.py).
#   bench/run-bench.sh            RUNS=3 SECONDS_PER_RUN=15 SIZE=1G by default; BENCH_DIR=work dir
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
SECS=${SECONDS_PER_RUN:-15}
SIZE=${SIZE:-1G}
work=${BENCH_DIR:-$(mktemp -d /var/tmp/pxlite-bench.XXXXXX)}
mkdir -p "$work"
# mktemp makes it 0700; the pgbench part runs PostgreSQL as user postgres inside it.
chmod 755 "$work"
"$top/bin/pxlite-packages"
[ -d "$top/node/target/lib" ] || (cd "$top" && mvn -B -q -DskipTests package)

pids=()
undo=()   # commands that take down what pgbench set up (postgres, mounts, loop devices), run last first
cleanup() {
  local i
  for ((i = ${#undo[@]} - 1; i >= 0; i--)); do eval "${undo[$i]}" >/dev/null 2>&1 || true; done
  undo=()
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
}
trap cleanup EXIT
die() { echo "run-bench: $*" >&2; exit 1; }
. "$top/bench/lib.sh"   # free_port, start_etcd (its pxctl and cpu_ticks are redefined below)

# --- etcd and three pxlite nodes on 127.0.0.1-3 (their own data and devices in $work) ---
start_etcd

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
  jfr=""
  [ "${PROFILE:-0}" = 1 ] && jfr="-XX:StartFlightRecording=filename=$work/node$n.jfr,settings=profile,dumponexit=true"
  PXLITE_JAVA_OPTS="-Xmx2g -XX:MaxDirectMemorySize=1g $jfr" "$top/bin/pxlite-node" --config "$work/config$n.json" \
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
# cpu_ticks PID... -> utime+stime of those processes, in clock ticks
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# cpu_pids TARGET -> the node processes serving it
cpu_pids() {
  case $1 in
    r1) echo "${node_pid[$r1_node]}" ;;
    r3) echo "${node_pid[1]} ${node_pid[2]} ${node_pid[3]}" ;;
    *)  echo "" ;;
  esac
}
tick_us=$((1000000 / $(getconf CLK_TCK)))
# fio_run TARGET WORKLOAD -> "iops mbps p50_us p99_us cpu_us_per_io"
fio_run() {
  local target=$1 workload=$2 engine args pids before after
  engine_for "$target"
  case $workload in
    seqwrite-1m)  args=(--rw=write --bs=1m --iodepth=8) ;;
    randwrite-4k) args=(--rw=randwrite --bs=4k --iodepth=32) ;;
    randread-4k)  args=(--rw=randread --bs=4k --iodepth=32) ;;
    qd1write-4k)  args=(--rw=randwrite --bs=4k --iodepth=1)
                  # The disk's own durable-write latency: a write then fdatasync, one at a time.
                  [ "$target" = local ] && engine=(--ioengine=psync --direct=1 --fdatasync=1 --filename="$work/local.img") ;;
  esac
  pids=$(cpu_pids "$target")
  before=$([ -n "$pids" ] && cpu_ticks $pids || echo 0)
  fio --name=b "${engine[@]}" "${args[@]}" --size="$SIZE" --runtime="$SECS" --time_based \
    --output-format=json 2>>"$work/fio.err" >"$work/fio.json"
  after=$([ -n "$pids" ] && cpu_ticks $pids || echo 0)
  python3 - "$work/fio.json" $(( (after - before) * tick_us )) "$target" "$workload" <<'PY'
import json, sys
t = open(sys.argv[1]).read(); cpu_us = int(sys.argv[2]); target, workload = sys.argv[3], sys.argv[4]
j = json.loads(t[t.index("{"):])["jobs"][0]
s = j["write"] if j["write"]["io_bytes"] else j["read"]
lat = s["clat_ns"]["percentile"]
if target == "local" and workload == "qd1write-4k":
    lat = j["sync"]["lat_ns"]["percentile"]   # the fdatasync after each write
ios = max(1, s["total_ios"])
print("%.0f %.1f %.0f %.0f %s" % (s["iops"], s["bw_bytes"] / 1e6, lat["50.000000"] / 1e3, lat["99.000000"] / 1e3,
                                 "%.0f" % (cpu_us / ios) if cpu_us else "-"))
PY
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { python3 -c "print('%.2f' % ($1 / max(1, $2)))"; }

if [ "${FIO:-1}" = 1 ]; then
# Fill every target once so reads hit data, not holes.
for t in "${targets[@]}"; do
  engine_for "$t"
  fio --name=fill "${engine[@]}" --rw=write --bs=1m --iodepth=8 --size="$SIZE" >/dev/null
done

workloads=(${WORKLOADS:-seqwrite-1m randwrite-4k randread-4k qd1write-4k})
declare -A iops mbps p50 p99 cpu
for w in "${workloads[@]}"; do
  for t in "${targets[@]}"; do
    : >"$work/runs"
    for _ in $(seq "$RUNS"); do fio_run "$t" "$w" >>"$work/runs"; done
    iops[$t,$w]=$(cut -d' ' -f1 "$work/runs" | median)
    mbps[$t,$w]=$(cut -d' ' -f2 "$work/runs" | median)
    p50[$t,$w]=$(cut -d' ' -f3 "$work/runs" | median)
    p99[$t,$w]=$(cut -d' ' -f4 "$work/runs" | median)
    cpu[$t,$w]=$(cut -d' ' -f5 "$work/runs" | median)
  done
done

echo
echo "pxlite benchmark: $(date -u +%F), $(nproc) cores, fio $(fio --version), medians of $RUNS x ${SECS}s runs over $SIZE"
fmt='%-14s %10s %10s %10s %10s %9s %9s %11s %10s %6s\n'
printf "$fmt" workload "pxlite r1" "pxlite r3" nbdkit "local file" "r1 MB/s" "r3 MB/s" "nbdkit MB/s" "r1/nbdkit" "r3/r1"
for w in "${workloads[@]}"; do
  printf "$fmt" "$w" "${iops[r1,$w]}" "${iops[r3,$w]}" "${iops[nbdkit,$w]}" "${iops[local,$w]}" \
    "${mbps[r1,$w]}" "${mbps[r3,$w]}" "${mbps[nbdkit,$w]}" \
    "$(ratio "${iops[r1,$w]}" "${iops[nbdkit,$w]}")" "$(ratio "${iops[r3,$w]}" "${iops[r1,$w]}")"
done
echo "(IOPS columns; r1 on node $r1_node, r3 on leader node $r3_node; work dir $work)"
echo
echo "latency, microseconds (completion latency p50 / p99; local qd1write-4k: the fdatasync after each write)"
fmt='%-14s %16s %16s %16s %16s\n'
printf "$fmt" workload "pxlite r1" "pxlite r3" nbdkit "local file"
for w in "${workloads[@]}"; do
  printf "$fmt" "$w" "${p50[r1,$w]} / ${p99[r1,$w]}" "${p50[r3,$w]} / ${p99[r3,$w]}" \
    "${p50[nbdkit,$w]} / ${p99[nbdkit,$w]}" "${p50[local,$w]} / ${p99[local,$w]}"
done
echo
echo "node CPU time per I/O, microseconds (r1: its node; r3: all three nodes together)"
fmt='%-14s %10s %10s\n'
printf "$fmt" workload "pxlite r1" "pxlite r3"
for w in "${workloads[@]}"; do printf "$fmt" "$w" "${cpu[r1,$w]}" "${cpu[r3,$w]}"; done
fi

# --- pgbench on ext4: local disk, nbdkit through nbdfuse + loop, pxlite repl 1 and repl 3 ---
pg_bin=/usr/lib/postgresql/15/bin
PG_SECONDS=${PG_SECONDS:-30}
# These set globals rather than print: what they register in undo must not be lost in a subshell.
# pg_mountpoint NAME DEVICE|"" -> pg_dir: DEVICE (ext4 made on it) mounted at $work/pg-NAME, or a plain directory
pg_mountpoint() {
  local name=$1 device=$2
  pg_dir=$work/pg-$name
  mkdir -p "$pg_dir"
  if [ -n "$device" ]; then
    mkfs.ext4 -q -F "$device" >/dev/null
    mount "$device" "$pg_dir"
    undo+=("umount $pg_dir")
  fi
}
# pgbench_on DIR -> pg_tps: the median tps of RUNS pgbench runs against a fresh database cluster in DIR
pgbench_on() {
  local dir=$1 port
  port=$(free_port)
  chown postgres: "$dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$dir/data" --no-sync >"$dir/initdb.log" 2>&1
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
    -o "-p $port -k $dir -c listen_addresses='' -c shared_buffers=128MB" start >/dev/null
  undo+=("runuser -u postgres -- $pg_bin/pg_ctl -D $dir/data -m immediate stop")
  runuser -u postgres -- "$pg_bin/pgbench" -h "$dir" -p "$port" -i -s 10 postgres >"$dir/pgbench-init.log" 2>&1
  : >"$work/pgruns"
  for _ in $(seq "$RUNS"); do
    runuser -u postgres -- "$pg_bin/pgbench" -h "$dir" -p "$port" -c 8 -j 2 -T "$PG_SECONDS" postgres 2>>"$dir/pgbench.err" |
      sed -n 's/^tps = \([0-9.]*\) .*/\1/p' >>"$work/pgruns"
  done
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
  pg_tps=$(median <"$work/pgruns" | xargs printf "%.0f")
}
# attach_pxlite NODE VOLUME -> px_dev: the loop device `pxctl host attach` gave the volume
attach_pxlite() {
  local out
  out=$(pxctl "$1" host attach "$2") || die "pxctl host attach $2 failed: $out"
  undo+=("$top/bin/pxctl --endpoint $work/node$1/api.sock host detach $2")
  px_dev=$(grep -o '/dev/loop[0-9]*' <<<"$out" | head -1)
}
# pgbench_target NAME DEVICE|"" -> tps[NAME]
pgbench_target() {
  pg_mountpoint "$1" "$2"
  pgbench_on "$pg_dir"
  tps[$1]=$pg_tps
}
if [ "${PGBENCH:-1}" = 1 ]; then
  # PostgreSQL only serves the benchmark, so it is not in ops/debian-packages.txt (the tests' list).
  [ -x "$pg_bin/pgbench" ] || { echo "run-bench: installing postgresql-15" >&2;
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; }
  declare -A tps
  pgbench_target local ""
  truncate -s 4G "$work/pg-nbdkit.img"
  mkdir -p "$work/pg-nbdkit-fuse"
  nbdfuse "$work/pg-nbdkit-fuse/disk" --command nbdkit -s file file="$work/pg-nbdkit.img" &
  pids+=($!); undo+=("fusermount3 -u $work/pg-nbdkit-fuse")
  for _ in $(seq 100); do [ -e "$work/pg-nbdkit-fuse/disk" ] && break; sleep 0.1; done
  kit_loop=$(losetup --find --show "$work/pg-nbdkit-fuse/disk"); undo+=("losetup -d $kit_loop")
  pgbench_target nbdkit "$kit_loop"
  create pg1 1
  create pg3 3
  pg1_node=$(node_for pg1 replicas)
  pg3_node=$(node_for pg3 group_leader)
  attach_pxlite "$pg1_node" pg1
  pgbench_target r1 "$px_dev"
  attach_pxlite "$pg3_node" pg3
  pgbench_target r3 "$px_dev"
  echo
  echo "pgbench TPC-B, scale 10, 8 clients, medians of $RUNS x ${PG_SECONDS}s runs, tps (ext4 on each)"
  fmt='%-12s %12s %16s %12s %12s %10s %10s\n'
  printf "$fmt" "" "local disk" "nbdkit nbdfuse" "pxlite r1" "pxlite r3" "r1/nbdkit" "r3/nbdkit"
  printf "$fmt" tps "${tps[local]}" "${tps[nbdkit]}" "${tps[r1]}" "${tps[r3]}" \
    "$(ratio "${tps[r1]}" "${tps[nbdkit]}")" "$(ratio "${tps[r3]}" "${tps[nbdkit]}")"
fi

now=$(inspect_field bench3 group_leader)
[ "${node_of[$now]:-}" = "$r3_node" ] || echo "warning: bench3's group leader moved during the run (now ${now:-unknown}); r3 numbers include a remote hop" >&2
if [ "${PROFILE:-0}" = 1 ]; then
  cleanup; pids=()
  for n in "${nodes[@]}"; do
    echo; echo "profile of node $n (JFR execution samples over the whole run):"
    python3 "$top/bench/top-frames.py" "$work/node$n.jfr" 15 || true
  done
fi
