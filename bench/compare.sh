#!/usr/bin/env bash
# Benchmark (not a timed test): handbook, Zola and Hugo side by side on the
# same synthetic policy library, and the build targets of issue 17.
#
# For each size, ../shared/bench/make_corpus.py writes the corpus; handbook
# builds its generic/ flavour (each section a read-only policy, after one
# `handbook check`), Hugo its hugo/ flavour, and Zola a site this script
# makes from the hugo/ flavour (the same content and front matter, templates
# that mirror Hugo's baseof/single/list: the same nav and lists, code
# highlighted with monokai in inline styles as Hugo does by default). After
# one untimed build each, every run builds with the three tools in turn,
# each into an empty folder, under GNU time. It prints the median wall time,
# pages per second, peak RSS, the output's bytes (the sum of its files'
# sizes) and HTML files of each, the ratios to Zola and Hugo, and whether
# the targets hold:
#   10,000 pages:  peak RSS <= 100 MB, output <= 2x Zola's, time <= 0.36x Zola's
#   100,000 pages: peak RSS <= 600 MB, time per page <= 1.25x that at 10,000
#
#   bench/compare.sh                          # 10,000 pages, 3 runs
#   SIZES="10000 100000" bench/compare.sh     # and the 100,000-page targets
#   RUNS=1 SIZES=1000 bench/compare.sh        # a quick look
#   BENCH_DIR=/dev/shm bench/compare.sh       # corpus and output in memory
#
# ZOLA=path/to/zola picks the Zola binary (default: zola on PATH) and
# HANDBOOK=path/to/handbook the handbook one (default: this checkout's
# release build). Installs Hugo and GNU time with apt-get when they are
# missing (as root). MB are 10^6 bytes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-3}
sizes=${SIZES:-10000}
zola=${ZOLA:-zola}
tools="handbook zola hugo"

if ! command -v "$zola" >/dev/null 2>&1; then
    cat >&2 <<EOF
error: Zola ($zola) not found. Zola has no Debian package; install 0.22.1 with
  cargo install --locked --git https://github.com/getzola/zola --tag v0.22.1
or download a release binary from https://github.com/getzola/zola/releases,
then run again (with ZOLA=path/to/zola if it is not on PATH).
EOF
    exit 2
fi
case $("$zola" --version) in
"zola 0.22."*) ;;
*) echo "warning: $("$zola" --version) is not Zola 0.22, whose configuration keys this script writes" >&2 ;;
esac
bench_need hugo hugo
bench_setup handbook-compare

# make_zola_site HUGO_SITE ZOLA_SITE: the Zola equivalent of the corpus's
# Hugo site.
make_zola_site() {
    python3 - "$1" "$2" <<'PY'
import os, re, shutil, sys

hugo, zola = sys.argv[1], sys.argv[2]
with open(os.path.join(hugo, "hugo.toml"), encoding="utf-8") as file:
    config = file.read()
title = re.search(r'^title = "(.*)"$', config, re.M).group(1)
base_url = re.search(r'^baseURL = "(.*?)/?"$', config, re.M).group(1)
# The outputs Hugo's config disables (feeds, sitemap, robots.txt) are off;
# Zola always writes a 404.html.
site = {
    "zola.toml": f'''base_url = "{base_url}"
title = "{title}"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false

[markdown]
# Hugo's Goldmark has its typographer on by default.
smart_punctuation = true

# Hugo 0.111 highlights fenced code with Chroma's monokai, in inline styles.
[markdown.highlighting]
theme = "monokai"
style = "inline"
''',
    # Hugo's baseof.html.
    "templates/base.html": '''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{% block title %}{% endblock title %} | {{ config.title }}</title>
</head>
<body>
<nav><a href="/">{{ config.title }}</a>{% block crumb %}{% endblock crumb %}</nav>
<main>
{% block main %}{% endblock main %}
</main>
</body>
</html>
''',
    # single.html, with baseof's link to the page's section.
    "templates/page.html": '''{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock title %}
{% block crumb %}{% set parent_path = page.ancestors | last %}{% set parent = get_section(path=parent_path, metadata_only=true) %}{% if parent.path != "/" %} &rsaquo; <a href="{{ parent.path | safe }}">{{ parent.title }}</a>{% endif %}{% endblock crumb %}
{% block main %}
<article>
<h1>{{ page.title }}</h1>
{{ page.content | safe }}
</article>
{% endblock main %}
''',
    # list.html: a section and its pages.
    "templates/section.html": '''{% extends "base.html" %}
{% block title %}{{ section.title }}{% endblock title %}
{% block main %}
<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>
{% block items %}{% for item in section.pages %}<li><a href="{{ item.path | safe }}">{{ item.title }}</a></li>
{% endfor %}{% endblock items %}</ul>
{% endblock main %}
''',
    # list.html for the home page: its sections.
    "templates/index.html": '''{% extends "section.html" %}
{% block items %}{% for path in section.subsections %}{% set item = get_section(path=path, metadata_only=true) %}<li><a href="{{ item.path | safe }}">{{ item.title }}</a></li>
{% endfor %}{% endblock items %}
''',
}
os.makedirs(os.path.join(zola, "templates"))
for name, text in site.items():
    with open(os.path.join(zola, name), "w", encoding="utf-8") as file:
        file.write(text)
shutil.copytree(os.path.join(hugo, "content"), os.path.join(zola, "content"))
# Hugo lists a section's pages by weight; Zola leaves them unsorted unless
# the section's front matter says otherwise.
for entry in os.scandir(os.path.join(zola, "content")):
    index = os.path.join(entry.path, "_index.md")
    if entry.is_dir() and os.path.exists(index):
        with open(index, encoding="utf-8") as file:
            text = file.read()
        if not text.startswith("---\n"):
            sys.exit(f"error: {index} does not open with YAML front matter")
        with open(index, "w", encoding="utf-8") as file:
            file.write("---\nsort_by: weight\n" + text[4:])
PY
}

