#!/usr/bin/env bash
# The library benchmark (not a timed test): a trust of 40 policies of 15
# pages each, a 400-person roster and 16,000 completion tokens (written by
# benches/library.rs), then `handbook import`, `handbook report` (text, HTML
# and CSV) and `handbook build` on it, each timed with /usr/bin/time -v:
# wall-clock time and peak memory (maximum resident set size).
#
#   bench/library.sh [DIR]      (default: a temporary folder, removed after)
#
# RUNS=N repeats each timed command N times (default 3) and reports each
# run; the import runs on a fresh ledger every time.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
DIR="${1:-}"
if [ -z "$DIR" ]; then
  DIR="$(mktemp -d)"
  trap 'rm -rf "$DIR"' EXIT
fi
cargo build --release --quiet
cargo bench --quiet --bench library -- "$DIR"
HB="$PWD/target/release/handbook"

timed() { # label, command...
  local label="$1"; shift
  local log; log="$(mktemp)"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { tail -20 "$log"; rm -f "$log"; return 1; }
  local wall rss
  wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')"
  rss="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
  printf '%-8s %10s s  %8.1f MB peak\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
  rm -f "$log"
}

echo "library: 40 policies x 15 pages, 400 people, 16,000 tokens ($(nproc) CPUs)"
for run in $(seq "$RUNS"); do
  rm -f "$DIR/.handbook/ledger.sqlite"*
  timed import "$HB" --root "$DIR" import "$DIR/inbox/tokens.txt"
  timed report "$HB" --root "$DIR" report --html "$DIR/report.html" --csv "$DIR/report.csv"
  timed build "$HB" --root "$DIR" build || echo "build    failed (see above)"
done
