#!/usr/bin/env bash
# The build-memory benchmark (not a timed test): `handbook build` on the
# synthetic policy library of ../shared/bench/make_corpus.py (its generic/
# flavour, wrapped into a site with the site.yaml below), at 1,000 and
# 10,000 pages, each build timed with /usr/bin/time -v: wall-clock time,
# peak memory (maximum resident set size) and the output's size in bytes
# (du -sb). Each build writes into an empty folder; one untimed build
# first warms the page cache. The median of the runs is reported.
#
#   bench/build-memory.sh            # 1,000 and 10,000 pages
#   bench/build-memory.sh 100000     # and 100,000 as well
#
# RUNS=N sets the number of timed builds per size (default 3).
# HANDBOOK=path/to/handbook measures that binary (say, an earlier build)
# instead of building this checkout's.
# BENCH_DIR=/dev/shm keeps the corpus and output in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
RUNS="${RUNS:-3}"
sizes="1000 10000 ${1:-}"
corpus_script=$repo/../shared/bench/make_corpus.py
if [ ! -f "$corpus_script" ]; then
  echo "error: $corpus_script not found (the shared folder sits beside the repository)" >&2
  exit 2
fi
[ -x /usr/bin/time ] || { echo "error: GNU time is missing (apt-get install -y time)" >&2; exit 2; }

if [ -n "${HANDBOOK:-}" ]; then
  HB="$HANDBOOK"
else
  cargo build --release --quiet
  HB="${CARGO_TARGET_DIR:-$repo/target}/release/handbook"
fi
work="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/handbook-memory.XXXXXX")"
trap 'rm -rf "$work"' EXIT

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "build memory: $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$HB" --version)"
printf '%-8s %10s %12s %14s\n' pages "wall (s)" "peak RSS" "output bytes"
for n in $sizes; do
  dir="$work/corpus-$n"
  python3 "$corpus_script" "$n" "$dir" >/dev/null 2>&1
  # Each section of the corpus is a read-only policy (no quizzes): every
  # page is rendered, versioned, indexed for search and printed.
  {
    cat <<'YAML'
id: bench-trust
title: Bench School Policies
organisation: Bench School
schools: []
office_email: office@bench.example
theme: default
language: en-GB
policies:
YAML
    for section in "$dir"/generic/content/*/; do
      id="$(basename "$section")"
      printf '  %s:\n    title: %s policy\n    aim: ""\n    version: Bench\n    reviewed: 2025-01\n    next_review: 2099-01\n    owner: Head\n' "$id" "$id"
    done
  } >"$dir/generic/site.yaml"
  out="$work/out-$n"
  "$HB" build --root "$dir/generic" --out "$out" >/dev/null
  walls=() rsss=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$out"
    log="$(mktemp)"
    /usr/bin/time -v "$HB" build --root "$dir/generic" --out "$out" >/dev/null 2>"$log" \
      || { tail -20 "$log"; exit 1; }
    walls+=("$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{print ($1 * 60) + $2}')")
    rsss+=("$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')")
    rm -f "$log"
  done
  bytes="$(du -sb "$out" | cut -f1)"
  printf '%-8s %10.2f %9.1f MB %14s   (runs: %s s; %s KB)\n' "$n" "$(median "${walls[@]}")" \
    "$(python3 -c "print($(median "${rsss[@]}") / 1024)")" "$bytes" "${walls[*]}" "${rsss[*]}"
  rm -rf "$dir" "$out"
done
