# Shared by the bench scripts: their set-up, free ports, an etcd, one-node pxlite clusters. Source it
# after setting top (the repository). A script either calls bench_begin, or sets work (the run's
# directory) and pids=() (processes its own trap kills) and defines die itself.

# bench_begin NAME: RUNS and SECS from RUNS / SECONDS_PER_RUN (5 and 10 by default), work from
# BENCH_DIR or a new /var/tmp/pxlite-NAME.*, the Debian packages and a build if missing, pids=() and
# a trap that kills them on exit, die.
bench_begin() {
  bench_name=$1
  RUNS=${RUNS:-5}
  SECS=${SECONDS_PER_RUN:-10}
  work=${BENCH_DIR:-$(mktemp -d "/var/tmp/pxlite-$1.XXXXXX")}
  mkdir -p "$work"
  "$top/bin/pxlite-packages"
  [ -d "$top/node/target/lib" ] || (cd "$top" && mvn -B -q -DskipTests package)
  pids=()
  trap bench_cleanup EXIT
  die() { echo "$bench_name: $*" >&2; exit 1; }
}
bench_cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_etcd: an etcd for this run, data in $work/etcd; sets ec, its client port on 127.0.0.1.
start_etcd() {
  local ep
  ec=$(free_port); ep=$(free_port)
  etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$ec" \
    --advertise-client-urls "http://127.0.0.1:$ec" --listen-peer-urls "http://127.0.0.1:$ep" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ep" --initial-cluster "bench=http://127.0.0.1:$ep" \
    >"$work/etcd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fsS -m 1 "http://127.0.0.1:$ec/health" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS -m 1 "http://127.0.0.1:$ec/health" >/dev/null 2>&1 || die "etcd did not start (log: $work/etcd.log)"
}

# start_node SIDE ADDR CLUSTER [JVM OPTIONS]: a one-node cluster CLUSTER on ADDR (an 8 GB sparse
# device, data in $work/node$SIDE); sets mgmt[SIDE] (address:port) and node_pid[SIDE]; the caller
# declares both (declare -A). await_node SIDE waits until it answers.
start_node() {
  local side=$1 addr=$2 cluster=$3 opts=${4:-} dir=$work/node$1
  mgmt[$side]="$addr:$(free_port)"
  cat >"$work/config$side.json" <<JSON
{"clusterid": "$cluster", "kvdb": "etcd:http://127.0.0.1:$ec", "mgmtip": "$addr", "dataip": "$addr",
 "datadir": "$dir", "mounts_dir": "$dir/mounts",
 "storage": {"devices": ["$work/dev$side.img"], "device_size": "8G"},
 "listeners": {"mgmt_port": ${mgmt[$side]#*:}, "raft_port": $(free_port), "docker_plugin_socket": ""}}
JSON
  PXLITE_JAVA_OPTS="-Xmx2g -XX:MaxDirectMemorySize=1g $opts" "$top/bin/pxlite-node" --config "$work/config$side.json" \
    >"$work/node$side.log" 2>&1 &
  pids+=($!); node_pid[$side]=$!
}

pxctl() { local side=$1; shift; "$top/bin/pxctl" --endpoint "$work/node$side/api.sock" "$@"; }

await_node() {
  for _ in $(seq 450); do pxctl "$1" status >/dev/null 2>&1 && return; sleep 0.2; done
  die "node $1 did not start (log: $work/node$1.log)"
}

# filled_volume SIDE NAME SIZE: creates a repl-1 volume on node SIDE and writes its first GiB.
filled_volume() {
  for _ in $(seq 60); do pxctl "$1" volume create "$2" --size "$3" --repl 1 >/dev/null 2>&1 && break; sleep 0.5; done
  fio --name=fill --ioengine=nbd --uri="nbd+unix:///$2?socket=$work/node$1/nbd.sock" --rw=write --bs=1m \
    --iodepth=8 --size=1G --output-format=terse >/dev/null 2>&1 || die "filling volume $2 on node $1 failed"
}

# cpu_ticks PID -> utime+stime of the process in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
