#!/bin/bash
# Loads the kube-node ruleset into a fresh network namespace and dumps it in every format.
#
#   make-dumps.sh OUTDIR [--services N] [--seed N]
#
# OUTDIR gets:
#   ruleset.txt        what was loaded (iptables-restore --counters input)
#   expected.txt       the generator's totals: `table rules=N pkts=N bytes=N`, then `total ...`
#   listing-v.txt      iptables -L -v          (nat, then filter)
#   listing-v-n.txt    iptables -L -v -n
#   listing-v-x.txt    iptables -L -v -x
#   listing-v-n-x.txt  iptables -L -v -n -x
#   save-c.txt         iptables-save -c
#   save.txt           iptables-save
#   nft.txt            nft list ruleset
#   nft.json           nft -j list ruleset
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"

usage() { echo "usage: $0 OUTDIR [--services N] [--seed N]" >&2; exit 64; }
[ $# -ge 1 ] || usage
out=$1; shift
services=3000
seed=1
while [ $# -gt 0 ]; do
    case $1 in
        --services) services=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done

mkdir -p "$out"
kube_node_netns_create
python3 "$here/gen-ruleset.py" --services "$services" --seed "$seed" \
    --stats "$out/expected.txt" -o "$out/ruleset.txt"
in_ns iptables-restore --counters < "$out/ruleset.txt"

in_ns_listing -v > "$out/listing-v.txt"
in_ns_listing -v -n > "$out/listing-v-n.txt"
in_ns_listing -v -x > "$out/listing-v-x.txt"
in_ns_listing -v -n -x > "$out/listing-v-n-x.txt"
in_ns iptables-save -c > "$out/save-c.txt"
in_ns iptables-save > "$out/save.txt"
# nft warns on stderr that the tables are iptables-nft's: expected, not part of the dump.
in_ns nft list ruleset > "$out/nft.txt" 2>/dev/null
in_ns nft -j list ruleset > "$out/nft.json" 2>/dev/null
