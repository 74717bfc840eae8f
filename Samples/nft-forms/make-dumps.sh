#!/bin/bash
# Loads ruleset.nft into a fresh network namespace, sends a little UDP on its loopback, and
# dumps what the kernel counted; then flushes the ruleset, dumps the nothing that leaves,
# and loads it again. Also lists ip6tables rules that show no address (`anywhere`).
#
#   make-dumps.sh OUTDIR
#
# OUTDIR gets:
#   forms.nft, forms.json      nft -a list ruleset / nft -j list ruleset after the traffic
#   capture-nft.txt            six snapshots, timestamp then `nft list ruleset`: full, full
#                              (more traffic), flushed (nft prints nothing), flushed, loaded
#                              again, full; the first timestamp carries `# egress` inline
#   capture-json.txt           the same with `nft -j list ruleset` (metainfo alone when empty)
#   capture-save.txt           the same with iptables-save -c of an iptables-nft table
#                              (it prints nothing for an empty ruleset)
#   ip6-dnat.txt               ip6tables -t nat -L -v: a DNAT to an IPv6 address, no other
#   ip6-plain.txt              ip6tables -L -v: rules on ports only, every address `anywhere`
#   ip6-legacy-header.txt      ip6tables -L -v with ip6tables-legacy tables present: its
#                              `# Warning: ip6tables-legacy tables present` header
#   traffic.txt                what was sent: `port N packets N`, per round
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 64; }
out=$1
if [ "$(id -u)" != 0 ]; then
    echo "$0: must run as root (it creates a network namespace)" >&2
    exit 77
fi
for tool in ip nft iptables iptables-save ip6tables python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 69; }
done
mkdir -p "$out"
ns="rulewatch-nft-forms-$$-$RANDOM"
ip netns add "$ns" || exit 71
trap 'ip netns del "$ns" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up

# UDP datagrams to 127.0.0.1, `PORT:COUNT ...`; a dropped one fails with EPERM, as it should.
send() {
    in_ns python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for spec in sys.argv[1:]:
    port, count = (int(x) for x in spec.split(":"))
    for _ in range(count):
        try:
            s.sendto(b"rulewatch", ("127.0.0.1", port))
        except OSError:
            pass
PY
    echo "round $*" >> "$out/traffic.txt"
}

stamp() { echo "2026-11-24T10:0$1:00Z${2:+ # egress $2}"; }
: > "$out/traffic.txt"
: > "$out/capture-nft.txt"
: > "$out/capture-json.txt"
: > "$out/capture-save.txt"
# One snapshot in every capture: the time, then each dump command's output.
snapshot() {
    stamp "$1" "${2:-}" >> "$out/capture-nft.txt"
    in_ns nft list ruleset >> "$out/capture-nft.txt"
    stamp "$1" "${2:-}" >> "$out/capture-json.txt"
    in_ns nft -j list ruleset >> "$out/capture-json.txt" 2>/dev/null
    echo >> "$out/capture-json.txt"
    stamp "$1" "${2:-}" >> "$out/capture-save.txt"
    in_ns iptables-save -c >> "$out/capture-save.txt"
}
load() {
    in_ns nft -f "$here/ruleset.nft"
    # An iptables-nft table beside it, for the save capture.
    in_ns iptables -A OUTPUT -p udp --dport 53 -j ACCEPT
}

load
send 53:3 9:2 7:1 8:1 5353:1 9999:1
in_ns nft -a list ruleset > "$out/forms.nft"
in_ns nft -j list ruleset > "$out/forms.json" 2>/dev/null
snapshot 0 "ok=10 total=10"
send 53:2
snapshot 1
in_ns nft flush ruleset
snapshot 2
snapshot 3
load
send 53:1
snapshot 4
send 53:1
snapshot 5

in_ns ip6tables -t nat -A OUTPUT -p tcp --dport 80 -j DNAT --to-destination '[fd00::1]:8080'
in_ns ip6tables -t nat -L -v > "$out/ip6-dnat.txt"
in_ns ip6tables -A INPUT -p tcp --dport 22 -j ACCEPT
in_ns ip6tables -A OUTPUT -p udp --dport 53 -j ACCEPT
in_ns ip6tables -L -v > "$out/ip6-plain.txt"
if command -v ip6tables-legacy >/dev/null; then
    in_ns ip6tables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT
    # The warning goes to stderr: a capture that keeps stderr (`2>&1`) has it first.
    in_ns ip6tables -L -v > "$out/ip6-legacy-header.txt" 2>&1
fi
