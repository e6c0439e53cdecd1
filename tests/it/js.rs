//! Runs the browser token code's own tests (tests/js/token.test.js) under
//! node, if node is installed.

use std::path::Path;
use std::process::Command;

#[test]
fn token_js_passes_its_tests_under_node() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/js/token.test.js");
    let output = match Command::new("node").arg(&script).current_dir(root).output() {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            println!("skipped: node is not on PATH, so token.js was not tested");
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
