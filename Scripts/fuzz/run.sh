#!/usr/bin/env bash
# Fuzzes one parser of fnaudit with libFuzzer + AddressSanitizer.
#
#   Scripts/fuzz/run.sh TARGET SECONDS [JOBS]
#   Scripts/fuzz/run.sh --build          (only build)
#
# TARGET is one of `fnaudit-fuzz --list` (package-lock, yarn-lock, …, archive, osv-record, versions).
# Builds the fnaudit-fuzz product sanitized (in $FNAUDIT_FUZZ_BUILD, default .build-fuzz), seeds a
# corpus from Tests/Fixtures into a work directory outside the repository, fuzzes for SECONDS with
# JOBS worker processes (default 1), then reproduces every crash file once and groups them by
# crash site. Prints one line: TARGET execs exec/s crash-files distinct-sites.
#
# libFuzzer runs in fork mode with -ignore_crashes, so one shallow crash does not end the run: every
# crashing, hanging (-timeout=10) or out-of-memory (-rss_limit_mb=2048) input is kept.
#
# Environment:
#   FNAUDIT_FUZZ_WORK    work directory (default /tmp/fnaudit-fuzz); per target: corpus/ (kept
#                        between runs), seeds/, runs/<time>/{fuzz.log,crashes/,triage.tsv}
#   FNAUDIT_FUZZ_BUILD   SwiftPM scratch path of the sanitized build (default <repo>/.build-fuzz)
#   FNAUDIT_FUZZ_NO_BUILD=1  use the binary already built there
#   FNAUDIT_FUZZ_LEAKS=1 also report leaks (off by default: Foundation and TOMLKit leak small
#                        strings on every input, which would drown everything else)
#   FNAUDIT_FUZZ_ARCHIVE_PREOPEN=1  archive target: skip inputs libarchive cannot open, to get past
#                        the known double free in ArchiveReader's failing initializers
#   FNAUDIT_FUZZ_INVARIANTS=1  versions target: also trap on a non-antisymmetric or non-reflexive order
#   FNAUDIT_FUZZ_FLAGS   extra libFuzzer flags (e.g. "-max_len=65536 -dict=x.dict")
#
# Reproduce a crash: FNAUDIT_FUZZ_TARGET=TARGET .build-fuzz/debug/fnaudit-fuzz CRASH_FILE
# (sanitized), or with a normal build: swift run fnaudit-fuzz --target TARGET CRASH_FILE.
set -euo pipefail

