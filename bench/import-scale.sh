#!/usr/bin/env bash
# The import at scale (a benchmark, not a timed test): a trust of 40
# policies and 400 people with TOKENS completion tokens in one file
# (default 1,000,000, about ten years of re-reading in a large trust),
# written by benches/library.rs. It times `handbook import` into an empty
# ledger, then the same file again into the full one (every token already
# recorded), with GNU time: wall time and peak memory (maximum resident
# set size). Targets (issue 17): at 1,000,000 tokens, at most 6 s and
# 250 MB into the empty ledger; the re-import at most 3 s.
#
#   bench/import-scale.sh [DIR]      (default: a folder in BENCH_DIR or
#                                     /tmp, removed after)
#
# TOKENS=N changes the count; RUNS=N repeats both imports N times (default 3).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TOKENS="${TOKENS:-1000000}"
RUNS="${RUNS:-3}"
bench_setup import-scale
DIR="${1:-$bench_work/site}"
echo "Writing the site and $TOKENS tokens…" >&2
cargo bench --quiet --bench library -- "$DIR" --tokens "$TOKENS" >&2
INPUT="$DIR/inbox/tokens.txt"
printf 'import of %s tokens (%s MB of input), %s CPUs\n' "$TOKENS" \
  "$(echo "scale=1; $(stat -c %s "$INPUT") / 1000000" | bc)" "$(nproc)"
printf '%-22s %8s %10s %s\n' "run" "wall s" "peak MB" "result"
for run in $(seq "$RUNS"); do
  rm -f "$DIR/.handbook/ledger.sqlite"* "$DIR/.handbook/ledger.rejections.json"
  for label in "into an empty ledger" "again (all recorded)"; do
    read -r wall kib < <(bench_measure "$bench_hb" --root "$DIR" import "$INPUT")
    printf '%-22s %8.2f %10.1f %s\n' "$label" "$wall" "$(echo "$kib * 1.024 / 1000" | bc -l)" \
      "$(grep -m1 '^Checked' "$bench_work/command.log" || tail -n 1 "$bench_work/command.log")"
  done
done
