# Sourced by the bench scripts: `best_of_3 command...` prints "seconds peakRSS-KiB" of the fastest
# of three runs (output discarded; a failing command still counts). Needs $WORK.
best_of_3() {
  local best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
    read -r secs rss < <(tail -n 1 "$WORK/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $rss"; fi
  done
  echo "$best"
}
