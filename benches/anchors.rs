//! Anchor de-duplication benchmark: a page of 8,000 and of 32,000
//! identical headings (`## Notes`), rendered on its own and built as part
//! of a whole site. Linear de-duplication takes about four times as long
//! for four times the headings; the quadratic one it replaced took
//! sixteen times as long.
//!
//! Run with `cargo bench --bench anchors`. It is a plain binary timed with
//! std::time (harness = false), so `cargo test` does not run it.

use std::path::Path;
use std::time::{Duration, Instant};

use handbook::markdown::{RenderOptions, render};

const SIZES: [usize; 2] = [8_000, 32_000];

fn page(headings: usize) -> String {
    "## Notes\n\nA line of text.\n\n".repeat(headings)
}

/// The best of `runs` timings of `f` (the least disturbed by other work).
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn write_site(root: &Path, headings: usize) {
    let files = [
        (
            "site.yaml",
            "id: bench/anchors\ntitle: Anchors\norganisation: Bench\nversion: v1\n\
             reviewed: 2026-01\nnext_review: 2030-01\n"
                .to_string(),
        ),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nHome.\n".to_string(),
        ),
        (
            "content/notes.md",
            format!("---\ntitle: Notes\n---\n{}", page(headings)),
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
        std::fs::write(path, text).expect("write");
    }
}

fn main() {
    println!("identical headings    render (1 page)    build (whole site)");
    let mut times = Vec::new();
    for headings in SIZES {
        let markdown = page(headings);
        let rendered = best(3, || {
            let r = render(&markdown, 1, &RenderOptions::default());
            assert_eq!(r.toc.len(), headings);
            assert!(r.problems.is_empty());
        });
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("site");
        write_site(&root, headings);
        let out = dir.path().join("output");
        let out = handbook::site::output_folder(&root, Some(&out)).expect("a fresh folder");
        let built = best(3, || {
            handbook::site::build(&out).expect("the site builds");
        });
        println!(
            "{headings:>18}    {:>12.1} ms    {:>15.1} ms",
            rendered.as_secs_f64() * 1e3,
            built.as_secs_f64() * 1e3
        );
        times.push((rendered, built));
    }
    let ratio = |f: fn(&(Duration, Duration)) -> Duration| {
        f(&times[1]).as_secs_f64() / f(&times[0]).as_secs_f64()
    };
    println!(
        "4x the headings: render {:.1}x the time, build {:.1}x (linear: about 4x; quadratic: 16x)",
        ratio(|t| t.0),
        ratio(|t| t.1)
    );
}
