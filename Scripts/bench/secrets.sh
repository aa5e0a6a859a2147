#!/usr/bin/env bash
# What the secret rules cost (release build, this machine; no timed unit tests):
#   bash Scripts/bench/secrets.sh            (SCRATCH=path to use another build folder)
# For the polyglot bundle and a larger generated zip (Scripts/bench/make-secrets-input.py), and for a
# zip of this machine's Python and Node packages when they exist (real code), it times
#   bsdtar -xOf ZIP > /dev/null     inflating every entry once (the issue's yardstick)
#   fnaudit scan --scanners vuln    today's scan
#   fnaudit scan                    the default: vuln and secret, one pass
# and prints the ratios default/vuln, default/bsdtar, and what the secret rules add ((default - vuln)
# / bsdtar: the issue asks that it be at most 1, the cost of inflating every entry once). Uses
# hyperfine when installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build}
command -v bsdtar >/dev/null || { echo "installing bsdtar (libarchive-tools)"; apt-get install -y -qq libarchive-tools >/dev/null; }
swift build -c release --scratch-path "$SCRATCH" --product fnaudit >/dev/null
BIN="$SCRATCH/release/fnaudit"
WORK="$(cd "$SCRATCH" && pwd)/bench"
mkdir -p "$WORK"
DB="$WORK/advisories.db"
[ -f "$DB" ] || "$BIN" db build --db "$DB" >/dev/null
[ -f "$WORK/secrets-bundle.zip" ] || python3 Scripts/bench/make-secrets-input.py "$WORK" >/dev/null
INPUTS=(Tests/Fixtures/bundles/zips/polyglot.zip "$WORK/secrets-bundle.zip")
if [ -d /usr/lib/python3/dist-packages ] && [ ! -f "$WORK/real-code.zip" ]; then
  (cd / && bsdtar --format zip -cf "$WORK/real-code.zip" usr/lib/python3/dist-packages $( [ -d usr/lib/node_modules ] && echo usr/lib/node_modules ) 2>/dev/null) || true
fi
[ -f "$WORK/real-code.zip" ] && INPUTS+=("$WORK/real-code.zip")

seconds() {   # median (hyperfine) or best (time) wall seconds of a command
  if command -v hyperfine >/dev/null; then   # the median: other work on a shared machine skews means
    hyperfine -N --warmup 2 --min-runs 15 --export-json "$WORK/h.json" "$1" >/dev/null 2>&1 || true
    python3 -c "import json; print(json.load(open('$WORK/h.json'))['results'][0]['median'])"
  else
    local best=""
    for _ in 1 2 3 4 5; do
      local t; t=$( { /usr/bin/time -f "%e" bash -c "$1" >/dev/null 2>/dev/null; } 2>&1 | tail -n1)
      if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    echo "$best"
  fi
}

printf '%-20s %7s %8s %8s %10s %12s %9s %10s %12s\n' input MB entries bsdtar "scan vuln" "scan default" "def/vuln" "def/bsdtar" "added/bsdtar"
for zip in "${INPUTS[@]}"; do
  mb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$zip")/1000000}")
  entries=$(bsdtar -tf "$zip" | wc -l)
  t_tar=$(seconds "bsdtar -xOf $zip")
  # scan exits 1 when it finds something; hyperfine -i would hide real failures, so wrap it.
  t_vuln=$(seconds "sh -c '$BIN scan --db $DB -q --scanners vuln --format json $zip >/dev/null; [ \$? -le 1 ]'")
  t_both=$(seconds "sh -c '$BIN scan --db $DB -q --format json $zip >/dev/null; [ \$? -le 1 ]'")
  secrets=$("$BIN" scan --db "$DB" -q --format json "$zip" 2>/dev/null | python3 -c "import json,sys; print(len(json.load(sys.stdin).get('secrets', [])))" || true)
  printf '%-20s %7s %8s %7.3fs %9.3fs %11.3fs %8.2fx %9.2fx %11.2fx   (%s secrets)\n' "$(basename "$zip")" "$mb" "$entries" "$t_tar" "$t_vuln" "$t_both" \
    "$(awk "BEGIN{print $t_both/$t_vuln}")" "$(awk "BEGIN{print $t_both/$t_tar}")" "$(awk "BEGIN{print ($t_both-$t_vuln)/$t_tar}")" "$secrets"
done
