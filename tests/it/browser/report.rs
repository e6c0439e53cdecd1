//! The office's compliance report (`handbook report --html`) passes the
//! same accessibility gate as the site: axe-core, WCAG 2.0–2.2 A and AA,
//! zero violations. A temporary copy of the trust fixture (three policies)
//! with a master key, a roster of five people in two schools (one with a
//! long id and e-mail address) and two imported tokens, so the matrix
//! holds every status there is. At 320 CSS pixels wide the report does not
//! scroll sideways: only its wide tables do, each in its own focusable,
//! labelled scrolling box, and axe still finds nothing.

use handbook::records::private::load_master_key;
use handbook::records::token::{Claims, Scores, kid, sign};

use serde_json::json;

use super::a11y::{TAGS, axe_violations};
use super::run_on;
use super::small_screens::{OVERFLOW, narrow};
use super::token_flow::{copy_tree, handbook_in};
use super::tools::text_at;
use super::{Needs, SUB_PATH};
use crate::support::project_root;

const ROSTER: &str = "id,name,email,school,role,generation
T001,Ada Example,ada@school.example,Ashgrove Primary,Teacher,
T002,Ben Example,ben@school.example,Ashgrove Primary,Teaching assistant,
T003,Cat Example,,Beech Hill Primary,Volunteer,
T004,Dev Example,dev@school.example,Beech Hill Primary,Governor,
T005-SUPPLY-TEACHER-AUTUMN-TERM-2026,Evangeline Fotheringham-Worthington,evangeline.fotheringham-worthington@beech-hill-primary.school.example,Beech Hill Primary,Supply teacher,
";

/// The module ids of `policy`'s course: its quiz files' names.
pub(super) fn modules(root: &std::path::Path, policy: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root.join("quizzes").join(policy))
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            if path.extension()? != "yaml" {
                return None;
            }
            Some(path.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    ids.sort();
    assert!(!ids.is_empty(), "{policy} has quizzes");
    ids
}

/// A compliance report made from the trust fixture: the temporary folder
/// (kept as long as it is) and the folder served, holding `report.html`.
fn generated_report() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    copy_tree(&project_root().join("tests/fixtures/trust"), &root);
    handbook_in(&root, &["keys", "init"], b"");
    std::fs::write(root.join(".handbook/roster.csv"), ROSTER).unwrap();
    let master = load_master_key(&root).expect("the master key");
    let token = |sub: &str, policy: &str| {
        let claims = Claims {
            iss: format!("oak-trust/{policy}"),
            sub: sub.to_string(),
            iat: chrono::Utc::now().timestamp() - 3600,
            pv: handbook::versions::policy_version_id(&root, policy).unwrap(),
            // Every module of the course (one quiz file each), all passed.
            mods: Scores(
                modules(&root, policy)
                    .into_iter()
                    .map(|m| (m, 100))
                    .collect(),
            ),
            decl: true,
        };
        sign(
            &master.staff_key(sub, 1).signing_key(),
            &kid(sub, 1),
            &claims,
        )
    };
    let tokens = format!(
        "{}\n{}\n",
        token("T001", "behaviour"),
        token("T002", "safeguarding")
    );
    let imported = handbook_in(&root, &["import", "-"], tokens.as_bytes());
    let said = crate::support::text(&imported);
    assert!(said.contains("2 new"), "{said}");

    let served = dir.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let report = served.join("report.html");
    handbook_in(&root, &["report", "--html", &report.to_string_lossy()], b"");
    assert!(report.is_file(), "the report was written");
    (dir, served)
}

#[test]
fn compliance_report_html_has_zero_axe_violations() {
    let (_dir, served) = generated_report();
    run_on(
        "compliance_report_html_has_zero_axe_violations",
        &served,
        Needs::BrowserAndAxe,
        async |b| {
            b.open("report.html").await;
            assert!(b.base.ends_with(SUB_PATH));
            let text = text_at(b, "body").await;
            for name in [
                "Ada Example",
                "Ben Example",
                "Cat Example",
                "Dev Example",
                "Ashgrove Primary",
                "Beech Hill Primary",
                "Behaviour Policy",
                "Safeguarding Policy",
                "Accessibility Plan",
                "Complete",
                "Due",
                "Not required",
            ] {
                assert!(text.contains(name), "{name:?} in the report");
            }
            let violations = axe_violations(b).await;
            assert!(
                violations.is_empty(),
                "axe-core ({}) found WCAG violations in report.html:\n  {}",
                TAGS.join(", "),
                violations.join("\n  ")
            );
        },
    );
}

#[test]
fn compliance_report_does_not_scroll_sideways_at_320_pixels() {
    let (_dir, served) = generated_report();
    run_on(
        "compliance_report_does_not_scroll_sideways_at_320_pixels",
        &served,
        Needs::BrowserAndAxe,
        async |b| {
            narrow(b).await;
            b.open("report.html").await;
            let found = b.js(OVERFLOW, vec![]).await;
            assert_eq!(found["width"], json!(320), "the window is 320px wide");
            let problems = found["problems"].as_array().expect("a list");
            assert!(
                problems.is_empty(),
                "at 320px wide the report scrolls sideways: {problems:?}"
            );
            // Every table sits in its own scrolling box, which the keyboard
            // can reach and a screen reader names; at least the matrix
            // needs to scroll, and can.
            let boxes = b
                .js(
                    "return Array.prototype.map.call(document.querySelectorAll('table'), \
                     function (t) { var box = t.parentElement; \
                       return {box: box.className, role: box.getAttribute('role'), \
                         label: box.getAttribute('aria-label') || '', \
                         tabindex: box.getAttribute('tabindex'), \
                         scrolls: box.scrollWidth > box.clientWidth, \
                         overflow: getComputedStyle(box).overflowX}; });",
                    vec![],
                )
                .await;
            let boxes = boxes.as_array().expect("a list");
            assert!(boxes.len() >= 5, "the report's tables: {boxes:?}");
            for t in boxes {
                assert_eq!(t["box"], json!("wide"), "{t}");
                assert_eq!(t["role"], json!("region"), "{t}");
                assert_eq!(t["tabindex"], json!("0"), "{t}");
                assert_eq!(t["overflow"], json!("auto"), "{t}");
                assert!(!t["label"].as_str().unwrap_or_default().is_empty(), "{t}");
            }
            assert!(
                boxes.iter().any(|t| t["scrolls"] == json!(true)),
                "a wide table scrolls in its box: {boxes:?}"
            );
            let violations = axe_violations(b).await;
            assert!(
                violations.is_empty(),
                "axe-core ({}) found WCAG violations in report.html at 320px:\n  {}",
                TAGS.join(", "),
                violations.join("\n  ")
            );
        },
    );
}