if [[ ${1:-} == --build ]]; then set -- build 0; fi
if [[ $# -lt 2 ]]; then
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2
fi
target=$1 seconds=$2 jobs=${3:-1}
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${FNAUDIT_FUZZ_BUILD:-$repo/.build-fuzz}
work=${FNAUDIT_FUZZ_WORK:-/tmp/fnaudit-fuzz}/$target
binary=$build/debug/fnaudit-fuzz

# The incantation: -sanitize=fuzzer,address for Swift code; C and C++ dependencies (libyaml in
# Yams, toml++ in TOMLKit) instrumented too so the fuzzer sees their branches and ASan their
# memory; LLVMFuzzerRunDriver exported so fnaudit-fuzz's main can hand over to libFuzzer (SwiftPM
# links an executable target's own main, so libFuzzer's main is never used). Debug configuration:
# toml++ and libyaml keep their assertions and Swift its overflow checks.
build_fuzzer() {
    local started=$SECONDS
    echo "building fnaudit-fuzz with -sanitize=fuzzer,address in $build …" >&2
    (cd "$repo" && swift build --scratch-path "$build" --product fnaudit-fuzz \
        -Xswiftc -sanitize=fuzzer,address \
        -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address \
        -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver 2>&1 |
        grep -v "Cannot export local symbol" >&2)
    echo "built in $((SECONDS - started)) s" >&2
}

if [[ ${FNAUDIT_FUZZ_NO_BUILD:-0} != 1 || $target == build ]]; then build_fuzzer; fi
if [[ $target == build ]]; then exit 0; fi
[[ -x $binary ]] || { echo "no $binary; build it first" >&2; exit 1; }
"$binary" --seed-pattern "$target" >/dev/null || exit 2

run=$work/runs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$work/corpus" "$run/crashes"
rm -rf "$work/seeds"
python3 "$repo/Scripts/fuzz/seed.py" "$target" "$("$binary" --seed-pattern "$target")" "$repo" "$work/seeds" >&2

# Inputs the path-only parsers write (policy-config, archive) go to tmpfs, removed afterwards.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fnaudit-fuzz-scratch.XXXXXX")
[[ -d /dev/shm && -w /dev/shm ]] && scratch=$(rm -rf "$scratch"; mktemp -d /dev/shm/fnaudit-fuzz-scratch.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

leaks=0; [[ ${FNAUDIT_FUZZ_LEAKS:-0} == 1 ]] && leaks=1
# Text formats may grow to 64 KiB (deep nesting needs a few thousand levels to hurt); libFuzzer's
# default would stop at 4 KiB. Archives keep the default: the size of the largest seed.
max_len=-max_len=65536; [[ $target == archive ]] && max_len=
export FNAUDIT_FUZZ_TARGET=$target FNAUDIT_FUZZ_TMP=$scratch SWIFT_BACKTRACE=enable=no \
    ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=$leaks
echo "fuzzing $target for $seconds s with $jobs job(s); log: $run/fuzz.log" >&2
set +e
# shellcheck disable=SC2086
"$binary" "$work/corpus" "$work/seeds" \
    -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 $max_len \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -detect_leaks=$leaks \
    -artifact_prefix="$run/crashes/" -print_final_stats=1 ${FNAUDIT_FUZZ_FLAGS:-} \
    >"$run/fuzz.log" 2>&1
status=$?
set -e

# The fork-mode status lines: "#EXECS: cov: … corp: … exec/s: … oom/timeout/crash: O/T/C time: Ns …"
last=$(grep -E '^#[0-9]+: cov:' "$run/fuzz.log" | tail -1 || true)
execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
elapsed=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
counts=$(sed -nE 's|.*oom/timeout/crash: ([0-9]+/[0-9]+/[0-9]+).*|\1|p' <<<"$last")
execs=${execs:-0} elapsed=${elapsed:-$seconds} counts=${counts:-0/0/0}
rate=$(( execs / (elapsed > 0 ? elapsed : 1) ))
files=$(find "$run/crashes" -type f | wc -l)
if [[ $status -ne 0 && $status -ne 77 && -z $last ]]; then
    echo "libFuzzer failed (status $status); see $run/fuzz.log" >&2
    tail -20 "$run/fuzz.log" >&2
fi

# The probes: hand-made hostile inputs (Scripts/fuzz/seed.py --probes), each run once; those that
# fail are kept beside the fuzzer's crashes as probe-NAME. FNAUDIT_FUZZ_PROBES=0 skips them.
probed=0 probe_failures=0
if [[ ${FNAUDIT_FUZZ_PROBES:-1} == 1 ]]; then
    python3 "$repo/Scripts/fuzz/seed.py" --probes "$target" "$run/probes" >&2
    for probe in "$run/probes"/*; do
        [[ -f $probe ]] || continue
        probed=$((probed + 1))
        if ! timeout 120 "$binary" -rss_limit_mb=2048 -timeout=10 -detect_leaks=$leaks "$probe" >"$probe.log" 2>&1; then
            probe_failures=$((probe_failures + 1))
            cp "$probe" "$run/crashes/probe-$(basename "$probe")"
        fi
    done
    echo "probes: $probe_failures of $probed fail" >&2
fi
files=$(find "$run/crashes" -type f | wc -l)

sites=0
if [[ $files -gt 0 ]]; then
    echo "reproducing $files crash file(s) …" >&2
    python3 "$repo/Scripts/fuzz/triage.py" "$binary" "$target" "$run/crashes" >&2
    sites=$(($(wc -l <"$run/triage.tsv") - 1))
fi
# oom/timeout/crash as libFuzzer counted them while fuzzing; probes = failing/run; files = inputs
# kept (fuzzer crashes + failing probes); sites = distinct crash sites among them.
printf '%-16s execs=%-9s exec/s=%-6s oom/timeout/crash=%-9s probes=%-6s files=%-4s sites=%-3s %s\n' \
    "$target" "$execs" "$rate" "$counts" "$probe_failures/$probed" "$files" "$sites" "$run"
