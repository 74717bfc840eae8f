#!/usr/bin/env bash
# Rebuilds rulewatch's model incident on the running kernel and records it as a capture.
#
# Three network namespaces, linked only to each other:
#
#   pod (10.244.7.10) --veth-- node (10.244.7.1 | 192.168.250.1) --veth-- external (192.168.250.10,
#                                                                               .20, .21, .22)
#
# "node" routes and NATs like a Kubernetes worker (kube-proxy's nat and filter chains, a CNI
# MASQUERADE, decoys picked by the seed); "external" accepts TCP on :80, :443 and :8080; a probe
# in "pod" opens new connections to external:80 and :443 every interval and counts how many
# succeed. After K intervals the incident appends two REDIRECT rules to nat PREROUTING of "node",
# sending every new pod connection to :80/:443 to a local port where nothing listens, while the
# node's own connections (OUTPUT) stay fine. The healthy scenario has no REDIRECT but a burst
# through a service DNAT and a kube-proxy rewrite that resets its chains' counters. The outage
# scenario is healthy until the far servers stop listening on :80/:443 after K intervals:
# egress falls, yet no rule is to blame.
#
# Output in DIR: capture.txt (a timestamp, `# egress ok=N total=N` and a dump of "node" per
# interval), egress.csv (`time,ok,total`), truth.txt (what was done, and when).
# Needs root, iproute2, iptables, python3, and for --format nft both nft and the nf_tables
# flavour of iptables (the rules are loaded with iptables; nft lists what it sees).
# Touches nothing outside the namespaces it creates; removes them, its processes and its
# temporary files on any exit (DIR keeps what was written so far, for a look).
set -euo pipefail

# Signals blocked or ignored by the caller survive exec (a thread pool's worker threads block
# nearly all of them), and would leave this script and its servers deaf to TERM: start again
# with every signal unblocked and at its default.
if [[ -z ${RWI_SIGNALS_RESET:-} ]] && command -v python3 >/dev/null; then
    if ! grep -Eq '^SigBlk:[[:space:]]*0+$' /proc/$$/status 2>/dev/null \
        || ! grep -Eq '^SigIgn:[[:space:]]*0+$' /proc/$$/status 2>/dev/null; then
        export RWI_SIGNALS_RESET=1
        exec python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, set())
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
    signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$BASH" "$0" "$@"
    fi
fi

readonly PROG=make-capture
readonly FORMATS=(listing listing-x listing-n listing-nx save nft)
# Named only with --format, never drawn by the seed (so a seed picks what it always did):
# nft's listing with rule handles (`nft -a`) and nft's JSON with them (`nft -a -j`).
readonly NAMED_FORMATS=(nft-a nft-json)
readonly STAMPS=(iso date epoch)

usage() {
    cat <<'EOF'
usage: make-capture.sh --out DIR [--seed N] [--format FORMAT] [--scenario incident|healthy|outage]
                       [--intervals N] [--interval-seconds S] [--inject-at K]

  --out DIR             where capture.txt, egress.csv and truth.txt go (created if missing)
  --seed N              picks the format, timestamp style, timing and decoys (default: random)
  --format FORMAT       listing, listing-x, listing-n, listing-nx, save or nft (default: by seed);
                        nft-a or nft-json: nft -a list ruleset, nft -a -j list ruleset (handles)
  --scenario S          incident (default), healthy, or outage (the servers stop, no rule changes)
  --intervals N         snapshots to take (default 8)
  --interval-seconds S  probing time per interval, 1-10 (default: 2 or 3 by seed)
  --inject-at K         append the REDIRECT rules (incident) or stop the servers (outage)
                        after K snapshots (default: by seed)
  --burst-at-onset      incident: a service's burst through its DNAT (to a remote endpoint that
                        keeps answering, as a retry storm makes) in the interval egress falls
  --hostile-comments    the REDIRECT rules carry a comment with markup, quotes, shell
                        expansions and terminal escapes, as anyone who can add a rule may write
  --fix CMD             after the capture, run CMD (bash, in DIR) and run each line it prints
                        in the node's namespace, one by one: fix-before.rules, fix-after-N.rules
                        (iptables-save, or for the nft formats nft list ruleset with each
                        counter's values taken out) and fix-egress.txt
                        (`ok total` of one more interval) show what each line did
  --plan                print what the seed chooses and exit (no root needed, nothing made)
EOF
}

die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

