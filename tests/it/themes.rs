//! Themes layer file by file: a site's `templates/`, `static/` and
//! `themes/default/` replace only the built-in files they have, `build`
//! names the files that came from the site, and a theme that is not built
//! in is used whole.

use std::path::Path;

use crate::support::{TempSite, project_root, text};

/// A file of the built-in theme, from the source the binary embeds.
fn built_in(rel: &str) -> Vec<u8> {
    std::fs::read(project_root().join("themes/default").join(rel)).unwrap()
}

fn built_in_text(rel: &str) -> String {
    String::from_utf8(built_in(rel)).unwrap()
}

/// The line `build` prints about the site's own theme files, if any.
fn own_line(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .find(|line| line.starts_with("Using the site's own"))
}

#[test]
fn a_site_overrides_one_template_and_one_css_file_and_gets_the_rest_built_in() {
    let site = TempSite::new();
    let page = built_in_text("templates/page.html").replace(
        "{% block content %}",
        "{% block content %}<p id=\"site-page-template\">ours</p>",
    );
    assert!(page.contains("site-page-template"), "the marker is placed");
    site.write("templates/page.html", &page);
    site.write("static/style.css", "body { color: rebeccapurple; }\n");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        own_line(&stdout),
        Some("Using the site's own: templates/page.html, static/style.css"),
        "{stdout}"
    );

    // The overridden files are the site's ...
    assert!(
        site.read("output/online-safety/scope.html")
            .contains("site-page-template")
    );
    assert_eq!(
        site.read("output/style.css"),
        "body { color: rebeccapurple; }\n"
    );
    // ... and everything else is the built-in theme's.
    let home = site.read("output/index.html");
    assert!(!home.contains("site-page-template"));
    assert!(home.contains("id=\"contents\""), "index.html is built in");
    assert!(
        site.read("output/course/online-safety/scope.html")
            .contains("id=\"quiz\"")
    );
    for file in ["search.js", "course.css", "quiz.js", "tools.css"] {
        assert_eq!(
            std::fs::read(site.path().join("output").join(file)).unwrap(),
            built_in(&format!("static/{file}")),
            "{file} is the built-in one"
        );
    }
}

#[test]
fn an_old_copy_of_the_theme_replaces_only_the_files_it_has() {
    let site = TempSite::new();
    // An older theme folder that has only a base.html of its own.
    let base = built_in_text("templates/base.html").replace(
        "<a class=\"skip-link\"",
        "<p id=\"old-base\">old</p><a class=\"skip-link\"",
    );
    assert!(base.contains("old-base"), "the marker is placed");
    site.write("themes/default/templates/base.html", &base);
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        own_line(&stdout),
        Some("Using the site's own: themes/default/templates/base.html"),
        "{stdout}"
    );
    for page in [
        "index.html",
        "online-safety/scope.html",
        "course/index.html",
        "search.html",
    ] {
        assert!(
            site.read(&format!("output/{page}")).contains("old-base"),
            "{page}"
        );
    }
    // The templates and scripts it lacks still come from the built-in theme.
    assert!(
        site.path()
            .join("output/course/online-safety/declaration.html")
            .is_file()
    );
    assert_eq!(
        std::fs::read(site.path().join("output/style.css")).unwrap(),
        built_in("static/style.css")
    );
}

#[test]
fn an_exact_copy_of_the_built_in_theme_is_not_reported() {
    let site = TempSite::new();
    copy_dir(
        &project_root().join("themes/default"),
        &site.path().join("themes/default"),
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(own_line(&stdout), None, "{stdout}");
}

#[test]
fn a_theme_that_is_not_built_in_is_used_whole() {
    let site = TempSite::new();
    site.write(
        "site.yaml",
        &site
            .read("site.yaml")
            .replace("theme: default", "theme: plain"),
    );
    for template in [
        "index.html",
        "page.html",
        "section.html",
        "print.html",
        "search.html",
        "404.html",
        "course.html",
        "module.html",
        "declaration.html",
    ] {
        site.write(
            &format!("themes/plain/templates/{template}"),
            "<title>{{ page.title }}</title>plain\n",
        );
    }
    site.write("themes/plain/static/plain.css", "p {}\n");
    site.write("templates/404.html", "ours\n");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Using the site's own theme: themes/plain/\n"),
        "{stdout}"
    );
    assert_eq!(
        own_line(&stdout.replace("Using the site's own theme: themes/plain/\n", "")),
        Some("Using the site's own: templates/404.html"),
        "{stdout}"
    );
    assert_eq!(
        site.read("output/online-safety/scope.html"),
        "<title>Scope</title>plain\n"
    );
    assert_eq!(site.read("output/404.html"), "ours\n");
    assert_eq!(site.read("output/plain.css"), "p {}\n");
    // Nothing of the built-in theme is mixed in.
    assert!(!site.path().join("output/style.css").exists());
    assert!(
        !site
            .path()
            .join("output/online-safety/versions.html")
            .exists()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
