#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample): the leaf method each sample
was in, and the first pxlite method on its stack (the code of ours that led there).
   top-frames.py FILE.jfr [N]"""
import collections, json, subprocess, sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]
leaf, ours = collections.Counter(), collections.Counter()

def name(frame):
    m = frame["method"]
    return m["type"]["name"] + "." + m["name"]

for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    if not frames:
        continue
    leaf[name(frames[0])] += 1
    first = next((name(f) for f in frames if f["method"]["type"]["name"].startswith("io.pxlite")), "(no pxlite frame)")
    ours[first] += 1

total = max(1, sum(leaf.values()))
print("%d samples" % total)
for title, counter in (("leaf frames", leaf), ("first pxlite frame on the stack", ours)):
    print("  %s:" % title)
    for frame, n in counter.most_common(top):
        print("    %5.1f%%  %s" % (100.0 * n / total, frame))
