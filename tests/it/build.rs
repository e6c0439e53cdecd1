//! `handbook build` and `handbook new`: what lands in the output folder,
//! relative links, atomic replacement, and snapshots of a page and the
//! search index.

use std::path::Path;

use crate::support::{TempSite, handbook, text};

fn all_html(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

/// The values of every `href` and `src` attribute.
pub(crate) fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

#[test]
fn builds_every_page_with_relative_links_that_resolve() {
    let site = TempSite::new();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let out = site.path().join("output");
    for file in [
        "index.html",
        "online-safety/scope.html",
        "online-safety/roles.html",
        "parents/index.html",
        "parents/commenting.html",
        "online-safety/print.html",
        "search.html",
        "404.html",
        "search-index.js",
        "style.css",
        "syntax.css",
        "course/index.html",
        "course/online-safety/scope.html",
        "course/online-safety/roles.html",
        "course/online-safety/declaration.html",
    ] {
        assert!(out.join(file).is_file(), "{file} is built");
    }
    assert!(
        site.read("output/online-safety/scope.html")
            .contains("href=\"roles.html#staff\"")
    );
    assert!(
        site.read("output/parents/commenting.html")
            .contains("href=\"../online-safety/scope.html\"")
    );
    assert!(
        site.read("output/online-safety/roles.html").contains("hl-"),
        "code is highlighted"
    );
    assert!(
        !site
            .read("output/online-safety/scope.html")
            .contains("syntax.css"),
        "only pages with code load syntax.css"
    );

    for (page, html) in all_html(&out) {
        let dir = out.join(&page).parent().unwrap().to_path_buf();
        for url in urls(&html) {
            assert!(!url.starts_with('/'), "{page}: `{url}` is not relative");
            if url.starts_with("http:") || url.starts_with("https:") {
                continue;
            }
            if url.starts_with("mailto:")
                || url.starts_with("tel:")
                || url.starts_with("data:")
                || url.starts_with('#')
                || url.is_empty()
            {
                continue;
            }
            let (path, anchor) = url.split_once('#').unwrap_or((&url, ""));
            let path = path.split('?').next().unwrap();
            let target = dir.join(path);
            assert!(
                target.is_file(),
                "{page}: link `{url}` does not reach a file (links to folders fail on file://)"
            );
            if !anchor.is_empty() && path.ends_with(".html") {
                let html = std::fs::read_to_string(&target).unwrap();
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{page}: `{url}` anchor missing"
                );
            }
        }
    }
}

/// The built site is for publishing: a web server running as another user
/// must be able to read it, even though it is staged in a private temporary
/// folder.
#[cfg(unix)]
#[test]
fn the_built_site_is_readable_by_a_web_server() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = TempSite::new();
    assert!(site.run(&["build"]).status.success());
    let mode = std::fs::metadata(site.path().join("output"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
}

#[test]
fn pages_carry_version_and_review_dates() {
    let site = TempSite::new();
    assert!(site.run(&["build"]).status.success());
    // Every page of a policy: its version and both review dates.
    for page in [
        "online-safety/index.html",
        "online-safety/scope.html",
        "online-safety/print.html",
        "online-safety/versions.html",
        "course/online-safety/scope.html",
        "course/online-safety/declaration.html",
    ] {
        let html = site.read(&format!("output/{page}"));
        assert!(html.contains("Spring 2026"), "{page} shows the version");
        assert!(
            html.contains("January 2026"),
            "{page} shows the review date"
        );
        assert!(
            html.contains("January 2027"),
            "{page} shows the next review"
        );
    }
    // The home lists each policy with its version and next review; the
    // course home names each course's version.
    let home = site.read("output/index.html");
    assert!(home.contains("Spring 2026") && home.contains("January 2027"));
    assert!(
        site.read("output/course/index.html")
            .contains("Spring 2026")
    );
    // A page of no policy carries no policy's version.
    let parents = site.read("output/parents/commenting.html");
    assert!(!parents.contains("Spring 2026"), "{parents}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TempSite::new();
    assert!(site.run(&["build"]).status.success());
    let before = all_html(&site.path().join("output"));
    site.write(
        "content/online-safety/scope.md",
        "---\ntitle: Scope\nmodule: scope\n---\n[x](missing.md)\n",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("content/online-safety/scope.md:5"),
        "{}",
        text(&output)
    );
    assert_eq!(all_html(&site.path().join("output")), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".handbook-"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folders are left behind");
}

#[test]
fn never_replaces_a_folder_it_did_not_make() {
    let site = TempSite::new();
    site.write("mine/notes.txt", "precious");
    let out = site.path().join("mine");
    let output = site.run(&["build", "--out", &out.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("was not made by `handbook build`"),
        "{}",
        text(&output)
    );
    assert_eq!(site.read("mine/notes.txt"), "precious");
    let output = site.run(&["build", "--out", &site.path().to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(site.path().join("site.yaml").exists());
}

#[test]
fn private_files_are_never_copied_into_the_output() {
    let site = TempSite::new();
    site.write(
        ".handbook/master.key",
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    );
    site.write(".handbook/roster.csv", "id,name\nT1,Secret Person\n");
    assert!(site.run(&["build"]).status.success());
    for entry in walkdir::WalkDir::new(site.path().join("output"))
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy();
        assert!(
            !name.contains("master.key") && !name.contains("roster") && name != ".handbook",
            "{name} leaked"
        );
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("00112233445566778899aabbccddeeff")
                    && !text.contains("Secret Person")
            );
        }
    }
}

#[test]
fn new_makes_a_handbook_that_builds_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("policy");
    let target_str = target.to_string_lossy().into_owned();
    let output = handbook(&["new", &target_str]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let output = handbook(&["check", "--root", &target_str]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let output = handbook(&["build", "--root", &target_str]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(target.join("output/index.html").is_file());
    assert!(target.join("output/example-policy/print.html").is_file());
    // The whole product at once: the course home, its module, the
    // declaration, and the home page pointing to the course.
    // The one thing a new handbook asks for: where tokens go.
    let shown = text(&output);
    assert_eq!(shown.matches("warning").count(), 1, "{shown}");
    assert!(
        shown.contains("warning: site.yaml:6: office_email is empty"),
        "{shown}"
    );
    let module =
        std::fs::read_to_string(target.join("output/course/example-policy/essentials.html"))
            .unwrap();
    assert!(
        module.contains("Who does this policy apply to?"),
        "{module}"
    );
    assert!(module.contains("This policy applies to all staff and volunteers."));
    for page in [
        "output/course/index.html",
        "output/course/example-policy/declaration.html",
    ] {
        assert!(target.join(page).is_file(), "{page}");
    }
    let home = std::fs::read_to_string(target.join("output/index.html")).unwrap();
    assert!(home.contains("href=\"course/index.html\""), "{home}");
    let output = handbook(&["new", &target_str]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "refuses a folder that is not empty"
    );
}

#[test]
fn snapshot_of_a_rendered_page() {
    let site = TempSite::new();
    assert!(site.run(&["build"]).status.success());
    let html = site.read("output/online-safety/scope.html");
    let start = html.find("<main").expect("a main landmark");
    let end = html.find("</main>").expect("main is closed") + "</main>".len();
    insta::assert_snapshot!("scope_page_main", &html[start..end]);
}

#[test]
fn snapshot_of_the_search_index() {
    let site = TempSite::new();
    assert!(site.run(&["build"]).status.success());
    insta::assert_snapshot!("search_index", site.read("output/search-index.js"));
}
