//! The evidence summary (`handbook report --summary`) and the report page
//! printed by Chromium: for two schools of 70 staff each (long names, most
//! still outstanding) the summary prints on A4 in at most two pages per
//! school, makes no request, and passes axe-core; and the report page,
//! laid out for print at the width of A4 landscape, has no table running
//! off the page's right edge, and passes axe-core too.

use fantoccini::wd::{PrintMargins, PrintOrientation};
use handbook::records::private::load_master_key;
use handbook::records::token::{Claims, Scores, kid, sign};
use serde_json::json;

use super::pdf::{pages as pdf_pages, print_a4};
use super::small_screens::Cdp;

use super::a11y::{TAGS, axe_violations};
use super::report::modules;
use super::run_on;
use super::token_flow::{copy_tree, handbook_in};
use super::{Browser, Needs};
use crate::support::project_root;

const FIRST: &[&str] = &[
    "Alexandra",
    "Benedict",
    "Charlotte",
    "Dominic",
    "Eleanor",
    "Frederick",
    "Georgina",
    "Harrison",
    "Imogen",
    "Jonathan",
];

const LAST: &[&str] = &[
    "Whitfield-Thompson",
    "Okonkwo-Adeyemi",
    "Fitzgerald",
    "Abernethy",
    "Montgomery-Clarke",
    "Oyelaran",
    "Wojciechowski",
];

/// The margins the summary is printed with, in centimetres.
const MARGINS: PrintMargins = PrintMargins {
    top: 1.2,
    bottom: 1.4,
    left: 1.2,
    right: 1.2,
};

const ROLES: &[&str] = &["Teacher", "Teaching assistant", "Volunteer", "Governor"];

/// Two schools of 70: 10 × 7 names each, roles in turn.
fn roster() -> String {
    let mut out = String::from("id,name,email,school,role\n");
    for (s, school) in ["Ashgrove Primary", "Beech Hill Primary"]
        .iter()
        .enumerate()
    {
        let mut n = 0;
        for first in FIRST {
            for last in LAST {
                n += 1;
                let id = format!("S{s}{n:03}");
                let email = format!(
                    "{}.{}@{}.example.org",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    school.to_lowercase().replace(' ', "-")
                );
                let role = ROLES[n % ROLES.len()];
                out.push_str(&format!("{id},{first} {last},{email},{school},{role}\n"));
            }
        }
    }
    out
}

async fn no_requests_and_no_axe_violations(b: &Browser, page: &str) {
    let loaded = b
        .js(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; });",
            vec![],
        )
        .await;
    assert_eq!(loaded, json!([]), "{page} loads nothing");
    let violations = axe_violations(b).await;
    assert!(
        violations.is_empty(),
        "axe-core ({}) found WCAG violations in {page}:\n  {}",
        TAGS.join(", "),
        violations.join("\n  ")
    );
}

#[test]
fn evidence_summary_of_two_schools_of_70_prints_on_four_a4_pages() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    copy_tree(&project_root().join("tests/fixtures/trust"), &root);
    handbook_in(&root, &["keys", "init"], b"");
    for policy in ["behaviour", "safeguarding", "accessibility"] {
        let out = handbook_in(
            &root,
            &[
                "publish",
                policy,
                "--summary",
                "First.",
                "--label",
                "January 2026",
            ],
            b"",
        );
        assert!(out.status.success(), "{}", crate::support::text(&out));
    }
    std::fs::write(root.join(".handbook/roster.csv"), roster()).unwrap();
    let master = load_master_key(&root).expect("the master key");
    // Every fifth person has completed the behaviour policy.
    let pv = handbook::versions::policy_version_id(&root, "behaviour").unwrap();
    let mods = Scores(
        modules(&root, "behaviour")
            .into_iter()
            .map(|m| (m, 100))
            .collect(),
    );
    let mut tokens = String::new();
    for line in roster().lines().skip(1).step_by(5) {
        let sub = line.split(',').next().unwrap();
        let claims = Claims {
            iss: "oak-trust/behaviour".to_string(),
            sub: sub.to_string(),
            iat: chrono::Utc::now().timestamp() - 3600,
            pv: pv.clone(),
            mods: mods.clone(),
            decl: true,
        };
        let token = sign(
            &master.staff_key(sub, 1).signing_key(),
            &kid(sub, 1),
            &claims,
        );
        tokens.push_str(&token);
        tokens.push('\n');
    }
    let imported = handbook_in(&root, &["import", "-"], tokens.as_bytes());
    assert!(
        crate::support::text(&imported).contains("28 new"),
        "{}",
        crate::support::text(&imported)
    );
    let served = dir.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let (summary, report) = (served.join("summary.html"), served.join("report.html"));
    let out = handbook_in(
        &root,
        &[
            "report",
            "--summary",
            &summary.to_string_lossy(),
            "--html",
            &report.to_string_lossy(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", crate::support::text(&out));

    run_on(
        "evidence_summary_of_two_schools_of_70_prints_on_four_a4_pages",
        &served,
        Needs::BrowserAndAxe,
        async |b| {
            b.open("summary.html").await;
            let text = super::tools::text_at(b, "body").await;
            for expected in [
                "Ashgrove Primary",
                "Beech Hill Primary",
                "January 2026",
                "20% (14 of 70)",
                "Prepared by",
                "Signature",
                "Alexandra Okonkwo-Adeyemi",
            ] {
                assert!(text.contains(expected), "{expected:?} in the summary");
            }
            no_requests_and_no_axe_violations(b, "summary.html").await;
            let pdf = print_a4(b, PrintOrientation::Portrait, Some(MARGINS)).await;
            let pages = pdf_pages(&pdf);
            eprintln!("the evidence summary printed on {pages} A4 pages");
            assert!(
                (2..=4).contains(&pages),
                "the summary of two schools of 70 prints on {pages} A4 pages (at most 2 each)"
            );

            b.open("report.html").await;
            no_requests_and_no_axe_violations(b, "report.html").await;
            // Laid out for print, A4 landscape's width (273 mm inside its
            // margins is about 1030 CSS pixels): nothing runs off the edge.
            b.client
                .issue_cmd(Cdp("Emulation.setEmulatedMedia", json!({"media": "print"})))
                .await
                .expect("print media");
            b.client
                .set_window_size(1000, 900)
                .await
                .expect("a window of A4 landscape's width");
            let cut = b
                .js(
                    "var w = document.documentElement.clientWidth, cut = [];\
                     document.querySelectorAll('table').forEach(function (t) {\
                       var r = t.getBoundingClientRect();\
                       if (r.right > w + 1) cut.push(t.caption.textContent + ': ' +\
                         Math.round(r.right) + ' > ' + w); });\
                     if (document.documentElement.scrollWidth > w + 1)\
                       cut.push('the page: ' + document.documentElement.scrollWidth + ' > ' + w);\
                     return [w, cut];",
                    vec![],
                )
                .await;
            let width = cut[0].as_f64().unwrap();
            assert!(width <= 1032.0 && width > 600.0, "laid out {width}px wide");
            assert_eq!(cut[1], json!([]), "cut off at the right edge when printed");
            let pdf = print_a4(b, PrintOrientation::Landscape, Some(MARGINS)).await;
            assert!(pdf_pages(&pdf) >= 2);
        },
    );
}
