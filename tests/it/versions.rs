//! `handbook publish`, the version history and "what changed" pages.

use crate::support::{TempSite, text};

fn publish(site: &TempSite, args: &[&str]) -> std::process::Output {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    site.run(&all)
}

fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("a main landmark");
    let end = html.find("</main>").expect("main is closed") + "</main>".len();
    html[start..end].to_string()
}

#[test]
fn publishing_records_versions_and_refuses_an_unchanged_one() {
    let site = TempSite::new();
    let output = publish(&site, &["--summary", "First version."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let versions = site.read("versions.yaml");
    assert!(versions.contains("label: Spring 2026"), "{versions}");
    assert!(versions.contains("summary: First version."), "{versions}");
    assert!(versions.contains("published: 2026-01-15"), "{versions}");
    let id = versions.split("id: ").nth(1).unwrap()[..16].to_string();
    assert_eq!(
        site.read(&format!(
            "versions/online-safety/{id}/content/online-safety/scope.md"
        )),
        site.read("content/online-safety/scope.md"),
        "the version's source is kept"
    );
    assert!(
        site.path()
            .join(format!(
                "versions/online-safety/{id}/quizzes/online-safety/roles.yaml"
            ))
            .is_file()
    );
    assert!(
        !site
            .path()
            .join(format!("versions/{id}/site.yaml"))
            .exists(),
        "only policy content is kept"
    );

    let output = publish(&site, &["--summary", "Again."]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains(&format!("already published as version {id}")),
        "{}",
        text(&output)
    );
    assert_eq!(site.read("versions.yaml"), versions, "nothing was written");

    let output = publish(&site, &["--summary", ""]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn publish_refuses_a_site_that_fails_check() {
    let site = TempSite::new();
    site.write(
        "content/online-safety/scope.md",
        "---\ntitle: Scope\nmodule: scope\n---\n[x](gone.md)\n",
    );
    let output = publish(&site, &["--summary", "Broken."]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("not published"), "{}", text(&output));
    assert!(!site.path().join("versions.yaml").exists());
}

#[test]
fn major_and_minor_versions_make_history_and_what_changed_pages() {
    let site = TempSite::new();
    assert!(
        publish(&site, &["--summary", "First version."])
            .status
            .success()
    );

    let scope = site.read("content/online-safety/scope.md").replace(
        "This policy applies to all staff.",
        "This policy applies to all staff and governors.",
    );
    site.write("content/online-safety/scope.md", &scope);
    let output = publish(
        &site,
        &[
            "--summary",
            "Governors are now in scope.",
            "--label",
            "Summer 2026",
            "--reviewed",
            "2026-06",
            "--next-review",
            "2027-06",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let config = site.read("site.yaml");
    assert!(
        config.contains("version: Summer 2026"),
        "site.yaml follows the published version:\n{config}"
    );
    assert!(
        config.contains("reviewed: 2026-06") && config.contains("next_review: 2027-06"),
        "{config}"
    );

    site.write(
        "content/online-safety/roles.md",
        &site
            .read("content/online-safety/roles.md")
            .replace("Attend training.", "Attend the training."),
    );
    let output = publish(&site, &["--summary", "Typo.", "--minor"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let versions = site.read("versions.yaml");
    assert_eq!(
        versions.matches("- policy: online-safety\n  id: ").count(),
        3
    );
    assert!(versions.contains("minor: true"));
    let ids: Vec<String> = versions
        .split("\n  id: ")
        .skip(1)
        .map(|s| s[..16].to_string())
        .collect();

    assert!(site.run(&["build"]).status.success());
    let history = site.read("output/online-safety/versions.html");
    for needle in [
        "Summer 2026",
        "Spring 2026",
        "Governors are now in scope.",
        "Typo.",
        "Minor: earlier completions still count",
        "Major: staff read it again",
    ] {
        assert!(history.contains(needle), "history shows {needle}");
    }
    let changes = site.read(&format!("output/online-safety/changes/{}.html", ids[1]));
    assert!(
        changes.contains("This policy applies to all staff<ins><span class=\"visually-hidden\"> added: </span> and governors</ins>."),
        "the changed sentence is shown with its insertion marked: {changes}"
    );
    insta::assert_snapshot!("what_changed_major", main_of(&changes));
    let minor = site.read(&format!("output/online-safety/changes/{}.html", ids[2]));
    assert!(
        minor.contains("It is a <strong>minor</strong> change"),
        "{minor}"
    );
    assert!(
        site.read("output/course/index.html")
            .contains(&format!("online-safety/changes/{}.html", ids[1])),
        "the course knows the history"
    );
    assert!(
        site.read("output/online-safety/scope.html")
            .contains("href=\"../online-safety/versions.html\""),
        "every page of the policy links its history"
    );
}

#[test]
fn unpublished_edits_show_as_a_draft() {
    let site = TempSite::new();
    assert!(
        publish(&site, &["--summary", "First version."])
            .status
            .success()
    );
    site.write(
        "content/online-safety/scope.md",
        &site.read("content/online-safety/scope.md").replace(
            "Volunteers follow it too.",
            "Volunteers and visitors follow it too.",
        ),
    );
    assert!(site.run(&["build"]).status.success());
    let history = site.read("output/online-safety/versions.html");
    assert!(history.contains("(draft, not yet published)"), "{history}");
    let changes: Vec<_> = std::fs::read_dir(site.path().join("output/online-safety/changes"))
        .unwrap()
        .collect();
    assert_eq!(changes.len(), 1);
}
