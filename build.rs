//! Embeds the default theme in the binary, so that `handbook new` makes a
//! site that builds at once, wherever the binary is installed.
//!
//! Cargo runs this again when anything under `themes/default` changes: a
//! `rerun-if-changed` naming a folder makes Cargo scan the whole tree under
//! it, so an edited, added or removed file, in any sub-folder, counts.
//! (Checked by touching, adding, editing and deleting files and folders
//! there: each makes `cargo build -v` report the crate dirty.) Each
//! embedded file is also an `include_bytes!`, which the compiler tracks by
//! itself.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = files_under(&theme);
    files.sort();
    let mut code =
        String::from("/// The default theme's files: path within the theme, contents.\n");
    code.push_str("static DEFAULT_THEME: &[(&str, &[u8])] = &[\n");
    for file in files {
        let rel = file
            .strip_prefix(&theme)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("default_theme.rs");
    std::fs::write(out, code).unwrap();
}

/// Every file under `dir`, at any depth, except hidden files and folders
/// (an editor's or version control's).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