PLAN=0 OUT="" SEED="" FORMAT="" SCENARIO=incident INTERVALS=8 INTERVAL_SECONDS="" INJECT_AT=""
BURST_AT_ONSET=0 FIX="" HOSTILE=0
while (($#)); do
    case $1 in
        --out) OUT=${2:?--out needs a value}; shift 2 ;;
        --seed) SEED=${2:?--seed needs a value}; shift 2 ;;
        --format) FORMAT=${2:?--format needs a value}; shift 2 ;;
        --scenario) SCENARIO=${2:?--scenario needs a value}; shift 2 ;;
        --intervals) INTERVALS=${2:?--intervals needs a value}; shift 2 ;;
        --interval-seconds) INTERVAL_SECONDS=${2:?--interval-seconds needs a value}; shift 2 ;;
        --inject-at) INJECT_AT=${2:?--inject-at needs a value}; shift 2 ;;
        --burst-at-onset) BURST_AT_ONSET=1; shift ;;
        --hostile-comments) HOSTILE=1; shift ;;
        --fix) FIX=${2:?--fix needs a value}; shift 2 ;;
        --plan) PLAN=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
((PLAN)) || [[ -n $OUT ]] || { usage >&2; die "--out DIR is required"; }
[[ -z $SEED ]] && SEED=$(( (RANDOM << 15 | RANDOM) % 1000000 ))
is_uint "$SEED" || die "--seed must be a non-negative integer, not '$SEED'"
SEED=$((10#$SEED))
[[ $SCENARIO =~ ^(incident|healthy|outage)$ ]] || die "--scenario must be incident, healthy or outage"
is_uint "$INTERVALS" && ((INTERVALS >= 3 && INTERVALS <= 60)) || die "--intervals must be 3..60"

# Every choice below comes from this one stream, so a seed names a run (up to real timing).
# SplitMix64 of our own: bash's $RANDOM changed between versions and reseeds in subshells.
# Bash shifts right arithmetically, hence the masks.
RNG=$SEED
draw() {    # VAR N: VAR = 0..N-1
    RNG=$((RNG + 0x9E3779B97F4A7C15))
    local z=$RNG
    z=$(((z ^ ((z >> 30) & 0x3FFFFFFFF)) * 0xBF58476D1CE4E5B9))
    z=$(((z ^ ((z >> 27) & 0x1FFFFFFFFF)) * 0x94D049BB133111EB))
    z=$((z ^ ((z >> 31) & 0x1FFFFFFFF)))
    printf -v "$1" %d $((((z >> 1) & 0x7FFFFFFFFFFFFFFF) % $2))
}
flag() {    # VAR PERCENT: VAR = 1 with that chance, else 0
    local r
    draw r 100
    printf -v "$1" %d $((r < $2))
}

draw r ${#FORMATS[@]}
[[ -z $FORMAT ]] && FORMAT=${FORMATS[r]}
[[ " ${FORMATS[*]} ${NAMED_FORMATS[*]} " == *" $FORMAT "* ]] || die "--format must be one of: ${FORMATS[*]} ${NAMED_FORMATS[*]}"
draw r ${#STAMPS[@]}
STAMP=${STAMPS[r]}
draw r 2
[[ -z $INTERVAL_SECONDS ]] && INTERVAL_SECONDS=$((2 + r))
is_uint "$INTERVAL_SECONDS" && ((INTERVAL_SECONDS >= 1 && INTERVAL_SECONDS <= 10)) \
    || die "--interval-seconds must be 1..10"
# The incident needs healthy intervals before it and failing ones after it.
draw r 3
[[ -z $INJECT_AT ]] && INJECT_AT=$((INTERVALS / 2 - 1 + r))
is_uint "$INJECT_AT" && ((INJECT_AT >= 1 && INJECT_AT < INTERVALS)) \
    || die "--inject-at must be 1..$((INTERVALS - 1))"

# Decoys: things a real node has that climb, drop, reset or look dangerous without being the fault.
flag D_USERCHAIN 60     # a site's own filter chain with accepts
flag D_DROPS 70         # DROP/REJECT rules for ports nobody uses
flag D_NODEPORT 50      # a NodePort service: DNAT that sees no traffic
flag D_PREDNAT 40       # a narrow DNAT in PREROUTING (one source, :8443)
flag D_MANGLE 40        # MSS clamping: climbs with every forwarded SYN
flag D_INPUTACCEPT 50   # accept from pods in INPUT: climbs at the onset
flag D_REJECTDST 50     # a REJECT with steady traffic all along
flag D_DOCKER 40        # docker's addrtype jumps in PREROUTING/OUTPUT
flag D_QUIET80 25       # like the model incident: nothing uses :80
flag D_BLANKLINE 50     # a listing's tables separated by a blank line
draw r 4; D_EXTRASVC=$((1 + r))   # services without traffic in KUBE-SERVICES
draw r 3; P443=$((4 + r))
draw r 3; P80=$((D_QUIET80 ? 0 : 2 + r))
draw r 2; SVC_PER_INTERVAL=$((1 + r))
draw r 15; BURST_SIZE=$((25 + r))
# The healthy scenario's burst and rewrite; the incident may get them too.
draw r $((INTERVALS - 2)); BURST_AT=$((1 + r)) DRAWN_BURST_AT=$((1 + r))
draw r $((INTERVALS - 1)); REWRITE_AT=$((1 + r))
flag r 60; REWRITE_MODE=$( ((r)) && echo noflush || echo reload)
flag REWRITE_ENDPOINT 50  # the rewrite also swaps one endpoint
flag r 50
if [[ $SCENARIO == incident ]]; then
    REWRITE_MODE=noflush    # a whole-table reload would drop the injected rules
    ((r)) || REWRITE_AT=-1
    BURST_AT=-1
fi
# Drawn last, so that the choices above stay what they were for a given seed.
flag D_MIXED 40         # egress also counts a port the incident leaves alone (:8080)
draw r 2; P8080=$((D_MIXED ? 2 + r : 0))
flag D_REJECTSTEP 50    # the steady REJECT's traffic steps up, egress unmoved
draw r $((INTERVALS - 1)); REJECT_STEP_AT=$((D_REJECTDST && D_REJECTSTEP ? 1 + r : -1))
# Near the onset of an incident or outage, a REJECT that steps up would be a second culprit,
# and in an outage a burst or rewrite would be a rule that changed when egress fell: decoys stay
# two intervals away from it.
near_onset() { [[ $SCENARIO != healthy ]] && (($1 >= INJECT_AT - 1 && $1 <= INJECT_AT + 1)); }
near_onset "$REJECT_STEP_AT" && REJECT_STEP_AT=-1
flag r 50
if [[ $SCENARIO == incident ]] && ((r)) && ! near_onset "$DRAWN_BURST_AT"; then
    BURST_AT=$DRAWN_BURST_AT    # a service's burst through its DNAT, egress unmoved
fi
if ((BURST_AT_ONSET)); then
    [[ $SCENARIO == incident ]] || die "--burst-at-onset is for the incident scenario"
    BURST_AT=$INJECT_AT         # the burst lands in the very interval egress falls
fi
if [[ $SCENARIO == outage ]]; then
    near_onset "$BURST_AT" && BURST_AT=-1
    near_onset "$REWRITE_AT" && REWRITE_AT=-1
fi

INJECTED_AT="(not yet)" FIRST_BAD_AT="(not yet)"
# Markup, a closing </svg>, quotes, a shell expansion that would print INJECTED if a printed
# command let it run, and terminal escapes that colour the text red and clear the screen.
HOSTILE_COMMENT=$'<img src=x onerror=alert(1)></svg><script>alert(2)</script> \'q\' "dq" $(echo INJECTED) \e[31mred\e[2J\e]0;title\a'

describe() {
    echo "scenario=$SCENARIO"
    echo "seed=$SEED"
    echo "format=$FORMAT"
    echo "timestamps=$STAMP"
    echo "intervals=$INTERVALS"
    echo "interval_seconds=$INTERVAL_SECONDS"
    if [[ $SCENARIO == incident ]]; then
        echo "# the REDIRECT rules were appended after snapshot $INJECT_AT; snapshot $((INJECT_AT + 1)) (numbered from 1, as rulewatch does) is the first to show them"
        echo "inject_interval=$INJECT_AT"
        echo "injected_at=$INJECTED_AT"
        echo "first_snapshot_with_rules_at=$FIRST_BAD_AT"
        echo "rule=-t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 47080"
        echo "rule=-t nat -A PREROUTING -p tcp --dport 443 -j REDIRECT --to-ports 47443"
    else
        [[ $SCENARIO == outage ]] && echo "outage_interval=$INJECT_AT"
    fi
    echo "burst_interval=$BURST_AT"
    echo "rewrite_interval=$REWRITE_AT"
    echo "rewrite_mode=$REWRITE_MODE"
    echo "rewrite_swaps_endpoint=$REWRITE_ENDPOINT"
    echo "probes_per_interval=443:$P443,80:$P80,8080:$P8080"
    echo "reject_step_interval=$REJECT_STEP_AT"
    echo "hostile_comments=$HOSTILE"
    echo "decoys=userchain:$D_USERCHAIN drops:$D_DROPS nodeport:$D_NODEPORT prednat:$D_PREDNAT mangle:$D_MANGLE inputaccept:$D_INPUTACCEPT rejectdst:$D_REJECTDST docker:$D_DOCKER extrasvc:$D_EXTRASVC"
}
((PLAN)) && { describe; exit 0; }

command -v ip >/dev/null || die "ip (iproute2) not found"
command -v iptables >/dev/null || die "iptables not found"
command -v iptables-restore >/dev/null || die "iptables-restore not found"
[[ $FORMAT != nft* ]] || command -v nft >/dev/null || die "nft not found (needed for --format nft)"
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || die "python3 not found"
(($(id -u) == 0)) || die "must run as root (it creates network namespaces)"

# --- Cleanup: everything made below is registered here first ---------------------------------

TAG="$$-$SEED"
NS_POD="rwi-pod-$TAG" NS_NODE="rwi-node-$TAG" NS_EXT="rwi-ext-$TAG"
MADE_NS=() PIDS=() NODE_PROBE="" WORK=""
cleanup() {
    local status=$?
    set +e
    local pid tries
    for pid in "${PIDS[@]}" $NODE_PROBE; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}" $NODE_PROBE; do
        for ((tries = 0; tries < 20; tries++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${MADE_NS[@]}"; do ip netns delete "$ns" 2>/dev/null; done
    [[ -n $WORK ]] && rm -rf -- "$WORK"
    if ((status != 0)); then note "failed (status $status); seed=$SEED format=$FORMAT scenario=$SCENARIO"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rwi-$TAG.XXXXXX")
mkdir -p -- "$OUT"
CAPTURE=$OUT/capture.txt EGRESS=$OUT/egress.csv TRUTH=$OUT/truth.txt
: >"$CAPTURE"
echo "time,ok,total" >"$EGRESS"
rm -f -- "$TRUTH"

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
node() { in_ns "$NS_NODE" "$@"; }

# --- Namespaces and links ---------------------------------------------------------------------

for ns in "$NS_POD" "$NS_NODE" "$NS_EXT"; do
    ip netns add "$ns"
    MADE_NS+=("$ns")
    in_ns "$ns" ip link set lo up
done
# Each veth pair is born inside the namespaces, so no end ever exists in the host's namespace.
ip -n "$NS_NODE" link add vpod type veth peer name eth0 netns "$NS_POD"
ip -n "$NS_NODE" link add vext type veth peer name eth0 netns "$NS_EXT"

ip -n "$NS_POD" addr add 10.244.7.10/24 dev eth0
ip -n "$NS_POD" link set eth0 up
ip -n "$NS_POD" route add default via 10.244.7.1

ip -n "$NS_NODE" addr add 10.244.7.1/24 dev vpod
ip -n "$NS_NODE" addr add 192.168.250.1/24 dev vext
ip -n "$NS_NODE" link set vpod up
ip -n "$NS_NODE" link set vext up
node sysctl -qw net.ipv4.ip_forward=1
# No default route in "node": the name lookups of a listing without -n fail at once instead of
# leaving the namespaces.

for a in 10 20 21 22; do ip -n "$NS_EXT" addr add "192.168.250.$a/24" dev eth0; done
ip -n "$NS_EXT" link set eth0 up

# --- Programs: the servers in "external" and the probe ---------------------------------------

cat >"$WORK/serve.py" <<'EOF'
# Accepts TCP on the given ports and closes at once: a connection that completes is a success.
import selectors, socket, sys
sel = selectors.DefaultSelector()
for port in map(int, sys.argv[1:]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(512)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        try:
            conn, _ = key.fileobj.accept()
            conn.close()
        except OSError:
            pass
EOF

cat >"$WORK/probe.py" <<'EOF'
# probe.py SECONDS TIMEOUT HOST:PORT:COUNT:KIND...  (KIND e = egress, counted; x = background)
# Opens each connection anew, spread over SECONDS; prints "ok total" for the egress ones.
import random, socket, sys, time
seconds, timeout = float(sys.argv[1]), float(sys.argv[2])
jobs = []
for spec in sys.argv[3:]:
    host, port, count, kind = spec.split(":")
    jobs += [(host, int(port), kind == "e")] * int(count)
random.shuffle(jobs)
start = time.monotonic()
gap = seconds * 0.9 / max(len(jobs), 1)
ok = total = 0
for i, (host, port, egress) in enumerate(jobs):
    wait = start + i * gap - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    if time.monotonic() - start > seconds + 2:
        break
    try:
        with socket.create_connection((host, port), timeout=timeout):
            good = 1
    except OSError:
        good = 0
    if egress:
        total += 1
        ok += good
rest = start + seconds - time.monotonic()
if rest > 0:
    time.sleep(rest)
print(ok, total)
EOF

serve() {    # PORT...: (re)starts the servers of "external" on these ports
    if ((${#PIDS[@]})); then
        kill "${PIDS[0]}" 2>/dev/null
        wait "${PIDS[0]}" 2>/dev/null || :
    fi
    rm -f -- "$WORK/serve.out"
    # A simple command, not a function, so that $! is the server itself.
    ip netns exec "$NS_EXT" "$PY" -u "$WORK/serve.py" "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
    PIDS=($!)
    for _ in $(seq 50); do
        grep -q ready "$WORK/serve.out" 2>/dev/null && return 0
        kill -0 "${PIDS[0]}" 2>/dev/null || die "server in $NS_EXT exited: $(cat "$WORK/serve.err")"
        sleep 0.1
    done
    die "server in $NS_EXT did not start"
}
serve 80 443 8080

# --- The node's rules, as kube-proxy, a CNI and the decoys would leave them -------------------

readonly SVC_WEB=KUBE-SVC-LOLE4ISW44XBNF3G SEP_A=KUBE-SEP-7OQO4MFOJXK3FWGE
readonly SEP_B=KUBE-SEP-PWIRQJC2KMJ4YW4J SEP_C=KUBE-SEP-ZX7GRIZKSNUQ3LAJ
readonly SVC_API=KUBE-SVC-NPX46M4PTMTKRN6Y SEP_API=KUBE-SEP-XW6PSK5RHTFGCCLO
readonly SVC_DNS=KUBE-SVC-TCOU7JCQXEZGVUNU SEP_DNS=KUBE-SEP-OP4AXEAS4OXHBEQX
readonly EXTRA_NAMES=(shop/cart:http billing/api:grpc monitoring/grafana:http logging/loki:http)
readonly EXTRA_IPS=(10.96.112.31 10.96.87.4 10.96.200.17 10.96.33.150)
readonly EXTRA_PORTS=(80 9090 3000 3100)
ENDPOINT_B=192.168.250.21 SEP_SECOND=$SEP_B

sep_rules() {    # CHAIN NAME ENDPOINT PORT
    echo "-A $1 -s $3/32 -m comment --comment \"$2\" -j KUBE-MARK-MASQ"
    echo "-A $1 -p tcp -m comment --comment \"$2\" -m tcp -j DNAT --to-destination $3:$4"
}

# kube-proxy's own chains: what a sync rewrites.
nat_kube_chains() {
    local c
    for c in KUBE-SERVICES KUBE-NODEPORTS KUBE-POSTROUTING KUBE-MARK-MASQ KUBE-EXT-WEB \
             "$SVC_WEB" "$SEP_A" "$SEP_SECOND" "$SVC_API" "$SEP_API" "$SVC_DNS" "$SEP_DNS"; do
        echo ":$c - [0:0]"
    done
}
nat_kube_rules() {
    echo "-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment \"default/kubernetes:https cluster IP\" -m tcp --dport 443 -j $SVC_API"
    echo "-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j $SVC_DNS"
    echo "-A KUBE-SERVICES -d 10.96.41.7/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j $SVC_WEB"
    local i
    for ((i = 0; i < D_EXTRASVC; i++)); do
        echo "-A KUBE-SERVICES -d ${EXTRA_IPS[i]}/32 -p tcp -m comment --comment \"${EXTRA_NAMES[i]} cluster IP\" -m tcp --dport ${EXTRA_PORTS[i]} -j $SVC_WEB"
    done
    echo "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
    if ((D_NODEPORT)); then
        echo "-A KUBE-NODEPORTS -p tcp -m comment --comment \"default/web:http\" -m tcp --dport 30080 -j KUBE-EXT-WEB"
        echo "-A KUBE-EXT-WEB -m comment --comment \"masquerade traffic for default/web:http external destinations\" -j KUBE-MARK-MASQ"
        echo "-A KUBE-EXT-WEB -j $SVC_WEB"
    fi
    echo "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
    echo "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
    echo "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
    echo "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"
    echo "-A $SVC_API ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment \"default/kubernetes:https cluster IP\" -m tcp --dport 443 -j KUBE-MARK-MASQ"
    echo "-A $SVC_API -m comment --comment \"default/kubernetes:https -> 192.168.250.10:443\" -j $SEP_API"
    sep_rules "$SEP_API" default/kubernetes:https 192.168.250.10 443
    echo "-A $SVC_DNS ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j KUBE-MARK-MASQ"
    echo "-A $SVC_DNS -m comment --comment \"kube-system/kube-dns:dns -> 10.244.7.53:53\" -j $SEP_DNS"
    echo "-A $SEP_DNS -s 10.244.7.53/32 -m comment --comment \"kube-system/kube-dns:dns\" -j KUBE-MARK-MASQ"
    echo "-A $SEP_DNS -p udp -m comment --comment \"kube-system/kube-dns:dns\" -m udp -j DNAT --to-destination 10.244.7.53:53"
    echo "-A $SVC_WEB ! -s 10.244.0.0/16 -d 10.96.41.7/32 -p tcp -m comment --comment \"default/web:http cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ"
    echo "-A $SVC_WEB -m comment --comment \"default/web:http -> 192.168.250.20:8080\" -m statistic --mode random --probability 0.50000000000 -j $SEP_A"
    echo "-A $SVC_WEB -m comment --comment \"default/web:http -> $ENDPOINT_B:8080\" -j $SEP_SECOND"
    sep_rules "$SEP_A" default/web:http 192.168.250.20 8080
    sep_rules "$SEP_SECOND" default/web:http "$ENDPOINT_B" 8080
}
nat_base_rules() {
    echo "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    ((D_DOCKER)) && echo "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER"
    ((D_PREDNAT)) && echo "-A PREROUTING -s 10.244.9.0/24 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.168.250.20:8080"
    echo "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    ((D_DOCKER)) && echo "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER"
    echo "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"
    ((D_DOCKER)) && echo "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"
    echo "-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully"
    ((D_DOCKER)) && echo "-A DOCKER -i docker0 -j RETURN"
    return 0
}

filter_kube_chains() {
    local c
    for c in KUBE-FIREWALL KUBE-FORWARD KUBE-SERVICES KUBE-EXTERNAL-SERVICES KUBE-NODEPORTS \
             KUBE-PROXY-FIREWALL; do
        echo ":$c - [0:0]"
    done
}
filter_kube_rules() {
    echo "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"
    echo "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"
    echo "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT"
    echo "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
    echo "-A KUBE-SERVICES -d 10.96.0.99/32 -p tcp -m comment --comment \"default/legacy:http has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"
}
filter_base_rules() {
    echo "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"
    echo "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS"
    echo "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"
    echo "-A INPUT -j KUBE-FIREWALL"
    ((D_USERCHAIN)) && echo "-A INPUT -j SITE-INPUT"
    ((D_INPUTACCEPT)) && echo "-A INPUT -i vpod -s 10.244.0.0/16 -j ACCEPT"
    ((D_DROPS)) && echo "-A INPUT -p tcp -m multiport --dports 23,2379,3306 -j DROP"
    ((D_DROPS)) && echo "-A INPUT -p udp -m udp --dport 161 -j DROP"
    echo "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"
    echo "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD"
    echo "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    echo "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"
    ((D_REJECTDST)) && echo "-A FORWARD -d 192.168.250.99/32 -p tcp -m tcp --dport 5432 -j REJECT --reject-with tcp-reset"
    ((D_DROPS)) && echo "-A FORWARD -p tcp -m tcp --dport 25 -j REJECT --reject-with icmp-port-unreachable"
    echo "-A FORWARD -s 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT"
    echo "-A FORWARD -d 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT"
    echo "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"
    echo "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
    echo "-A OUTPUT -j KUBE-FIREWALL"
    if ((D_USERCHAIN)); then
        echo "-A SITE-INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT"
        echo "-A SITE-INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT"
        echo "-A SITE-INPUT -s 192.168.250.0/24 -p tcp -m tcp --dport 10250 -j ACCEPT"
        echo "-A SITE-INPUT -j RETURN"
    fi
    return 0
}

ruleset() {
    echo "*nat"
    printf ':%s ACCEPT [0:0]\n' PREROUTING INPUT OUTPUT POSTROUTING
    ((D_DOCKER)) && echo ":DOCKER - [0:0]"
    nat_kube_chains
    nat_base_rules
    nat_kube_rules
    echo "COMMIT"
    echo "*filter"
    printf ':%s ACCEPT [0:0]\n' INPUT FORWARD OUTPUT
    ((D_USERCHAIN)) && echo ":SITE-INPUT - [0:0]"
    filter_kube_chains
    filter_base_rules
    filter_kube_rules
    echo "COMMIT"
    if ((D_MANGLE)); then
        echo "*mangle"
        printf ':%s ACCEPT [0:0]\n' PREROUTING INPUT FORWARD OUTPUT POSTROUTING
        echo "-A FORWARD -o vext -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
        echo "COMMIT"
    fi
}

# kube-proxy's sync: its own chains only, restored without counters.
kube_sync() {
    local old=$SEP_SECOND
    if ((REWRITE_ENDPOINT)); then ENDPOINT_B=192.168.250.22 SEP_SECOND=$SEP_C; fi
    {
        echo "*nat"
        nat_kube_chains
        [[ $old != "$SEP_SECOND" ]] && echo ":$old - [0:0]"
        nat_kube_rules
        [[ $old != "$SEP_SECOND" ]] && echo "-X $old"
        echo "COMMIT"
        echo "*filter"
        filter_kube_chains
        filter_kube_rules
        echo "COMMIT"
    } >"$WORK/sync.rules"
    node iptables-restore --noflush <"$WORK/sync.rules"
}

ruleset >"$WORK/initial.rules"
node iptables-restore <"$WORK/initial.rules"

# --- Probing and dumping ----------------------------------------------------------------------

iso_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

dump_node() {
    local flags=(-v)
    case $FORMAT in
        listing-x) flags+=(-x) ;;
        listing-n) flags+=(-n) ;;
        listing-nx) flags+=(-n -x) ;;
    esac
    case $FORMAT in
        listing*)
            node iptables -t nat -L "${flags[@]}"
            ((D_BLANKLINE)) && echo
            node iptables -t filter -L "${flags[@]}"
            ;;
        save) node iptables-save -c ;;
        # nft warns on stderr that iptables-nft owns the tables; the dump is stdout alone.
        nft) node nft list ruleset 2>"$WORK/nft.err" ;;
        nft-a) node nft -a list ruleset 2>"$WORK/nft.err" ;;
        nft-json) node nft -a -j list ruleset 2>"$WORK/nft.err"; echo ;;
    esac
}

# One interval of traffic: the pod's egress probe (counted), its background traffic (a
# service through DNAT, a blocked database) and the node's own connections (OUTPUT).
probe_interval() {    # SERVICE_CONNECTIONS REJECTED_CONNECTIONS
    local specs=("192.168.250.10:443:$P443:e")
    ((P80)) && specs+=("192.168.250.10:80:$P80:e")
    ((P8080)) && specs+=("192.168.250.10:8080:$P8080:e")
    specs+=("10.96.41.7:80:$1:x")
    ((D_REJECTDST)) && specs+=("192.168.250.99:5432:$2:x")
    ip netns exec "$NS_NODE" "$PY" "$WORK/probe.py" "$INTERVAL_SECONDS" 0.5 "192.168.250.10:443:2:x" >/dev/null &
    NODE_PROBE=$!
    in_ns "$NS_POD" "$PY" "$WORK/probe.py" "$INTERVAL_SECONDS" 0.5 "${specs[@]}" >"$WORK/probe.out"
    wait "$NODE_PROBE"
    NODE_PROBE=""
    read -r OK TOTAL <"$WORK/probe.out"
}

# The servers answer before the first snapshot.
for _ in $(seq 20); do
    in_ns "$NS_POD" "$PY" "$WORK/probe.py" 0 0.5 192.168.250.10:443:1:e 192.168.250.10:80:1:e \
        >"$WORK/probe.out"
    [[ $(<"$WORK/probe.out") == "2 2" ]] && break
    sleep 0.2
done
[[ $(<"$WORK/probe.out") == "2 2" ]] || die "pod cannot reach external:80/443 even before the incident"

note "seed=$SEED scenario=$SCENARIO format=$FORMAT stamps=$STAMP intervals=$INTERVALS x ${INTERVAL_SECONDS}s"
OKS=() TOTALS=()
for ((i = 0; i < INTERVALS; i++)); do
    if [[ $SCENARIO == incident ]] && ((i == INJECT_AT)); then
        # What the installer did: appended, so below kube-proxy's jump, catching every new
        # connection from a pod to :80/:443 that is not a service.
        comment=()
        ((HOSTILE)) && comment=(-m comment --comment "$HOSTILE_COMMENT")
        node iptables -t nat -A PREROUTING -p tcp --dport 80 "${comment[@]}" -j REDIRECT --to-ports 47080
        node iptables -t nat -A PREROUTING -p tcp --dport 443 "${comment[@]}" -j REDIRECT --to-ports 47443
        INJECTED_AT=$(iso_now)
    fi
    if [[ $SCENARIO == outage ]] && ((i == INJECT_AT)); then
        # The far servers go away; no rule changes. Only the services' backends (:8080) stay.
        serve 8080
    fi
    if ((i == REWRITE_AT)); then
        if [[ $REWRITE_MODE == noflush ]]; then
            kube_sync
        else
            ruleset >"$WORK/reload.rules"
            node iptables-restore <"$WORK/reload.rules"
        fi
    fi
    svc=$SVC_PER_INTERVAL
    ((i == BURST_AT)) && svc=$BURST_SIZE
    rejected=1
    ((REJECT_STEP_AT >= 0 && i >= REJECT_STEP_AT)) && rejected=6
    probe_interval "$svc" "$rejected"
    now=$(date -u +%s)
    {
        case $STAMP in
            iso) date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ ;;
            date) LC_ALL=C date -u -d "@$now" ;;
            epoch) echo "@$now" ;;
        esac
        echo "# egress ok=$OK total=$TOTAL"
        dump_node
    } >>"$CAPTURE"
    echo "$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ),$OK,$TOTAL" >>"$EGRESS"
    [[ $SCENARIO == incident && $i == "$INJECT_AT" ]] && FIRST_BAD_AT=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
    OKS+=("$OK") TOTALS+=("$TOTAL")
    note "interval $i: egress ok=$OK total=$TOTAL"
