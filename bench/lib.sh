# Helpers shared by the build benchmarks (bench/compare.sh and
# bench/build-memory.sh): the corpus of ../shared/bench/make_corpus.py made
# into a handbook, the binary under test, and the measurements (GNU time's
# wall time and peak RSS, the output's bytes and HTML files).
#
# Sourced, not run: `. "$(dirname "$0")/lib.sh"`. Leaves the shell in the
# repository's root.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_repo=$PWD
bench_corpus_script=$bench_repo/../shared/bench/make_corpus.py

# bench_need COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is
# missing (as root; anyone else is told the command to run).
bench_need() {
    command -v "$1" >/dev/null 2>&1 && return
    if [ "$(id -u)" != 0 ]; then
        echo "error: $1 is missing; install it (apt-get install -y $2, as root) and run again" >&2
        exit 2
    fi
    echo "Installing $2 with apt-get…" >&2
    apt-get install -y -qq "$2" >/dev/null 2>&1 || {
        apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null
    } || {
        echo "error: apt-get could not install $2" >&2
        exit 2
    }
}

# bench_setup PREFIX: checks for the corpus script, GNU time and python3,
# sets bench_hb to the handbook binary (HANDBOOK=path, or this checkout's
# release build) and bench_work to an empty folder in BENCH_DIR (default
# TMPDIR or /tmp; /dev/shm keeps corpus and output in memory), removed on
# exit.
bench_setup() {
    if [ ! -f "$bench_corpus_script" ]; then
        echo "error: $bench_corpus_script not found (the shared folder sits beside the repository)" >&2
        exit 2
    fi
    bench_need /usr/bin/time time
    bench_need python3 python3
    if [ -n "${HANDBOOK:-}" ]; then
        bench_hb=$HANDBOOK
    else
        echo "Building handbook (release)…" >&2
        cargo build --release --quiet
        bench_hb=${CARGO_TARGET_DIR:-$bench_repo/target}/release/handbook
    fi
    bench_work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/$1.XXXXXX")
    trap 'rm -rf "$bench_work"' EXIT
}

# bench_corpus PAGES DIR: writes the corpus into DIR and a site.yaml into
# its generic/ flavour in which each section is a read-only policy (no
# quizzes), so every page is rendered, versioned, indexed for search and
# printed.
bench_corpus() {
    python3 "$bench_corpus_script" "$1" "$2" >/dev/null
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
        local section id
        for section in "$2"/generic/content/*/; do
            id=$(basename "$section")
            printf '  %s:\n    title: %s policy\n    aim: ""\n    version: Bench\n    reviewed: 2025-01\n    next_review: 2099-01\n    owner: Head\n' "$id" "$id"
        done
    } >"$2/generic/site.yaml"
}

# bench_measure COMMAND...: runs COMMAND under GNU time and prints
# "wall_seconds peak_rss_kib"; on failure shows the command's output and
# exits.
bench_measure() {
    local log=$bench_work/time.log out=$bench_work/command.log
    if ! /usr/bin/time -f '%e %M' -o "$log" "$@" >"$out" 2>&1; then
        echo "error: $* failed:" >&2
        tail -n 20 "$out" >&2
        exit 1
    fi
    tail -n 1 "$log"
}

# bench_median NUMBER...: the median.
bench_median() {
    python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

# bench_file_bytes DIR: the sum of the sizes of the files below DIR (what
# would be uploaded; du would add each folder's own size).
bench_file_bytes() {
    find "$1" -type f -printf '%s\n' | awk '{ total += $1 } END { printf "%.0f\n", total }'
}

# bench_html_files DIR: how many HTML files are below DIR.
bench_html_files() {
    find "$1" -type f -name '*.html' | wc -l
}