# set_build TOOL CORPUS OUT: sets `build` to TOOL's build of CORPUS
# into OUT.
set_build() {
    case $1 in
    handbook) build=("$bench_hb" build --root "$2/generic" --out "$3") ;;
    zola) build=("$zola" --root "$2/zola" build --output-dir "$3") ;;
    hugo) build=(hugo --source "$2/hugo" --destination "$3" --quiet) ;;
    esac
}

# expect_html TOOL OUT COUNT: stops unless TOOL wrote COUNT HTML files.
expect_html() {
    local found
    found=$(bench_html_files "$2")
    if [ "$found" != "$3" ]; then
        echo "error: $1 wrote $found HTML files, expected $3" >&2
        exit 1
    fi
}

print_setting() {
    echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "tools:   $("$bench_hb" --version); $("$zola" --version); $(hugo version | cut -d' ' -f1-2)"
    echo "runs:    $runs per tool and size after one warm-up, the median shown;" \
        "corpus and output on $(stat -f -c %T "$bench_work") ($bench_work)"
}

# measure_size PAGES RESULTS: builds a corpus of PAGES with each tool and
# appends a line per tool to RESULTS: pages, tool, median wall seconds,
# median peak RSS (KiB), output bytes and HTML files.
measure_size() {
    local n=$1 corpus=$bench_work/corpus-$1 out=$bench_work/out sections tool run measured wall rss
    echo "$n pages: writing the corpus…" >&2
    bench_corpus "$n" "$corpus"
    make_zola_site "$corpus/hugo" "$corpus/zola"
    if ! "$bench_hb" check --root "$corpus/generic" >"$bench_work/check.log" 2>&1; then
        echo "error: handbook check failed on the $n-page corpus:" >&2
        head -n 20 "$bench_work/check.log" >&2
        exit 1
    fi
    # The warm-up builds; Zola and Hugo must write every page: the pages,
    # each section and the home page (and Zola its 404.html).
    for tool in $tools; do
        set_build "$tool" "$corpus" "$out/$tool"
        bench_measure "${build[@]}" >/dev/null
        if grep -i 'warn' "$bench_work/command.log" >&2; then
            echo "($tool warned, above)" >&2
        fi
    done
    sections=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["sections"]))' "$corpus/corpus.json")
    expect_html hugo "$out/hugo" $((n + sections + 1))
    expect_html zola "$out/zola" $((n + sections + 2))
    local -A walls=() rsss=()
    for ((run = 1; run <= runs; run++)); do
        for tool in $tools; do
            rm -rf "${out:?}/$tool"
            set_build "$tool" "$corpus" "$out/$tool"
            measured=$(bench_measure "${build[@]}")
            read -r wall rss <<<"$measured"
            walls[$tool]+=" $wall" rsss[$tool]+=" $rss"
        done
    done
    for tool in $tools; do
        # shellcheck disable=SC2086 # the runs' figures, one word each
        printf '%s %s %s %s %s %s\n' "$n" "$tool" "$(bench_median ${walls[$tool]})" \
            "$(bench_median ${rsss[$tool]})" "$(bench_file_bytes "$out/$tool")" \
            "$(bench_html_files "$out/$tool")" >>"$2"
        echo "$n pages: $tool${walls[$tool]} s;${rsss[$tool]} KiB" >&2
    done
    rm -rf "$corpus" "$out"
}

