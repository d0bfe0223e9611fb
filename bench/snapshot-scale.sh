#!/usr/bin/env bash
# What 1,024 snapshots on a volume cost its I/O (benchmark, not a test; issue 11, item 9). One
# single-node pxlite with two 1 GiB repl-1 volumes, both filled: "plain" and "snapped". Then 1,024
# rounds of 16 random 4 KiB overwrites on both, each round on "snapped" followed by a snapshot, so
# "snapped" keeps 1,024 snapshots with versions of the blocks overwritten in between. fio 4 KiB
# random write, then random read, at iodepth 32 on the two in turn (ABAB..., so drift hits both
# alike); prints each run, the medians and snapped/plain. Last, it deletes every snapshot and prints
# the device space before and after (snapshot delete gives space back).
#   bench/snapshot-scale.sh   RUNS=5 SECONDS_PER_RUN=10 SNAPSHOTS=1024 by default; BENCH_DIR=work dir
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bench_begin snapshot-scale
SNAPS=${SNAPSHOTS:-1024}

start_etcd
declare -A mgmt node_pid
start_node A 127.0.0.1 snapshot-scale
await_node A
api=${mgmt[A]}
uri() { echo "nbd+unix:///$1?socket=$work/nodeA/nbd.sock"; }
for v in plain snapped; do
  filled_volume A $v 1G
done
used() { curl -fsS "http://$api/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node"]["devices"][0]["used_bytes"])'; }

# The overwrites and snapshots, from libnbd (Debian's python3-libnbd) and the management API.
started=$(date +%s)
/usr/bin/python3 - "$(uri plain)" "$(uri snapped)" "http://$api" "$SNAPS" <<'PY'
import json, nbd, os, random, sys, urllib.request
plain_uri, snapped_uri, api, snaps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rnd = random.Random(7)
handles = []
for u in (plain_uri, snapped_uri):
    h = nbd.NBD(); h.connect_uri(u); handles.append(h)
blocks = handles[0].get_size() // 4096
for i in range(snaps):
    for h in handles:
        for _ in range(16):
            h.pwrite(os.urandom(4096), rnd.randrange(blocks) * 4096)
        h.flush()
    req = urllib.request.Request(api + "/v1/snapshots", method="POST",
                                 data=json.dumps({"volume": "snapped", "name": "snapped.s%04d" % i}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        if r.status != 201:
            sys.exit("snapshot %d: HTTP %d" % (i, r.status))
for h in handles:
    h.shutdown()
PY
count=$(curl -fsS "http://$api/v1/snapshots?volume=snapped" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$count" = "$SNAPS" ] || die "snapped has $count snapshots, not $SNAPS"
echo "took $SNAPS snapshots of 'snapped' (16 random 4 KiB overwrites of both volumes before each) in $(( $(date +%s) - started )) s"
snapshot_bytes=$(curl -fsS "http://$api/v1/volumes/snapped" | python3 -c 'import json,sys; print(json.load(sys.stdin)["snapshot_bytes"])')
echo "snapped: $(( snapshot_bytes >> 20 )) MiB kept only for its snapshots"

iops() {
  fio --name=w --ioengine=nbd --uri="$(uri "$1")" --rw="$2" --bs=4k \
    --iodepth=32 --size=1G --time_based --runtime="$SECS" --output-format=json 2>/dev/null \
    | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; print(round(j["write"]["iops"] + j["read"]["iops"]))'
}
for rw in randwrite randread; do
  declare -A results=()
  for n in $(seq "$RUNS"); do
    for v in plain snapped; do
      r=$(iops $v $rw); results[$v]+="$r "
      echo "$rw run $n: $v $r IOPS"
    done
  done
  python3 - "$rw" "$SNAPS" "${results[plain]}" "${results[snapped]}" <<'PY'
import statistics, sys
rw, snaps = sys.argv[1], sys.argv[2]
plain, snapped = ([float(x) for x in a.split()] for a in sys.argv[3:5])
p, s = statistics.median(plain), statistics.median(snapped)
print(f"4 KiB {rw} QD32, repl 1, medians of {len(plain)}: 0 snapshots {p:,.0f} IOPS, {snaps} snapshots {s:,.0f} IOPS,"
      f" snapped/plain {s / p:.3f}")
PY
done

before=$(used)
started=$(date +%s)
curl -fsS "http://$api/v1/snapshots?volume=snapped" \
  | python3 -c 'import json,sys; [print(s["name"]) for s in json.load(sys.stdin)]' \
  | while read -r s; do curl -fsS -X DELETE "http://$api/v1/snapshots/$s" >/dev/null; done
after=$(used)
echo "deleted $SNAPS snapshots in $(( $(date +%s) - started )) s: device used $(( before >> 20 )) MiB before, $(( after >> 20 )) MiB after"
