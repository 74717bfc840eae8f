#!/bin/bash
# Writes a rolling capture of the kube node: snapshots one minute apart, counters growing.
#
#   make-capture.sh OUT [--snapshots 10] [--services N] [--seed N] [--start 2026-11-24T10:00:00Z]
#
# Each snapshot is an ISO 8601 timestamp line, then `iptables -L -v -n -x` of nat and
# filter, as a cron job on the node would append them. Between snapshots the ruleset is
# reloaded with `--counters` from the same seed one minute later, so every counter has grown
# as traffic would have grown it. 10 snapshots of 3000 services are about 70 MB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"

usage() { echo "usage: $0 OUT [--snapshots N] [--services N] [--seed N] [--start ISO8601]" >&2; exit 64; }
[ $# -ge 1 ] || usage
out=$1; shift
snapshots=10
services=3000
seed=1
start=2026-11-24T10:00:00Z
while [ $# -gt 0 ]; do
    case $1 in
        --snapshots) snapshots=${2:?}; shift 2 ;;
        --services) services=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        --start) start=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done

kube_node_netns_create
epoch=$(date -u -d "$start" +%s)
tmp="$out.tmp.$$"
ruleset="$out.ruleset.$$"
trap 'rm -f "$tmp" "$ruleset"; ip netns del "$KUBE_NODE_NS" 2>/dev/null' EXIT
: > "$tmp"
for ((minute = 0; minute < snapshots; minute++)); do
    python3 "$here/gen-ruleset.py" --services "$services" --seed "$seed" --minute "$minute" -o "$ruleset"
    in_ns iptables-restore --counters < "$ruleset"
    date -u -d "@$((epoch + 60 * minute))" +%Y-%m-%dT%H:%M:%SZ >> "$tmp"
    in_ns_listing -v -n -x >> "$tmp"
done
mv "$tmp" "$out"