# summarise RESULTS: the table, the ratios and the targets.
summarise() {
    python3 - "$1" <<'PY'
import sys

rows = {}
for line in open(sys.argv[1]):
    pages, tool, wall, rss_kib, output, html = line.split()
    rows[int(pages), tool] = {
        "wall": float(wall),
        "rss": float(rss_kib) * 1024 / 1e6,
        "output": int(output) / 1e6,
        "html": int(html),
    }
sizes = sorted({pages for pages, _ in rows})
print(f"{'pages':>7}  {'tool':<8} {'wall s':>7} {'pages/s':>8} {'peak RSS MB':>11} {'output MB':>9} {'HTML files':>10}")
for pages in sizes:
    for tool in ("handbook", "zola", "hugo"):
        row = rows[pages, tool]
        print(f"{pages:>7}  {tool:<8} {row['wall']:>7.2f} {pages / max(row['wall'], 0.01):>8.0f}"
              f" {row['rss']:>11.1f} {row['output']:>9.1f} {row['html']:>10}")
print()
for pages in sizes:
    handbook = rows[pages, "handbook"]
    for other in ("zola", "hugo"):
        row = rows[pages, other]
        print(f"{pages:>7}  handbook/{other}: time {handbook['wall'] / max(row['wall'], 0.01):.2f}x,"
              f" memory {handbook['rss'] / row['rss']:.2f}x, output {handbook['output'] / row['output']:.2f}x")
print("(MB are 10^6 bytes; output is the sum of the files' sizes)")
print()


def check(pages, what, holds):
    print(f"{pages:>7}  {'PASS' if holds else 'FAIL'}  {what}")


for pages in sizes:
    handbook, zola = rows[pages, "handbook"], rows[pages, "zola"]
    if pages == 10000:
        check(pages, f"peak RSS {handbook['rss']:.1f} MB <= 100 MB", handbook["rss"] <= 100)
        check(pages, f"output {handbook['output']:.1f} MB <= 2x Zola's {zola['output']:.1f} MB"
              f" = {2 * zola['output']:.1f} MB",
              handbook["output"] <= 2 * zola["output"])
        check(pages, f"wall {handbook['wall']:.2f} s <= 0.36x Zola's {zola['wall']:.2f} s"
              f" = {0.36 * zola['wall']:.2f} s", handbook["wall"] <= 0.36 * zola["wall"])
    elif pages == 100000:
        check(pages, f"peak RSS {handbook['rss']:.1f} MB <= 600 MB", handbook["rss"] <= 600)
        if (10000, "handbook") in rows:
            per_page = handbook["wall"] / pages * 1e6
            at_10k = rows[10000, "handbook"]["wall"] / 10000 * 1e6
            check(pages, f"linear: {per_page:.0f} us a page <= 1.25x {at_10k:.0f} us at 10000 pages"
                  f" = {1.25 * at_10k:.0f} us", per_page <= 1.25 * at_10k)
        else:
            print(f"{pages:>7}  ----  linear: not checked (run SIZES=\"10000 100000\")")
    else:
        print(f"{pages:>7}  ----  no targets at this size (they are set at 10000 and 100000 pages)")
PY
}

# One call, so that the whole script is read before it runs (editing it
# during a long run cannot change what the run does).
main() {
    local n
    print_setting
    for n in $sizes; do
        measure_size "$n" "$bench_work/results"
    done
    echo
    summarise "$bench_work/results"
}
main
