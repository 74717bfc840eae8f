# Sourced by make-dumps.sh and make-capture.sh: a throwaway network namespace.
#
# The ruleset is loaded into a namespace of its own, never the host's; the namespace has no
# interfaces up, so nothing it does (reverse lookups of `iptables -L` without -n) leaves it.

kube_node_netns_create() {
    if [ "$(id -u)" != 0 ]; then
        echo "$0: must run as root (it creates a network namespace)" >&2
        exit 77
    fi
    for tool in ip iptables iptables-restore iptables-save nft python3; do
        command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 69; }
    done
    KUBE_NODE_NS="rulewatch-kube-node-$$-$RANDOM"
    ip netns add "$KUBE_NODE_NS" || exit 71
    trap 'ip netns del "$KUBE_NODE_NS" 2>/dev/null' EXIT
    trap 'exit 130' INT TERM
}

# Runs a command inside the namespace.
in_ns() {
    ip netns exec "$KUBE_NODE_NS" "$@"
}

# Lists nat then filter, the way a capture script would: `in_ns_listing -v -n -x`.
in_ns_listing() {
    in_ns iptables -t nat -L "$@" && in_ns iptables -t filter -L "$@"
}