done

# --- What happened, and a check that it really did --------------------------------------------

describe >"$TRUTH"


for ((i = 0; i < INTERVALS; i++)); do
    ok=${OKS[i]} total=${TOTALS[i]}
    ((total > 0)) || die "interval $i made no egress attempts"
    if [[ $SCENARIO != healthy ]] && ((i >= INJECT_AT)); then
        # Every :80/:443 attempt must fail; :8080 ones (if any) are untouched.
        ((ok <= P8080)) || die "interval $i after the $SCENARIO began still had egress ok=$ok total=$total"
    else
        ((ok * 10 >= total * 9)) || die "healthy interval $i had egress ok=$ok total=$total"
    fi
done

# --- The fix, when asked: each printed command run in "node", and what it changed ----------------

ruleset_now() {
    # Counters out: what a fix line changed is rules, not the traffic counted meanwhile.
    if [[ $FORMAT == nft* ]]; then
        node nft list ruleset 2>/dev/null | sed -E 's/ counter packets [0-9]+ bytes [0-9]+/ counter/'
    else
        node iptables-save
    fi
}
if [[ -n $FIX ]]; then
    ruleset_now >"$OUT/fix-before.rules"
    (cd "$OUT" && bash -c "$FIX") >"$WORK/fix.cmds" || die "--fix command failed"
    n=0
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        n=$((n + 1))
        note "fix $n: $line"
        node bash -c "$line" || die "fix $n failed: $line"
        ruleset_now >"$OUT/fix-after-$n.rules"
    done <"$WORK/fix.cmds"
    ((n > 0)) || die "--fix printed no commands"
    probe_interval "$SVC_PER_INTERVAL" 1
    echo "$OK $TOTAL" >"$OUT/fix-egress.txt"
    note "after the fix: egress ok=$OK total=$TOTAL"
fi

echo "seed=$SEED scenario=$SCENARIO format=$FORMAT intervals=$INTERVALS interval_seconds=$INTERVAL_SECONDS$([[ $SCENARIO == incident ]] && echo " inject_interval=$INJECT_AT") out=$OUT"
