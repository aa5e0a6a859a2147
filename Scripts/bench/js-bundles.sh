#!/usr/bin/env bash
# What reading JavaScript bundles costs (release build, this machine):
#   bash Scripts/bench/js-bundles.sh          (SCRATCH=path to use another build folder)
# Builds 10 MB bundles from the fixtures (Tests/Fixtures/js-bundle/bundles.tar.xz): the CDK-style
# unminified bundle repeated, and the minified one repeated (with its licence block), and times
# `fnaudit inventory` on a folder holding one of them against the same folder holding 10 MB of a file
# no analyzer reads (the walk, process start and report): the difference is the bundle reader's
# cost. Also times a zip with no bundle (polyglot.zip), which the reader must not slow.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product fnaudit >/dev/null
BIN="$SCRATCH/release/fnaudit"
WORK="$(cd "$SCRATCH" && pwd)/bench-js"
rm -rf "$WORK" && mkdir -p "$WORK/src" "$WORK/unminified" "$WORK/minified" "$WORK/baseline"
tar -xJf Tests/Fixtures/js-bundle/bundles.tar.xz -C "$WORK/src" esbuild-cdk/index.js esbuild-minified/index.js
fill() {   # fill SOURCE DEST: repeat SOURCE up to 10 MiB
  : > "$2"
  while [ "$(stat -c %s "$2")" -lt $((10 << 20)) ]; do cat "$1" >> "$2"; done
  truncate -s $((10 << 20)) "$2"
}
fill "$WORK/src/esbuild-cdk/index.js" "$WORK/unminified/index.js"
fill "$WORK/src/esbuild-minified/index.js" "$WORK/minified/index.js"
fill "$WORK/src/esbuild-cdk/index.js" "$WORK/baseline/index.txt"

seconds() {   # best wall seconds of 7 runs (the minimum: a shared machine only adds noise)
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = min((lambda t0: (subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(7))
print(f"{best:.4f}")
PY
}
base=$(seconds "$BIN" inventory "$WORK/baseline")
printf "%-34s %8s s\n" "folder, 10 MiB unread file" "$base"
for kind in unminified minified; do
  t=$(seconds "$BIN" inventory "$WORK/$kind")
  printf "%-34s %8s s   bundle reader: %4.0f ms\n" "folder, 10 MiB $kind bundle" "$t" "$(python3 -c "print(($t - $base) * 1000)")"
done
echo "packages found in the unminified 10 MiB bundle: $("$BIN" inventory "$WORK/unminified" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]))')"
printf "%-34s %8s s\n" "polyglot.zip (no bundle)" "$(seconds "$BIN" inventory Tests/Fixtures/bundles/zips/polyglot.zip)"
