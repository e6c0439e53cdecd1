//! Which file of the build folder a request path names, and its content
//! type. Only files inside the folder are ever served: request paths with
//! `..` or `.` segments, hidden names, backslashes, NUL bytes or encoded
//! slashes are refused, and the resolved path must still be inside the
//! folder after symbolic links are followed.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What may stay unescaped in one segment of a redirect's path: the
/// unreserved characters of RFC 3986.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a request path refers to in the build folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A file inside the folder.
    File(PathBuf),
    /// A folder asked for without its trailing `/`: redirect here.
    Redirect(String),
    /// Nothing to serve.
    NotFound,
}

/// Maps a request path (as sent, percent-encoded, without the query) to a
/// file inside `base` (a canonical folder). Anything that could reach
/// outside it is refused.
pub(crate) fn resolve(base: &Path, path: &str) -> Resolved {
    let Some(rest) = path.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    if path.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let mut parts = Vec::new();
    for raw in rest.split('/').filter(|raw| !raw.is_empty()) {
        let Some(part) = segment(raw) else {
            return Resolved::NotFound;
        };
        parts.push(part);
    }
    let mut file = base.to_path_buf();
    file.extend(&parts);
    let Some(found) = inside(base, &file) else {
        return Resolved::NotFound;
    };
    if found.is_dir() {
        if !path.ends_with('/') {
            let mut location = String::from("/");
            for part in &parts {
                location.extend(utf8_percent_encode(part, SEGMENT));
                location.push('/');
            }
            return Resolved::Redirect(location);
        }
        return match inside(base, &found.join("index.html")) {
            Some(index) if index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if found.is_file() {
        Resolved::File(found)
    } else {
        Resolved::NotFound
    }
}

/// One decoded path segment, if it can only name an entry of its folder.
fn segment(raw: &str) -> Option<String> {
    let part = percent_decode_str(raw).decode_utf8().ok()?;
    // An encoded separator, a parent or current folder, a hidden or
    // absolute name: never a file of the site.
    let mut components = Path::new(part.as_ref()).components();
    let single =
        matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none();
    if !single || part.contains(['/', '\\', '\0', ':']) || part.starts_with('.') {
        return None;
    }
    Some(part.into_owned())
}

/// `path` with every symbolic link followed, if that is inside `base`.
fn inside(base: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    real.starts_with(base).then_some(real)
}

/// The content type for a file name; text says it is UTF-8, as every text
/// file of a build is.
pub(crate) fn content_type(path: &Path) -> String {
    let kind = mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream");
    if kind.starts_with("text/") || kind == "application/javascript" {
        format!("{kind}; charset=utf-8")
    } else {
        kind.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("site");
        std::fs::create_dir_all(base.join("parents")).unwrap();
        std::fs::create_dir_all(base.join("a folder")).unwrap();
        std::fs::write(base.join("index.html"), "home").unwrap();
        std::fs::write(base.join("parents/index.html"), "parents").unwrap();
        std::fs::write(base.join("parents/a b.html"), "a b").unwrap();
        std::fs::write(base.join(".handbook-output"), "marker").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let base = std::fs::canonicalize(base).unwrap();
        (dir, base)
    }

    #[test]
    fn paths_resolve_inside_the_folder_only() {
        let (dir, base) = site();
        assert_eq!(resolve(&base, "/"), Resolved::File(base.join("index.html")));
        assert_eq!(
            resolve(&base, "/parents/"),
            Resolved::File(base.join("parents/index.html"))
        );
        assert_eq!(
            resolve(&base, "/parents"),
            Resolved::Redirect("/parents/".into())
        );
        assert_eq!(
            resolve(&base, "//parents"),
            Resolved::Redirect("/parents/".into()),
            "never a redirect to another host"
        );
        assert_eq!(
            resolve(&base, "/a%20folder"),
            Resolved::Redirect("/a%20folder/".into()),
            "the redirect is encoded again"
        );
        assert_eq!(
            resolve(&base, "/parents/a%20b.html"),
            Resolved::File(base.join("parents/a b.html"))
        );
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/parents/../../secret.txt",
            "/parents/%2e%2e/%2e%2e/secret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "/index.html%00.png",
            "/.handbook-output",
            "/./index.html",
            "/%zz",
            "/%ff",
            "secret.txt",
            "http://example.org/secret.txt",
        ] {
            assert_eq!(resolve(&base, bad), Resolved::NotFound, "{bad}");
        }
        let absolute = format!("/{}", dir.path().join("secret.txt").display());
        assert_eq!(resolve(&base, &absolute), Resolved::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_folder_are_refused() {
        let (dir, base) = site();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), base.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), base.join("up")).unwrap();
        std::os::unix::fs::symlink(base.join("index.html"), base.join("home.html")).unwrap();
        assert_eq!(resolve(&base, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&base, "/up/secret.txt"), Resolved::NotFound);
        assert_eq!(resolve(&base, "/up/"), Resolved::NotFound);
        assert_eq!(
            resolve(&base, "/home.html"),
            Resolved::File(base.join("index.html")),
            "a link inside the folder is fine"
        );
    }

    #[test]
    fn content_types() {
        for (name, kind) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.pdf", "application/pdf"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.woff2", "font/woff2"),
            ("a", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), kind, "{name}");
        }
    }
}
