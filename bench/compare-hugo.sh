#!/usr/bin/env bash
# Benchmark: handbook against Hugo on the same synthetic policy library.
#
# Generates the corpus with ../shared/bench/make_corpus.py at each size
# (default 1,000 and 10,000 pages), builds its generic/ flavour with
# `handbook build` (after writing the site.yaml it needs) and its hugo/
# flavour with Hugo, several runs each, alternating the two, and prints the
# median wall time, pages per second and peak RSS of each, and the ratios.
#
# Each run builds into an empty folder (the previous run's output is
# removed before the timing starts), so both tools do the same work.
#
# Not part of `cargo test`. Usage, from anywhere:
#
#   bench/compare-hugo.sh              # 1,000 and 10,000 pages, 5 runs each
#   RUNS=3 SIZES="1000" bench/compare-hugo.sh
#   BENCH_DIR=/dev/shm bench/compare-hugo.sh   # corpus and output in memory
#
# Installs hugo and GNU time with apt-get when they are missing (as root).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
runs=${RUNS:-5}
sizes=${SIZES:-"1000 10000"}
corpus_script=$repo/../shared/bench/make_corpus.py

install() {
    if [ "$(id -u)" != 0 ]; then
        echo "error: $1 is missing; install it (apt-get install -y $2) and run again" >&2
        exit 2
    fi
    apt-get install -y -qq "$2" >/dev/null 2>&1 || {
        apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null
    }
}
command -v hugo >/dev/null || install hugo hugo
[ -x /usr/bin/time ] || install "GNU time" time
command -v python3 >/dev/null || install python3 python3
if [ ! -f "$corpus_script" ]; then
    echo "error: $corpus_script not found (the shared folder sits beside the repository)" >&2
    exit 2
fi

echo "Building handbook (release)…" >&2
cargo build --release --quiet
handbook=${CARGO_TARGET_DIR:-$repo/target}/release/handbook

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/handbook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Runs a command under GNU time; prints "wall_seconds max_rss_kb".
measure() {
    local log=$work/time.log
    if ! /usr/bin/time -f "%e %M" -o "$log" "$@" >"$work/cmd.log" 2>&1; then
        echo "error: $* failed:" >&2
        cat "$work/cmd.log" >&2
        exit 1
    fi
    tail -n 1 "$log"
}

median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "tools:   $("$handbook" --version), $(hugo version | cut -d' ' -f1-2)"
echo "runs:    $runs per tool and size (median shown); output in $work"
echo

results=()
for n in $sizes; do
    dir=$work/corpus-$n
    python3 "$corpus_script" "$n" "$dir" >/dev/null 2>&1
    # Each section of the corpus is a policy (read-only: no quizzes).
    {
        cat <<'YAML'
id: bench-policies
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
            printf '  %s:\n    title: %s policy\n    version: Bench\n    reviewed: 2025-01\n    next_review: 2099-01\n' "$id" "$id"
        done
    } >"$dir/generic/site.yaml"
    # The corpus must be a valid handbook: links, anchors and all.
    if ! "$handbook" check --root "$dir/generic" >"$work/check.log" 2>&1; then
        echo "error: handbook check failed on the $n-page corpus:" >&2
        head -20 "$work/check.log" >&2
        exit 1
    fi
    out=$work/out
    hb_wall=() hb_rss=() hugo_wall=() hugo_rss=()
    # One untimed run each warms the page cache.
    "$handbook" build --root "$dir/generic" --out "$out/handbook" >/dev/null
    hugo --source "$dir/hugo" --destination "$out/hugo" --quiet >/dev/null
    for ((r = 1; r <= runs; r++)); do
        rm -rf "$out/handbook"
        read -r wall rss < <(measure "$handbook" build --root "$dir/generic" --out "$out/handbook")
        hb_wall+=("$wall") hb_rss+=("$rss")
        rm -rf "$out/hugo"
        read -r wall rss < <(measure hugo --source "$dir/hugo" --destination "$out/hugo" --quiet)
        hugo_wall+=("$wall") hugo_rss+=("$rss")
    done
    results+=("$n $(median "${hb_wall[@]}") $(median "${hb_rss[@]}") $(median "${hugo_wall[@]}") $(median "${hugo_rss[@]}")")
    echo "$n pages: handbook ${hb_wall[*]} s; hugo ${hugo_wall[*]} s" >&2
    rm -rf "$dir" "$out"
done

echo
printf '%-7s %-9s %10s %10s %12s\n' pages tool "wall (s)" "pages/s" "peak RSS"
for line in "${results[@]}"; do
    read -r n hw hr gw gr <<<"$line"
    printf '%-7s %-9s %10.2f %10.0f %9.0f MB\n' "$n" handbook "$hw" "$(python3 -c "print($n / max($hw, 0.01))")" "$(python3 -c "print($hr / 1024)")"
    printf '%-7s %-9s %10.2f %10.0f %9.0f MB\n' "$n" hugo "$gw" "$(python3 -c "print($n / max($gw, 0.01))")" "$(python3 -c "print($gr / 1024)")"
    printf '%-7s %-9s %10s %10s %12s\n' "$n" "ratio" "$(python3 -c "print(f'{$hw / max($gw, 0.01):.2f}x')")" "" "$(python3 -c "print(f'{$hr / max($gr, 1):.2f}x')")"
done
echo
echo "ratio = handbook / hugo (below 1: handbook is faster or smaller)"
