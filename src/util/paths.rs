//! Paths compared the way a person reads them: made absolute against the
//! current folder and with `.` and `..` resolved by looking at the text
//! alone, before any guard looks at them.
//!
//! The operating system resolves `nothere/../.handbook` only if `nothere`
//! exists, so a guard that asks the file system about such a path can see
//! "no such folder" while a later `create_dir_all` makes `nothere` and the
//! path then reaches `.handbook/`. Normalising the text first, and then
//! using only the normalised path, means the guard and the write see the
//! same folder.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` removed and each `..` taking away the component before
/// it, without touching the file system. A `..` at the root stays at the
/// root (as the operating system does); a `..` at the start of a relative
/// path is kept, since there is nothing before it to take away.
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir) | None => parts.push(component),
                Some(Component::CurDir) => unreachable!("`.` is never kept"),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

/// `path` made absolute against the current folder, then normalised
/// lexically (see [`normalize`]). Fails only when the current folder
/// cannot be read.
pub fn lexical_absolute(path: &Path) -> std::io::Result<PathBuf> {
    Ok(normalize(&std::path::absolute(path)?))
}

/// `path` (absolute and normalised) with every symbolic link resolved as
/// far as the path exists: the deepest existing ancestor is canonicalised
/// and the components that do not exist yet are added back. This is where
/// a write to `path` would really land.
pub fn resolved(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// True when `a` and `b` are the same folder or one lies inside the
/// other (component by component, so `out2` is not inside `out`).
pub fn overlap(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Resolves `target` (as written in `from`, a content path) to a content
/// path, or `None` if it climbs out of `content/`.
pub fn resolve_link(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(path: &str) -> String {
        normalize(Path::new(path)).to_string_lossy().into_owned()
    }

    #[test]
    fn dots_are_resolved_without_the_file_system() {
        assert_eq!(n("/site/nothere/../.handbook"), "/site/.handbook");
        assert_eq!(n("/site/x/../../myfolder"), "/myfolder");
        assert_eq!(n("/site/content/.."), "/site");
        assert_eq!(n("/site/./output/."), "/site/output");
        assert_eq!(n("/site//output/"), "/site/output");
        assert_eq!(n("/a/b/c/../../d"), "/a/d");
    }

    #[test]
    fn parent_of_the_root_is_the_root() {
        assert_eq!(n("/.."), "/");
        assert_eq!(n("/../../etc"), "/etc");
    }

    #[test]
    fn relative_paths_keep_leading_parents() {
        assert_eq!(n("a/.."), ".");
        assert_eq!(n("."), ".");
        assert_eq!(n(""), ".");
        assert_eq!(n("../a/../b"), "../b");
        assert_eq!(n("a/../../b"), "../b");
    }

    #[test]
    fn absolute_paths_start_at_the_current_folder() {
        let here = std::env::current_dir().unwrap();
        assert_eq!(lexical_absolute(Path::new(".")).unwrap(), normalize(&here));
        assert_eq!(
            lexical_absolute(Path::new("nothere/../x")).unwrap(),
            normalize(&here.join("x"))
        );
    }

    #[test]
    fn overlap_is_by_component() {
        assert!(overlap(Path::new("/s/out"), Path::new("/s/out")));
        assert!(overlap(Path::new("/s"), Path::new("/s/out/x")));
        assert!(overlap(Path::new("/s/out/x"), Path::new("/s")));
        assert!(!overlap(Path::new("/s/out2"), Path::new("/s/out")));
    }

    #[cfg(unix)]
    #[test]
    fn resolved_follows_links_as_far_as_the_path_exists() {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(base.join("private")).unwrap();
        std::os::unix::fs::symlink(base.join("private"), base.join("link")).unwrap();
        assert_eq!(
            resolved(&base.join("link/new/deeper")),
            base.join("private/new/deeper")
        );
        assert_eq!(resolved(&base.join("absent")), base.join("absent"));
    }
}
