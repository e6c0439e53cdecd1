//! Runs the browser scripts' own tests under node, if node is installed:
//! tests/js/token.test.js (token.js), tests/js/identity.test.js
//! (identity.js, completion.js and the declaration time in progress.js) and
//! tests/js/progress.test.js (progress kept per person on a shared computer).

use std::path::Path;
use std::process::Command;

fn node_test(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/js").join(name);
    let output = match Command::new("node").arg(&script).current_dir(root).output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            println!("skipped: node is not on PATH, so {name} was not run");
            return;
        }
        Err(err) => panic!("running node: {err}"),
    };
    assert!(
        output.status.success(),
        "node {}:\n--- stdout\n{}\n--- stderr\n{}",
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
