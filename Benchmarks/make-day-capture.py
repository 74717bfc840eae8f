#!/usr/bin/env python3
"""A day of the kube node, one snapshot a minute, from one real dump.

    make-day-capture.py DUMP OUT [--snapshots 1440] [--changing 0.05] [--seed 1]
                        [--start 2026-11-24T00:00:00Z]

DUMP is one `iptables -L -v -n -x` listing of nat and filter as the kernel printed it (the
first snapshot is taken when DUMP is a rolling capture, such as make-capture.sh's). OUT gets
what a cron loop appending to a rolling capture every minute would hold: a timestamp line,
then the listing, SNAPSHOTS times; `-` writes to standard output, `.gz` compresses.

Each minute, a fraction (CHANGING, 5%) of the rules, drawn anew, has its counters grow (by
1 to 500 packets of 60 to 1500 bytes); every other rule prints exactly as the minute before.
DROP and REJECT rules never grow, so the day is a quiet one: `analyze` finds nothing.
That is the load the history's memory is sized on: on a big node most rules sit still from
one minute to the next. Only the counters are rewritten; the rule text is the kernel's.
A day of the 3000-service node is about 10 GB of text.
"""
import argparse
import datetime
import gzip
import random
import re
import sys

RULE = re.compile(rb"^ *(\d+) +(\d+) ")
STAMP = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def first_dump(path):
    lines = []
    with open(path, "rb") as f:
        for line in f:
            if STAMP.match(line.rstrip(b"\n")):
                if lines:
                    break
                continue
            lines.append(line)
    return lines


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dump")
    p.add_argument("out")
    p.add_argument("--snapshots", type=int, default=1440)
    p.add_argument("--changing", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", default="2026-11-24T00:00:00Z")
    a = p.parse_args()

    lines = first_dump(a.dump)
    rules = []  # (line index, packets, bytes, rest of the line)
    for i, line in enumerate(lines):
        m = RULE.match(line)
        # Dropping rules stay still: a quiet day, where a climbing REJECT would be a finding.
        if m and not line[m.end():].startswith((b"DROP", b"REJECT")):
            rules.append([i, int(m.group(1)), int(m.group(2)), line[m.end():]])
    if not rules:
        sys.exit(f"{a.dump}: no rule lines with counters (is it `iptables -L -v -n -x`?)")
    rng = random.Random(a.seed)
    per_minute = round(len(rules) * a.changing)
    start = datetime.datetime.strptime(a.start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)

    if a.out == "-":
        out = sys.stdout.buffer
    elif a.out.endswith(".gz"):
        out = gzip.open(a.out, "wb", compresslevel=1)
    else:
        out = open(a.out, "wb", buffering=1 << 20)
    for minute in range(a.snapshots):
        if minute > 0:
            for k in rng.sample(range(len(rules)), per_minute):
                r = rules[k]
                packets = rng.randint(1, 500)
                r[1] += packets
                r[2] += packets * rng.randint(60, 1500)
                lines[r[0]] = b"%8d %8d " % (r[1], r[2]) + r[3]
        stamp = (start + datetime.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(stamp.encode() + b"\n")
        out.write(b"".join(lines))
    out.close()
    print(f"{a.snapshots} snapshots of {len(rules)} counted rules that may change, {per_minute} changing a minute", file=sys.stderr)


if __name__ == "__main__":
    main()
