#!/usr/bin/env python3
"""Summarises async-profiler collapsed stacks (bench/profile-nodes.sh): the busiest threads (thread
ids folded, so a pool counts as one) and the leaf frames, as shares of all samples.
   collapsed-top.py FILE [N]"""
import collections, re, sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
leaf, threads = collections.Counter(), collections.Counter()
total = 0
for line in open(path):
    stack, count = line.rsplit(' ', 1)
    count = int(count)
    total += count
    frames = stack.split(';')
    leaf[frames[-1]] += count
    threads[re.sub(r'[-0-9]+', '#', frames[0])] += count
print('total samples', total)
for name, n in threads.most_common(12):
    print('%5.1f%% %s' % (100 * n / total, name[:150]))
print()
for name, n in leaf.most_common(top):
    print('%5.1f%% %s' % (100 * n / total, name[:150]))
