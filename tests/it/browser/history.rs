//! The review cycle in the browser (issue 5): a temporary copy of the real
//! site is published twice with one sentence changed in between; the
//! version history lists both, the second version's "what changed" page
//! marks the changed words with `<ins>`/`<del>`, both pages pass axe, and a
//! reader whose browser holds their own progress for the first version is
//! told on the course home what changed, with a link to that page (and
//! somebody else signing in on the same browser is not).

use std::path::Path;

use serde_json::{Value, json};

use super::a11y::axe_violations;
use super::run_on;
use super::token_flow::{copy_tree, handbook_in};
use super::tools::{attr_at, text_at};
use super::{Browser, Needs};
use crate::support::project_root;

/// The sentence changed between the two versions
/// (content/social-media/scope.md).
const BEFORE: &str = "should be read alongside the Trust's Codes of Conduct";
const AFTER: &str = "must be read together with the Trust's Codes of Conduct";
/// The second version's label.
const LABEL_2: &str = "Test 2027";

/// A copy of what `handbook build` reads, without any published history,
/// output or `.handbook/`.
fn copy_site(to: &Path) {
    let root = project_root();
    for dir in ["content", "quizzes", "themes"] {
        copy_tree(&root.join(dir), &to.join(dir));
    }
    // Publishing needs somewhere for tokens to go.
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml
        .lines()
        .map(|l| {
            if l.starts_with("office_email:") {
                "office_email: office@history.example".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(to.join("site.yaml"), yaml + "\n").unwrap();
}

/// The published versions: (id, label), oldest first.
fn versions(root: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root.join("versions.yaml")).expect("versions.yaml");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).expect("versions.yaml is YAML");
    yaml["versions"]
        .as_sequence()
        .expect("a list of versions")
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The site id the course keys progress by (`#course-data`'s `site`).
fn site_id(out: &Path) -> String {
    let html = std::fs::read_to_string(out.join("course/index.html")).unwrap();
    let start = html.find("id=\"course-data\">").expect("#course-data") + 17;
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    data["site"].as_str().unwrap().to_string()
}

/// The page's words as a reader sees them (hidden helper text and removed
/// words left out), spaces collapsed and curly apostrophes made straight.
async fn visible_text(b: &Browser, without: &str) -> String {
    b.js(
        "var copy = document.querySelector('main').cloneNode(true);\
         Array.prototype.forEach.call(copy.querySelectorAll(arguments[0]),\
           function (e) { e.parentNode.removeChild(e); });\
         return copy.textContent.replace(/\\u2019/g, \"'\").replace(/\\s+/g, ' ');",
        vec![without.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The text of every element matching `css`, joined by spaces (helper
/// text for screen readers left out).
async fn texts_of(b: &Browser, css: &str) -> String {
    b.js(
        "return Array.prototype.map.call(document.querySelectorAll(arguments[0]), function (e) {\
           var c = e.cloneNode(true);\
           Array.prototype.forEach.call(c.querySelectorAll('.visually-hidden'),\
             function (h) { h.parentNode.removeChild(h); });\
           return c.textContent.trim(); }).join(' ');",
        vec![css.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Runs axe on the open page and collects what it finds under `what`.
async fn axe_into(b: &Browser, what: &str, failures: &mut Vec<String>) {
    let violations = axe_violations(b).await;
    eprintln!("axe: {what}: {} violation(s)", violations.len());
    if !violations.is_empty() {
        failures.push(format!("{what}:\n  {}", violations.join("\n  ")));
    }
}

#[test]
fn version_history_changes_page_and_returning_reader() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    copy_site(&root);

    handbook_in(
        &root,
        &["publish", "--summary", "First published version."],
        b"",
    );
    let scope = root.join("content/social-media/scope.md");
    let text = std::fs::read_to_string(&scope).unwrap();
    assert!(
        text.contains(BEFORE),
        "content/social-media/scope.md says {BEFORE:?}"
    );
    std::fs::write(&scope, text.replacen(BEFORE, AFTER, 1)).unwrap();
    handbook_in(
        &root,
        &[
            "publish",
            "--summary",
            "Scope: the policy must be read together with the Codes of Conduct.",
            "--label",
            LABEL_2,
        ],
        b"",
    );
    let published = versions(&root);
    assert_eq!(published.len(), 2, "two versions published: {published:?}");
    let (first_id, first_label) = published[0].clone();
    let (second_id, second_label) = published[1].clone();
    assert_eq!(second_label, LABEL_2);
    assert_ne!(first_id, second_id);

    let out = dir.path().join("output");
    handbook_in(&root, &["build", "--out", &out.to_string_lossy()], b"");
    let site = site_id(&out);
    let changes = format!("social-media/changes/{second_id}.html");
    assert!(out.join(&changes).is_file(), "{changes} is built");

    run_on(
        "version_history_changes_page_and_returning_reader",
        &out,
        Needs::BrowserAndAxe,
        async |b| {
            let mut failures = Vec::new();

            // The version history.
            b.open("social-media/versions.html").await;
            let history = visible_text(b, ".visually-hidden").await;
            for label in [&first_label, &second_label] {
                assert!(
                    history.contains(label.as_str()),
                    "{label:?} on social-media/versions.html: {history}"
                );
            }
            assert!(history.contains("First published version."), "{history}");
            let link = format!("a[href$=\"{changes}\"]");
            assert!(
                !b.find_all(&link).await.is_empty(),
                "social-media/versions.html links to {changes}"
            );
            axe_into(b, "social-media/versions.html", &mut failures).await;

            // The second version's changes page, from its link.
            b.click(&link).await;
            b.wait_until(
                &format!(
                    "location.pathname.endsWith('/{changes}') && document.readyState === 'complete'"
                ),
                "the changes page to open",
            )
            .await;
            let inserted = texts_of(b, "main ins").await;
            let deleted = texts_of(b, "main del").await;
            for word in ["must", "together with"] {
                assert!(
                    inserted.contains(word),
                    "{word:?} inside <ins>: {inserted:?}"
                );
            }
            for word in ["should", "alongside"] {
                assert!(deleted.contains(word), "{word:?} inside <del>: {deleted:?}");
            }
            let now = visible_text(b, ".visually-hidden, del").await;
            assert!(now.contains(AFTER), "the new sentence reads whole: {now}");
            let then = visible_text(b, ".visually-hidden, ins").await;
            assert!(
                then.contains(BEFORE),
                "the old sentence reads whole: {then}"
            );
            axe_into(b, &changes, &mut failures).await;

            // A reader with progress for the first version (progress is
            // kept per person, under a key derived from their code).
            super::quiz::sign_in_as_spec_vector(b).await;
            assert!(
                b.js(
                    "return document.getElementById('returning-notice').hidden;",
                    vec![]
                )
                .await
                    == Value::Bool(true),
                "no notice without earlier progress"
            );
            let record = json!({
                "site": site,
                "version": first_id,
                "label": first_label,
                "modules": {"scope": {"best": 100, "last": 100, "passed": true,
                                      "attempts": 1, "at": "2026-01-01T00:00:00Z"}},
                "declaration": {"at": "2026-01-02T00:00:00Z"},
            });
            let stored = b
                .js(
                    "var d = HandbookProgress.readData('course-data-social-media');\
                     d.version = arguments[0];\
                     var k = HandbookProgress.key(d);\
                     localStorage.setItem(k, arguments[1]); return k;",
                    vec![first_id.clone().into(), record.to_string().into()],
                )
                .await;
            let stored = stored.as_str().expect("a storage key").to_string();
            assert!(
                stored.starts_with(&format!("handbook:{site}/social-media:"))
                    && stored.ends_with(&first_id),
                "{stored}"
            );
            b.open("course/index.html").await;
            b.wait_visible("#returning-notice").await;
            let notice = text_at(b, "#returning-notice").await;
            assert!(
                notice.contains(&format!("version {first_label}")),
                "the notice names the old version: {notice}"
            );
            assert!(notice.contains(&second_label), "{notice}");
            let href = attr_at(b, "#returning-notice a.changes-link", "href").await;
            assert!(
                href.ends_with(&changes),
                "the notice links to the changes page: {href}"
            );
            axe_into(
                b,
                "course home with the returning-reader notice",
                &mut failures,
            )
            .await;
            // Somebody else on the same browser is not told about it.
            b.click("#identity-change").await;
            b.wait_until(
                "document.getElementById('returning-notice').hidden",
                "the notice to go when the reader signs out",
            )
            .await;
            let other = handbook::records::token::StaffKey::from_bytes([9; 16]).code("T043");
            super::quiz::sign_in(b, "T043", &other).await;
            assert_eq!(
                b.js(
                    "return document.getElementById('returning-notice').hidden;",
                    vec![]
                )
                .await,
                Value::Bool(true),
                "another person sees no returning-reader notice"
            );
            super::quiz::sign_in_as_spec_vector(b).await;
            b.wait_visible("#returning-notice").await;
            b.click("#returning-notice a.changes-link").await;
            b.wait_until(
                &format!(
                    "location.pathname.endsWith('/{changes}') && document.readyState === 'complete'"
                ),
                "the notice's link to open the changes page",
            )
            .await;
            let now = visible_text(b, ".visually-hidden, del").await;
            assert!(now.contains(AFTER), "the changed sentence: {now}");

            assert!(
                failures.is_empty(),
                "axe-core found WCAG violations:\n\n{}",
                failures.join("\n\n")
            );
        },
    );
}
