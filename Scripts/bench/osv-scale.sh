#!/usr/bin/env bash
# osv.dev-scale import, in bounded memory: a fresh build from a synthetic npm export of 215,000
# records (97.7% MAL-, as osv.dev's npm data), then the next day's export with 1% changed.
# Prints wall time, peak RSS and the database size. Needs a release build and GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${FNAUDIT:-.build/release/fnaudit}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RECORDS=${RECORDS:-215000}
python3 Scripts/bench/make-osv-export.py "$WORK/day1" --records "$RECORDS" >/dev/null
python3 Scripts/bench/make-osv-export.py "$WORK/day2" --records "$RECORDS" --change-percent 1 >/dev/null
measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  read -r seconds kib < "$WORK/time"
  printf "%-44s %7.1f s   peak RSS %5d MB\n" "$label" "$seconds" "$((kib / 1024))"
}
echo "synthetic npm export: $RECORDS records, $(du -m "$WORK/day1/npm/all.zip" | cut -f1) MB zipped"
measure "fresh build (db build --from)" "$BIN" db build --db "$WORK/a.db" --from "$WORK/day1"
echo "database: $(du -m "$WORK/a.db" | cut -f1) MB"
measure "next day, 1% changed (db import)" "$BIN" db import --db "$WORK/a.db" "$WORK/day2/npm/all.zip"
measure "same export again (nothing to write)" "$BIN" db import --db "$WORK/a.db" "$WORK/day2/npm/all.zip"
