#!/bin/bash
# Loads the kube-node ruleset into a fresh network namespace and writes `iptables-save -c`
# of it: one snapshot of the full node (about 33,000 rules at 3000 services) as the kernel
# dumps it. The store's tests ingest it (and kill ingests of it); faster than make-dumps.sh.
#
#   make-save.sh OUTFILE [--services N] [--seed N] [--minute K]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"

usage() { echo "usage: $0 OUTFILE [--services N] [--seed N] [--minute K]" >&2; exit 64; }
[ $# -ge 1 ] || usage
out=$1; shift
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --services|--seed|--minute) args+=("$1" "${2:?}"); shift 2 ;;
        *) usage ;;
    esac
done

kube_node_netns_create
python3 "$here/gen-ruleset.py" "${args[@]}" -o "$out.ruleset"
in_ns iptables-restore --counters < "$out.ruleset"
rm -f "$out.ruleset"
in_ns iptables-save -c > "$out"
