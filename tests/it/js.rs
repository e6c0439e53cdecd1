//! Runs the browser scripts' own tests under `node --test`:
//! tests/js/token.test.js (token.js), tests/js/identity.test.js
//! (identity.js, completion.js and the declaration time in progress.js),
//! tests/js/progress.test.js (progress kept per person on a shared
//! computer, and progress.js's pure record logic), tests/js/quiz.test.js
//! (quiz.js's scoring), tests/js/search.test.js (search.js's matching and
//! ranking) and tests/js/common.test.js (common.js).
//!
//! Without node on PATH a test prints `SKIPPED: …` and passes, unless the
//! `CI` environment variable is set: then it fails, as the browser tests do.

use std::path::Path;
use std::process::Command;

/// True when running in CI, where no test may skip.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn node_test(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/js").join(name);
    let output = match Command::new("node")
        .arg("--test")
        .arg(&script)
        .current_dir(root)
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                !in_ci(),
                "{name}: CI is set, so the JavaScript tests must run, but node is not on PATH"
            );
            eprintln!("SKIPPED: {name}: node is not on PATH; set CI=1 to make this a failure");
            return;
        }
        Err(err) => panic!("running node: {err}"),
    };
    assert!(
        output.status.success(),
        "node --test {}:\n--- stdout\n{}\n--- stderr\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn token_js_passes_its_tests_under_node() {
    node_test("token.test.js");
}

#[test]
fn identity_and_completion_js_pass_their_tests_under_node() {
    node_test("identity.test.js");
}

#[test]
fn progress_js_keeps_progress_per_person_under_node() {
    node_test("progress.test.js");
}

#[test]
fn quiz_js_scores_under_node() {
    node_test("quiz.test.js");
}

#[test]
fn search_js_matches_and_ranks_under_node() {
    node_test("search.test.js");
}

#[test]
fn common_js_passes_its_tests_under_node() {
    node_test("common.test.js");
}
