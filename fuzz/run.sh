#!/bin/bash
# Builds the capture fuzz target (parser, history, analyzer, reports) with libFuzzer and
# AddressSanitizer and runs it.
#
#   fuzz/run.sh [extra libFuzzer flags]   RUNS=N (default 1000000), MAX_LEN=N (4096), SEEDS=DIR
#
# NO_BUILD=1 runs the binary already built.
#
# The corpus grows in fuzz/corpus-run/ (seeded from Tests/Corpus, the real dumps the tests read,
# and from the multi-snapshot captures of Samples/ and Tests/promtool, cut to fit); a crash
# is written to fuzz/crash-<sha1>, and the script exits non-zero.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seeds=${SEEDS:-$root/Tests/Corpus}
build=$here/.build
bin=$build/fuzz-capture
corpus=$here/corpus-run

mkdir -p "$build" "$corpus"
cd "$root"
if [ "${NO_BUILD:-0}" != 1 ] || [ ! -x "$bin" ]; then
    echo "building $bin" >&2
    # The whole library: the target goes through series/, detect/ and report/ too.
    mapfile -t sources < <(find Sources/RuleWatchCore -name '*.swift' | sort)
    swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld \
        -module-name RuleWatchCore -I Sources/CZlib -lz \
        "${sources[@]}" fuzz/FuzzCapture.swift -o "$bin"
fi

[ -d "$seeds" ] || { echo "fuzz/run.sh: no seed directory $seeds" >&2; exit 66; }
for f in "$seeds"/*; do
    [ -f "$f" ] || continue
    cp -n "$f" "$corpus/seed-$(basename "$f")"
    # jq's pretty JSON also as one line, the way nft writes it.
    if [ "$(head -c 1 "$f")" = "{" ]; then
        tr -d '\n' < "$f" > "$corpus/seed-oneline-$(basename "$f")"
    fi
done

# Multi-snapshot captures, which the analyzer reads across snapshots, cut to fit -max_len.
captures=()
for f in Samples/incident/capture.txt Tests/promtool/*/capture.txt Samples/nft-forms/*.txt; do
    [ -f "$f" ] && captures+=("$f")
done
[ ${#captures[@]} -eq 0 ] || python3 "$here/pack-seeds.py" "${MAX_LEN:-4096}" "$corpus" "${captures[@]}"
[ -f Samples/nft-forms/ruleset.nft ] && cp -n Samples/nft-forms/ruleset.nft "$corpus/seed-nft-forms-ruleset.nft"

log=$build/last-run.log
set +e
# Without allocation stacks (malloc_context_size=0) AddressSanitizer runs about a fifth
# faster on this target, which allocates on every line of its reports; a crash still shows
# where the bad access was, and ASAN_OPTIONS set outside wins.
ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} SWIFT_BACKTRACE=enable=no "$bin" -runs="${RUNS:-1000000}" -artifact_prefix="$here/" \
    -max_len="${MAX_LEN:-4096}" -dict="$here/capture.dict" -print_final_stats=1 "$@" "$corpus" 2>&1 | tee "$log" | grep -E '^(#[0-9]+.*(INITED|DONE|pulse)|==[0-9]+==|artifact|Done)' >&2
status=${PIPESTATUS[0]}
set -e
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
if [ "$status" -ne 0 ] || [ -z "$runs" ]; then
    echo "fuzz-capture FAILED (status $status); see $log and fuzz/crash-*" >&2
    exit 1
fi
echo "fuzz-capture: $runs runs survived"
