#!/usr/bin/env bash
# Fuzzes every fnaudit-fuzz target one after another and prints a summary table.
#
#   Scripts/fuzz/run-all.sh SECONDS [JOBS]
#
# Builds once, then runs Scripts/fuzz/run.sh for each target of `fnaudit-fuzz --list` (same
# environment variables). Per-target logs, crash files and triage.tsv stay under
# $FNAUDIT_FUZZ_WORK (default /tmp/fnaudit-fuzz); the crash sites of all targets are gathered in
# $FNAUDIT_FUZZ_WORK/triage-all.tsv.
set -euo pipefail
if [[ $# -lt 1 ]]; then sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; fi
seconds=$1 jobs=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${FNAUDIT_FUZZ_WORK:-/tmp/fnaudit-fuzz}
build=${FNAUDIT_FUZZ_BUILD:-$repo/.build-fuzz}

if [[ ${FNAUDIT_FUZZ_NO_BUILD:-0} != 1 ]]; then
    "$here/run.sh" --build
fi

mkdir -p "$work"
summary=$work/summary-$(date +%Y%m%d-%H%M%S).txt
printf '%-16s %10s %8s %18s %7s %6s %6s\n' target execs exec/s oom/timeout/crash probes files sites | tee "$summary"
: >"$work/triage-all.tsv.new"
for target in $("$build/debug/fnaudit-fuzz" --list); do
    line=$(FNAUDIT_FUZZ_NO_BUILD=1 "$here/run.sh" "$target" "$seconds" "$jobs" 2>"$work/$target.stderr" | tail -1) || true
    read -r name execs rate counts probes files sites run <<<"$(sed -E 's/[a-z/]+=//g' <<<"$line")"
    printf '%-16s %10s %8s %18s %7s %6s %6s\n' "$target" "${execs:-?}" "${rate:-?}" "${counts:-?}" "${probes:-?}" "${files:-?}" "${sites:-?}" | tee -a "$summary"
    if [[ -n ${run:-} && -f $run/triage.tsv ]]; then tail -n +2 "$run/triage.tsv" >>"$work/triage-all.tsv.new"; fi
done
{ printf 'target\tfiles\treproducer\tkind\tcrash site\tfirst fnaudit frame\tstack (innermost first)\n'; cat "$work/triage-all.tsv.new"; } >"$work/triage-all.tsv"
rm -f "$work/triage-all.tsv.new"
echo "summary: $summary; crash sites: $work/triage-all.tsv" >&2
