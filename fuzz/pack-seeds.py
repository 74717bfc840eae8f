#!/usr/bin/env python3
"""Cuts multi-snapshot captures into seeds that fit libFuzzer's -max_len.

    fuzz/pack-seeds.py MAX_LEN OUT_DIR CAPTURE...

The analyzer works across snapshots, so a seed must hold several. Two cuts per capture:
- the rules whose counters move: a rule line printed the same in every snapshot, or with
  zero counters, is dropped (what is left still climbs and drops);
- every snapshot's first MAX_LEN/3 bytes, three snapshots a seed.
(A moving snapshot is cut to MAX_LEN/2 bytes, two a seed.)
Consecutive snapshots are packed into seeds of at most MAX_LEN bytes.
"""
import os, re, sys

stamp = re.compile(rb'^(\d{4}-\d\d-\d\dT\S*|@\d+|[A-Z][a-z]{2} [A-Z][a-z]{2} .*\d{4})\s*(#.*)?$')
zero = re.compile(rb'^( +0 +0 |\[0:0\] -A |:\S+ - \[0:0\])')
rule = re.compile(rb'^( +\d+[KMG]? +\d+[KMG]? |\[\d+:\d+\] -A |\s+.*counter packets )')

def snapshots(data):
    out, cur = [], []
    for line in data.split(b'\n'):
        if stamp.match(line) and cur:
            out.append(cur); cur = []
        cur.append(line)
    if cur: out.append(cur)
    return out

def pack(snaps, limit, outdir, tag):
    n, i = 0, 0
    while i < len(snaps):
        seed = snaps[i]; i += 1
        while i < len(snaps) and len(seed) + len(snaps[i]) <= limit:
            seed += snaps[i]; i += 1
        n += 1
        with open(os.path.join(outdir, f'seed-{tag}-{n}'), 'wb') as f:
            f.write(seed)

limit, outdir = int(sys.argv[1]), sys.argv[2]
for path in sys.argv[3:]:
    tag = re.sub(r'[^A-Za-z0-9]+', '-', os.path.relpath(path)).strip('-')
    snaps = snapshots(open(path, 'rb').read())
    everywhere = set.intersection(*(set(s) for s in snaps)) if snaps else set()
    moving = [b'\n'.join(l for l in s if not (rule.match(l) and (l in everywhere or zero.match(l)))) + b'\n'
              for s in snaps]
    pack([s[:limit // 2] for s in moving], limit, outdir, tag + '-moving')
    pack([b'\n'.join(s)[:limit // 3].rsplit(b'\n', 1)[0] + b'\n' for s in snaps], limit, outdir, tag + '-heads')
