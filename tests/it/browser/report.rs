//! The office's compliance report (`handbook report --html`) passes the
//! same accessibility gate as the site: axe-core, WCAG 2.0–2.2 A and AA,
//! zero violations. A temporary copy of the real site with a master key, a
//! roster of three people in two schools and one imported token.

use handbook::records::private::load_master_key;
use handbook::records::token::{Claims, Scores, kid, sign};

use super::a11y::{TAGS, axe_violations};
use super::run_on;
use super::token_flow::{copy_tree, handbook_in};
use super::tools::text_at;
use super::{Needs, SUB_PATH};
use crate::support::project_root;

const ROSTER: &str = "id,name,email,school,role,generation
T001,Ada Example,ada@school.example,Hill School,Teacher,
T002,Ben Example,ben@school.example,Hill School,Teaching assistant,
T003,Cat Example,,Dale School,Volunteer,
";

/// The course's module ids: the quiz files' names.
fn modules(root: &std::path::Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root.join("quizzes"))
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
    assert!(!ids.is_empty(), "the site has quizzes");
    ids
}

#[test]
fn compliance_report_html_has_zero_axe_violations() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let real = project_root();
    for sub in ["content", "quizzes", "themes", "versions"] {
        if real.join(sub).is_dir() {
            copy_tree(&real.join(sub), &root.join(sub));
        }
    }
    if real.join("versions.yaml").is_file() {
        std::fs::copy(real.join("versions.yaml"), root.join("versions.yaml")).unwrap();
    }
    let yaml = std::fs::read_to_string(real.join("site.yaml")).unwrap();
    let site_id = yaml
        .lines()
        .find_map(|l| l.strip_prefix("id:"))
        .expect("site.yaml has an id")
        .trim()
        .to_string();
    std::fs::write(root.join("site.yaml"), yaml).unwrap();

    handbook_in(&root, &["keys", "init"], b"");
    std::fs::write(root.join(".handbook/roster.csv"), ROSTER).unwrap();
    let master = load_master_key(&root).expect("the master key");
    let claims = Claims {
        iss: site_id,
        sub: "T001".to_string(),
        iat: chrono::Utc::now().timestamp() - 3600,
        pv: handbook::versions::policy_version_id(&root, "social-media").unwrap(),
        // Every module of the course (one quiz file each), all passed.
        mods: Scores(modules(&root).into_iter().map(|m| (m, 100)).collect()),
        decl: true,
    };
    let token = sign(
        &master.staff_key("T001", 1).signing_key(),
        &kid("T001", 1),
        &claims,
    );
    let imported = handbook_in(&root, &["import", "-"], format!("{token}\n").as_bytes());
    let said = crate::support::text(&imported);
    assert!(said.contains("1 new"), "{said}");

    let served = dir.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let report = served.join("report.html");
    handbook_in(
        &root,
        &[
            "report",
            "--roster",
            ".handbook/roster.csv",
            "--html",
            &report.to_string_lossy(),
        ],
        b"",
    );
    assert!(report.is_file(), "the report was written");

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
                "Hill School",
                "Dale School",
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
