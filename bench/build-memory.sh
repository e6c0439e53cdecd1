#!/usr/bin/env bash
# The build-memory benchmark (not a timed test): `handbook build` on the
# synthetic policy library of ../shared/bench/make_corpus.py (its generic/
# flavour, wrapped into a site with each section a read-only policy), at
# 1,000 and 10,000 pages, each build timed with GNU time: wall-clock time,
# peak memory (maximum resident set size) and the output's size (the sum of
# its files' sizes). Each build writes into an empty folder; one untimed
# build first warms the page cache. The median of the runs is reported.
# bench/compare.sh measures the same builds side by side with Zola and Hugo.
#
#   bench/build-memory.sh            # 1,000 and 10,000 pages
#   bench/build-memory.sh 100000     # and 100,000 as well
#
# RUNS=N sets the number of timed builds per size (default 3).
# HANDBOOK=path/to/handbook measures that binary (say, an earlier build)
# instead of building this checkout's.
# BENCH_DIR=/dev/shm keeps the corpus and output in memory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-3}
sizes="1000 10000 ${1:-}"
bench_setup handbook-memory

echo "build memory: $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), $("$bench_hb" --version)"
printf '%-8s %10s %12s %14s\n' pages "wall (s)" "peak RSS" "output bytes"
for n in $sizes; do
    dir=$bench_work/corpus-$n
    bench_corpus "$n" "$dir"
    out=$bench_work/out-$n
    "$bench_hb" build --root "$dir/generic" --out "$out" >/dev/null
    walls=() rsss=()
    for _ in $(seq "$runs"); do
        rm -rf "$out"
        measured=$(bench_measure "$bench_hb" build --root "$dir/generic" --out "$out")
        read -r wall rss <<<"$measured"
        walls+=("$wall") rsss+=("$rss")
    done
    printf '%-8s %10.2f %9.1f MB %14s   (runs: %s s; %s KB)\n' "$n" "$(bench_median "${walls[@]}")" \
        "$(python3 -c "print($(bench_median "${rsss[@]}") / 1024)")" "$(bench_file_bytes "$out")" \
        "${walls[*]}" "${rsss[*]}"
    rm -rf "$dir" "$out"
done
