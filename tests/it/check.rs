//! `handbook check` and `build` on invalid sites: every fixture under
//! tests/fixtures/invalid is laid over the small valid site, and must fail
//! with exit code 1 and the file, line and message in `expected`.

use std::path::Path;

use crate::support::{TempSite, handbook, project_root, text};

fn overlay(site: &TempSite, fixture: &Path, base: &Path) {
    for entry in walkdir::WalkDir::new(fixture) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.file_name() != "expected" {
            // Copied as bytes: some fixtures are deliberately not UTF-8.
            let rel = entry.path().strip_prefix(base).unwrap();
            let dest = site.path().join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn every_invalid_fixture_fails_with_file_and_line() {
    let fixtures = project_root().join("tests/fixtures/invalid");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "fixtures are present");
    let mut failures = Vec::new();
    for fixture in names {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(fixture.join("expected")).unwrap();
        let site = TempSite::new();
        overlay(&site, &fixture, &fixture);
        for command in [vec!["check"], vec!["build"]] {
            let output = site.run(&command);
            let shown = text(&output);
            if output.status.code() != Some(1) {
                failures.push(format!("{name}: `{command:?}` should exit 1\n{shown}"));
                continue;
            }
            for line in expected.lines().filter(|l| !l.is_empty()) {
                if !shown.contains(line) {
                    failures.push(format!(
                        "{name}: `{command:?}` should say\n  {line}\nbut said\n{shown}"
                    ));
                }
            }
            assert!(!shown.contains("panicked"), "{name}: {shown}");
        }
        assert!(
            !site.path().join("output").exists(),
            "{name}: a failed build writes no output"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn check_passes_on_the_small_site_and_lists_all_errors() {
    let site = TempSite::new();
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(!text(&output).contains("warning"), "{}", text(&output));

    // Links: every broken one is listed.
    site.write(
        "content/parents/commenting.md",
        "---\ntitle: C\n---\n[a](nope.md) and [b](../online-safety/scope.md#nope)\n",
    );
    let output = site.run(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        shown.contains("content/parents/commenting.md:4: the link `nope.md`"),
        "{shown}"
    );
    assert!(
        shown
            .contains("content/parents/commenting.md:4: the link `../online-safety/scope.md#nope`"),
        "{shown}"
    );
    assert!(shown.contains("2 errors"), "{shown}");

    // Loading: every broken file is listed, and site.yaml's problems too.
    site.write(
        "content/online-safety/roles.md",
        "---\ntitle: R\nmodule: roles\ncolour: red\n---\n",
    );
    site.write("content/online-safety/scope.md", "no front matter\n");
    let config = site
        .read("site.yaml")
        .replace("theme: default", "theme: default\nfont: Comic Sans");
    site.write("site.yaml", &config);
    let output = site.run(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        shown.contains("content/online-safety/roles.md:4: unknown field `colour`"),
        "{shown}"
    );
    assert!(
        shown.contains("content/online-safety/scope.md:1: couldn't find front matter"),
        "{shown}"
    );
    assert!(
        shown.contains("site.yaml:7: unknown field `font`"),
        "{shown}"
    );
}

#[test]
fn review_date_warns_and_strict_fails() {
    let site = TempSite::new();
    let config = site
        .read("site.yaml")
        .replace("next_review: 2027-01", "next_review: 2026-02");
    site.write("site.yaml", &config);
    let output = site.run(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(
            "warning: site.yaml:16: Online Safety Policy: the next review is due February 2026 \
             (2026-02), in 17 days"
        ),
        "{shown}"
    );

    let output = site.run(&["check", "--strict"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("error: site.yaml:16"),
        "{}",
        text(&output)
    );

    site.write(
        "site.yaml",
        &config
            .replace("reviewed: 2026-01", "reviewed: 2024-01")
            .replace("next_review: 2026-02", "next_review: 2025-12"),
    );
    let shown = text(&site.run(&["check"]));
    assert!(
        shown.contains("review was due December 2025 (2025-12), 45 days ago"),
        "{shown}"
    );
}

#[test]
fn missing_site_yaml_is_explained() {
    let site = TempSite::empty();
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("no site.yaml in this folder"),
        "{}",
        text(&output)
    );
}

#[test]
fn the_real_handbook_checks_clean() {
    let root = project_root();
    let output = handbook(&["check", "--root", &root.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// What Windows Notepad writes at the start of a file it saves as UTF-8.
const BOM: &[u8] = b"\xef\xbb\xbf";

#[test]
fn files_that_start_with_a_byte_order_mark_are_accepted() {
    let fixture = project_root().join("tests/fixtures/bom-accepted");
    let site = TempSite::new();
    overlay(&site, &fixture, &fixture);
    // site.yaml, a page's front matter, a quiz and a tool file.
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(bytes.starts_with(BOM), "{}", entry.path().display());
            files += 1;
        }
    }
    assert_eq!(files, 5);
    let output = site.run(&["publish", "--summary", "First version."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    // And versions.yaml, as publishing wrote it, saved again by Notepad.
    let versions = site.path().join("versions.yaml");
    let written = std::fs::read(&versions).unwrap();
    assert!(!written.starts_with(BOM));
    std::fs::write(&versions, [BOM, &written].concat()).unwrap();

    for command in [vec!["check"], vec!["build"]] {
        let output = site.run(&command);
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(0), "{command:?}\n{shown}");
        assert!(!shown.contains("warning"), "{command:?}\n{shown}");
    }
    let scope = site.read("output/online-safety/scope.html");
    assert!(scope.contains("<title>Scope"), "the front matter is read");
    assert!(scope.contains("<p id=\"all-staff\">This policy applies to all staff.</p>"));
    let checklist = site.read("output/online-safety/checklist.html");
    assert!(
        checklist.contains("Read the scope page."),
        "the tool is shown"
    );
    let module = site.read("output/course/online-safety/scope.html");
    assert!(
        module.contains("Who does the policy apply to?"),
        "the quiz is read"
    );
    assert!(
        site.read("output/online-safety/versions.html")
            .contains("First version.")
    );
    for entry in walkdir::WalkDir::new(site.path().join("output")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read(entry.path()).unwrap();
            assert!(
                !html.windows(3).any(|w| w == BOM),
                "no mark is copied into {}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_quiz_weight_that_disagrees_with_the_pages_is_a_warning() {
    let site = TempSite::new();
    // scope.md (weight 10) comes before roles.md (20), so the course is
    // scope, roles, whatever the quizzes' weights say.
    let scope = site
        .read("quizzes/online-safety/scope.yaml")
        .replace("weight: 10", "weight: 99");
    site.write("quizzes/online-safety/scope.yaml", &scope);
    let output = site.run(&["check"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(
            "quizzes/online-safety/roles.yaml:3: `weight: 20` would put module `roles` before `scope` (weight 99)"
        ),
        "{shown}"
    );
    assert!(shown.contains("remove `weight:`"), "{shown}");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let course = site.read("output/course/index.html");
    let at = |m: &str| {
        course
            .find(&format!("href=\"../course/online-safety/{m}.html\""))
            .unwrap()
    };
    assert!(at("scope") < at("roles"), "the course follows the pages");
}

#[test]
fn an_empty_office_email_is_warned_of_and_stops_publishing() {
    let site = TempSite::new();
    let yaml = std::fs::read_to_string(site.path().join("site.yaml"))
        .unwrap()
        .replace("office_email: office@example.org", "office_email: \"\"");
    site.write("site.yaml", &yaml);
    let line = yaml
        .lines()
        .position(|l| l.starts_with("office_email:"))
        .unwrap()
        + 1;
    let check = site.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let said = text(&check);
    assert!(
        said.contains(&format!("warning: site.yaml:{line}: office_email is empty")),
        "{said}"
    );
    let publish = site.run(&["publish", "--summary", "First."]);
    assert_eq!(publish.status.code(), Some(1), "{}", text(&publish));
    assert!(
        text(&publish).contains("not published: office_email is empty"),
        "{}",
        text(&publish)
    );
    assert!(!site.path().join("versions.yaml").exists());
}
