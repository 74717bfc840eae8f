#!/bin/bash
# Builds the capture parser's fuzz target with libFuzzer and AddressSanitizer and runs it.
#
#   fuzz/run.sh [extra libFuzzer flags]   RUNS=N (default 1000000), MAX_LEN=N (4096), SEEDS=DIR
#
# PARSE_ONLY=1 builds only model/ and parse/ (all the target reaches) instead of the whole
# library.
#
# The corpus grows in fuzz/corpus-run/ (seeded from Tests/Corpus, the real dumps the tests read); a crash
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
echo "building $bin" >&2
if [ "${PARSE_ONLY:-0}" = 1 ]; then
    mapfile -t sources < <(find Sources/RuleWatchCore/model Sources/RuleWatchCore/parse -name '*.swift' | sort)
else
    mapfile -t sources < <(find Sources/RuleWatchCore -name '*.swift' | sort)
fi
swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld \
    -module-name RuleWatchCore -I Sources/CZlib -lz \
    "${sources[@]}" fuzz/FuzzCapture.swift -o "$bin"

[ -d "$seeds" ] || { echo "fuzz/run.sh: no seed directory $seeds" >&2; exit 66; }
for f in "$seeds"/*; do
    [ -f "$f" ] || continue
    cp -n "$f" "$corpus/seed-$(basename "$f")"
    # jq's pretty JSON also as one line, the way nft writes it.
    if [ "$(head -c 1 "$f")" = "{" ]; then
        tr -d '\n' < "$f" > "$corpus/seed-oneline-$(basename "$f")"
    fi
done

log=$build/last-run.log
set +e
SWIFT_BACKTRACE=enable=no "$bin" -runs="${RUNS:-1000000}" -artifact_prefix="$here/" \
    -max_len="${MAX_LEN:-4096}" -dict="$here/capture.dict" -print_final_stats=1 "$@" "$corpus" 2>&1 | tee "$log" | grep -E '^(#[0-9]+.*(INITED|DONE|pulse)|==[0-9]+==|artifact|Done)' >&2
status=${PIPESTATUS[0]}
set -e
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
if [ "$status" -ne 0 ] || [ -z "$runs" ]; then
    echo "fuzz-capture FAILED (status $status); see $log and fuzz/crash-*" >&2
    exit 1
fi
echo "fuzz-capture: $runs runs survived"
