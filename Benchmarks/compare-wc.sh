#!/bin/bash
# How close is `rulewatch parse --summary` to just reading the bytes? Times it against
# `wc -l` on the kube node's 70 MB rolling capture (10 snapshots of 33,000 rules).
#
#   Benchmarks/compare-wc.sh [--scratch-path DIR] [--pairs N]
#
# Builds rulewatch in release, statically linked to the Swift runtime (into DIR, default the package's .build; or $RULEWATCH_SCRATCH),
# makes the capture if it is not cached under Benchmarks/.build/data (that needs root: it
# loads rules into a throwaway network namespace), then runs `wc -l` and `rulewatch parse
# --summary` alternately, N pairs (5), warm cache. Prints the median wall time, MB/s, the
# ratio rulewatch/wc and peak RSS; then times `rulewatch analyze` N times, if it exists, and its
# ratio to `parse --summary`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
scratch=${RULEWATCH_SCRATCH:-$root/.build}
pairs=5
while [ $# -gt 0 ]; do
    case $1 in
        --scratch-path) scratch=${2:?}; shift 2 ;;
        --pairs) pairs=${2:?}; shift 2 ;;
        *) echo "usage: $0 [--scratch-path DIR] [--pairs N]" >&2; exit 64 ;;
    esac
done

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (apt package 'time') for peak RSS" >&2
    apt-get install -y -qq time >/dev/null
fi

echo "building rulewatch (release) in $scratch" >&2
# Built as README installs it: with the Swift runtime linked in, which starts in a third of
# the time the shared libraries take to load and bind.
(cd "$root" && swift build -c release --static-swift-stdlib --product rulewatch --scratch-path "$scratch" 2>&1 | tail -1 >&2)
bin="$scratch/release/rulewatch"

data="$here/.build/data"
capture="$data/kube-node-capture.txt"
if [ ! -s "$capture" ]; then
    echo "making the capture (10 snapshots, 3000 services) in $capture" >&2
    mkdir -p "$data"
    "$root/Samples/kube-node/make-capture.sh" "$capture" --snapshots 10
fi
bytes=$(stat -c %s "$capture")
cat "$capture" > /dev/null  # warm the page cache for both

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# Runs a command under GNU time; prints "seconds peak_kib status cpu_seconds". The wall time
# comes from a nanosecond clock, as time's own %e has only centiseconds; the CPU time (user +
# system) is what to compare on a busy machine.
measure() {
    local start end status=0
    start=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$tmp" "$@" > /dev/null || status=$?
    end=$(date +%s%N)
    read -r kib user sys < <(tail -1 "$tmp")
    echo "$(( (end - start) / 1000 ))e-6 $kib $status $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}

# Measures a command that must succeed.
measure_ok() {
    local t m s c
    read -r t m s c < <(measure "$@")
    if [ "$s" != 0 ]; then
        echo "$0: '$*' failed with status $s" >&2
        exit 1
    fi
    echo "$t $m $c"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

wc_times=() wc_rss=() wc_cpu=() rw_times=() rw_rss=() rw_cpu=()
for ((i = 0; i < pairs; i++)); do
    read -r t m c < <(measure_ok wc -l "$capture")
    wc_times+=("$t"); wc_rss+=("$m"); wc_cpu+=("$c")
    read -r t m c < <(measure_ok "$bin" parse --summary "$capture")
    rw_times+=("$t"); rw_rss+=("$m"); rw_cpu+=("$c")
done

wc_med=$(printf '%s\n' "${wc_times[@]}" | median)
rw_med=$(printf '%s\n' "${rw_times[@]}" | median)
wc_cpu_med=$(printf '%s\n' "${wc_cpu[@]}" | median)
rw_cpu_med=$(printf '%s\n' "${rw_cpu[@]}" | median)
wc_max=$(printf '%s\n' "${wc_rss[@]}" | sort -n | tail -1)
rw_max=$(printf '%s\n' "${rw_rss[@]}" | sort -n | tail -1)

echo "capture: $capture ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $(wc -l < "$capture") lines)"
echo "summary: $("$bin" parse --summary "$capture")"
awk -v b="$bytes" -v w="$wc_med" -v r="$rw_med" -v wm="$wc_max" -v rm="$rw_max" -v n="$pairs" \
    -v wc="$wc_cpu_med" -v rc="$rw_cpu_med" 'BEGIN {
    printf "%-26s %10s %10s %12s %10s\n", "", "median s", "MB/s", "peak RSS MiB", "CPU s"
    printf "%-26s %10.3f %10.0f %12.1f %10.2f\n", "wc -l", w, b / 1e6 / w, wm / 1024, wc
    printf "%-26s %10.3f %10.0f %12.1f %10.2f\n", "rulewatch parse --summary", r, b / 1e6 / r, rm / 1024, rc
    printf "ratio rulewatch/wc: %.2f wall, %s CPU (median of %d pairs)\n", r / w,
        (wc > 0 ? sprintf("%.1f", rc / wc) : "n/a"), n
}'

if "$bin" analyze --help > /dev/null 2>&1; then
    # N runs, as many as the pairs above; analyze's exit status says what it found (see its
    # --help): only a crash or a refusal to read the capture makes the figure meaningless.
    an_times=() an_rss=() an_cpu=() an_status=0
    for ((i = 0; i < pairs; i++)); do
        read -r t m s c < <(measure "$bin" analyze "$capture")
        if [ "$s" -ge 64 ]; then an_status=$s; break; fi
        an_times+=("$t"); an_rss+=("$m"); an_cpu+=("$c")
    done
    if [ "$an_status" = 0 ]; then
        an_med=$(printf '%s\n' "${an_times[@]}" | median)
        an_cpu_med=$(printf '%s\n' "${an_cpu[@]}" | median)
        an_max=$(printf '%s\n' "${an_rss[@]}" | sort -n | tail -1)
        awk -v b="$bytes" -v t="$an_med" -v m="$an_max" -v c="$an_cpu_med" -v r="$rw_med" -v rc="$rw_cpu_med" 'BEGIN {
            printf "%-26s %10.3f %10.0f %12.1f %10.2f\n", "rulewatch analyze", t, b / 1e6 / t, m / 1024, c
            printf "ratio analyze/parse --summary: %.2f wall, %s CPU (medians)\n", t / r,
                (rc > 0 ? sprintf("%.1f", c / rc) : "n/a")
        }'
    else
        echo "rulewatch analyze: exit status $an_status on the capture (figure skipped)"
    fi
else
    echo "rulewatch analyze: not available in this build (skipped)"
fi
