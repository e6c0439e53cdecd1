//! Policy versions: the version id that identifies exactly what staff read
//! (SPEC §5), computed from the site's `content/` and `quizzes/`.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The folders whose files make up a policy version.
pub const VERSIONED_DIRS: [&str; 2] = ["content", "quizzes"];

/// The first 16 hex digits of SHA-256 over every file under `content/` and
/// `quizzes/` in path order: each as its path relative to the root (`/`
/// separators), a NUL byte, its bytes with CRLF turned into LF, a NUL byte.
/// Hidden files (editor swap files and the like) are not part of it.
pub fn policy_version_id(root: &Path) -> Result<String> {
    let mut files = Vec::new();
    for dir in VERSIONED_DIRS {
        let base = root.join(dir);
        if !base.is_dir() {
            continue;
        }
        let walker = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry
                .map_err(|err| Error::io(format!("reading {}", base.display()), err.into()))?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                files.push((rel.to_string_lossy().replace('\\', "/"), entry.into_path()));
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for (rel, path) in files {
        let bytes = std::fs::read(&path)
            .map_err(|err| Error::io(format!("reading {}", path.display()), err))?;
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(crlf_to_lf(&bytes));
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_id_matches_the_spec_recipe() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::create_dir_all(dir.path().join("quizzes")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "x\r\ny").unwrap();
        std::fs::write(dir.path().join("quizzes/q.yaml"), "z").unwrap();
        std::fs::write(dir.path().join("content/.a.md.swp"), "ignored").unwrap();
        let mut expected = Sha256::new();
        expected.update(b"content/a.md\0x\ny\0quizzes/q.yaml\0z\0");
        let expected: String = expected.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(policy_version_id(dir.path()).unwrap(), expected);
        assert_eq!(expected.len(), 16);
    }

    #[test]
    fn line_endings_do_not_change_the_id() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for (dir, text) in [(&a, "one\ntwo\n"), (&b, "one\r\ntwo\r\n")] {
            std::fs::create_dir_all(dir.path().join("content")).unwrap();
            std::fs::write(dir.path().join("content/p.md"), text).unwrap();
        }
        assert_eq!(
            policy_version_id(a.path()).unwrap(),
            policy_version_id(b.path()).unwrap()
        );
    }
}
