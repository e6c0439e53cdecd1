//! Embeds the default theme in the binary, so that `handbook new` makes a
//! site that builds at once, wherever the binary is installed.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    if theme.is_dir() {
        for entry in walkdir(&theme) {
            println!("cargo:rerun-if-changed={}", entry.display());
            files.push(entry);
        }
    }
    files.sort();
    let mut code =
        String::from("/// The default theme's files: path within the theme, contents.\n");
    code.push_str("pub(crate) static DEFAULT_THEME: &[(&str, &[u8])] = &[\n");
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

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
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
                println!("cargo:rerun-if-changed={}", path.display());
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
