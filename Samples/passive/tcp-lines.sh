#!/bin/sh
# Prints the TCP counters of every network namespace on this machine as rulewatch capture
# lines, for nodes that append to a text capture instead of running `rulewatch collect`:
#
#   # tcp ns=host active=N fails=N synretrans=N rsts=N refused=N
#   # tcp ns=4026532281 active=N fails=N synretrans=N rsts=N refused=N
#
# One line per distinct namespace (by inode): the host's own (PID 1's) as ns=host, the ones
# processes live in (a pod's pause process) by inode number, read through /proc/PID/net
# without entering them, and the named ones under /var/run/netns that hold no process by
# name, read with `ip netns exec`. fails is AttemptFails plus LockDroppedIcmps (refusals that
# arrived while connect() held the socket, which AttemptFails misses); refused is the latter.
# The counters are cumulative, as read: rulewatch works out the deltas.
#
# Cron, every minute, after the timestamp and before the dump (see README.md here):
#   * * * * * root { date -u +\%FT\%TZ; /usr/local/sbin/tcp-lines.sh; iptables-save -c; } >> /var/log/rulewatch/capture.txt
#
# Needs root (other users' /proc/PID/net), awk, stat; ip only for named namespaces.
set -u

# awk over a namespace's snmp and netstat: the Tcp: and TcpExt: lines come in pairs, names
# then values.
counters() {    # ID FILE... (snmp and netstat, or - for both on standard input)
    id=$1; shift
    awk -v id="$id" '
        $1 == "Tcp:"    { if (!tn) { for (i = 2; i <= NF; i++) tk[i] = $i; tn = 1 } else for (i = 2; i <= NF; i++) t[tk[i]] = $i }
        $1 == "TcpExt:" { if (!en) { for (i = 2; i <= NF; i++) ek[i] = $i; en = 1 } else for (i = 2; i <= NF; i++) e[ek[i]] = $i }
        END {
            if (!("ActiveOpens" in t)) exit 1
            printf "# tcp ns=%s active=%.0f fails=%.0f synretrans=%.0f rsts=%.0f refused=%.0f\n", id,
                t["ActiveOpens"], t["AttemptFails"] + e["LockDroppedIcmps"], e["TCPSynRetrans"], t["OutRsts"],
                e["LockDroppedIcmps"]
        }' "$@" 2>/dev/null
}

host=$(stat -L -c %i /proc/1/ns/net 2>/dev/null || stat -L -c %i /proc/self/ns/net)
seen=" "
out=""
for link in /proc/[0-9]*/ns/net; do
    ino=$(stat -L -c %i "$link" 2>/dev/null) || continue
    case $seen in *" $ino "*) continue ;; esac
    pid=${link#/proc/}; pid=${pid%%/*}
    id=$ino
    [ "$ino" = "$host" ] && id=host
    # A named namespace keeps its name even when a process is in it.
    for f in /var/run/netns/*; do
        [ -e "$f" ] || break
        [ "$(stat -L -c %i "$f" 2>/dev/null)" = "$ino" ] && [ "$id" != host ] && id=${f##*/}
    done
    line=$(counters "$id" "/proc/$pid/net/snmp" "/proc/$pid/net/netstat") || continue
    seen="$seen$ino "
    out="$out$line
"
done
for f in /var/run/netns/*; do
    [ -e "$f" ] || break
    ino=$(stat -L -c %i "$f" 2>/dev/null) || continue
    case $seen in *" $ino "*) continue ;; esac
    name=${f##*/}
    line=$(ip netns exec "$name" cat /proc/self/net/snmp /proc/self/net/netstat 2>/dev/null | counters "$name" -) \
        || continue
    seen="$seen$ino "
    out="$out$line
"
done
# The host first, then by id.
printf '%s' "$out" | awk '$3 == "ns=host" { print; next } { rest[++n] = $0 } END { for (i = 1; i <= n; i++) print rest[i] }' \
    | { read -r first && echo "$first"; sort -t= -k2,2; }
