#!/usr/bin/env bash
# End-to-end figures for the issues' acceptance criteria (release build, this machine):
#   bash Scripts/bench/run.sh
# Prints wall time and peak RSS of: database build, re-import, a 10,000-package lockfile, a tree of
# 300 lockfiles, a ~300 MB bundle zip (versus `bsdtar -tf` listing it, and versus unzip + scan),
# and the version comparators' throughput.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v bsdtar >/dev/null || { echo "installing bsdtar (libarchive-tools)"; apt-get install -y -qq libarchive-tools >/dev/null; }
swift build -c release >/dev/null
BIN=.build/release/fnaudit
WORK=.build/bench
python3 Scripts/bench/make-inputs.py "$WORK" >/dev/null
DB="$WORK/advisories.db"

source Scripts/bench/best-of-3.sh
measure() {   # label, command...
  local label=$1; shift
  local best
  best=$(best_of_3 "$@")
  printf '%-44s %6.2f s  %7.1f MB peak RSS\n' "$label" "${best%% *}" "$(awk "BEGIN{print ${best##* }/1024}")"
}

rm -f "$DB"
measure "db build (shipped snapshot)" bash -c "rm -f $DB; $BIN db build --db $DB"
$BIN db build --db "$DB" >/dev/null 2>&1
printf '%-44s %6.1f MB\n' "database size" "$(awk "BEGIN{print $(stat -c %s "$DB")/1000000}")"
measure "db import of the same snapshot (no change)" $BIN db import --db "$DB" VulnDB/npm/all.zip VulnDB/PyPI/all.zip VulnDB/Maven/all.zip
measure "scan: 10,000-package lockfile" $BIN scan "$WORK/lock10k" --db "$DB" --format json
measure "scan: tree of 300 lockfiles" $BIN scan "$WORK/tree300" --db "$DB" --format json
printf '%-44s %6.0f MB, %d entries\n' "bundle.zip" "$(awk "BEGIN{print $(stat -c %s "$WORK/bundle.zip")/1000000}")" "$(bsdtar -tf "$WORK/bundle.zip" | wc -l)"
measure "bsdtar -tf bundle.zip (listing only)" bsdtar -tf "$WORK/bundle.zip"
measure "scan: bundle.zip in place (table)" $BIN scan "$WORK/bundle.zip" --db "$DB"
measure "scan: bundle.zip in place (json)" $BIN scan "$WORK/bundle.zip" --db "$DB" --format json
rm -rf "$WORK/unzipped"
measure "unzip bundle.zip to disk, then scan the tree" bash -c "rm -rf $WORK/unzipped && mkdir -p $WORK/unzipped && bsdtar -xf $WORK/bundle.zip -C $WORK/unzipped && $BIN scan $WORK/unzipped --db $DB"
rm -rf "$WORK/unzipped"
swift build -c release --product fnaudit-bench >/dev/null
.build/release/fnaudit-bench
