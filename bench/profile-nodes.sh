#!/usr/bin/env bash
# Profiles running pxlite nodes with async-profiler 4.2 (CPU, 1 ms, per thread) for SECONDS, then
# prints each node's busiest threads and leaf frames (bench/collapsed-top.py). Run it while a load
# runs (bench/run-bench.sh or fio); the collapsed stacks stay in OUT (default /tmp/pxlite-profile).
#   bench/profile-nodes.sh SECONDS [PID...]     default PIDs: every pxlite node process
# Attaching makes C2 recompile for a while (seen: up to half a node's CPU for ~30 s): profile a
# warmed-up load for long enough, and take throughput figures from runs without the profiler.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:?usage: bench/profile-nodes.sh SECONDS [PID...]}; shift
pids=("$@")
[ ${#pids[@]} -gt 0 ] || mapfile -t pids < <(pgrep -f io.pxlite.node.Main)
[ ${#pids[@]} -gt 0 ] || { echo "profile-nodes: no pxlite node runs" >&2; exit 1; }
out=${OUT:-/tmp/pxlite-profile}
mkdir -p "$out/lib"
jar=~/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar
[ -f "$jar" ] || mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2
lib=$out/lib/linux-x64/libasyncProfiler.so
[ -f "$lib" ] || (cd "$out/lib" && unzip -q -o "$jar" 'linux-x64/*')
attach() { java "$top/bench/Attach.java" "$1" "$lib" "$2"; }
for p in "${pids[@]}"; do attach "$p" start,event=cpu,interval=1ms,threads; done
sleep "$secs"
for p in "${pids[@]}"; do
  attach "$p" "stop,file=$out/node-$p.collapsed,collapsed"
  echo; echo "node process $p:"
  python3 "$top/bench/collapsed-top.py" "$out/node-$p.collapsed" 15
done
