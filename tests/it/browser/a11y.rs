//! The accessibility gate: axe-core on every kind of page (see
//! `pages::PAGES`) against WCAG 2.0, 2.1 and 2.2 A and AA, and on the pages
//! of a second school's policy with a table, footnotes, code and nested
//! folders (`pages::SECOND_POLICY_PAGES`), and on a trust of three
//! schools with their people (`pages::THREE_SCHOOLS_PAGES`, and its "Who
//! do I tell?" answer naming them). Zero violations.

use serde_json::Value;

use super::pages::{PAGES, Page, SECOND_POLICY_PAGES, THREE_SCHOOLS_PAGES, visit};
use super::{Browser, Needs, run, run_on};
use crate::support::build_fixture;

/// The WCAG rule sets the gate runs.
pub const TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Runs axe on the open page; returns a readable line per violation.
pub async fn axe_violations(b: &Browser) -> Vec<String> {
    let loaded = b
        .js(
            &format!(
                "{}\n;return typeof window.axe === 'object' && typeof window.axe.run === 'function';",
                b.axe_source()
            ),
            vec![],
        )
        .await;
    assert_eq!(loaded, Value::Bool(true), "axe-core loaded into the page");
    let tags = serde_json::to_value(TAGS).unwrap();
    let report = b
        .client
        .execute_async(
            "var tags = arguments[0]; var done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})\
               .then(function (r) {\
                 done({violations: r.violations.map(function (v) {\
                   return {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,\
                     nodes: v.nodes.map(function (n) {\
                       return {target: JSON.stringify(n.target), html: n.html,\
                               summary: n.failureSummary}; })}; })});\
               }, function (e) { done({error: String(e && e.stack || e)}); });",
            vec![tags],
        )
        .await
        .unwrap_or_else(|err| panic!("running axe: {err}"));
    if let Some(error) = report.get("error") {
        panic!("axe failed to run: {error}");
    }
    let mut lines = Vec::new();
    for v in report["violations"]
        .as_array()
        .expect("a list of violations")
    {
        let mut line = format!(
            "[{}] {} ({}): {}\n    {}",
            v["impact"].as_str().unwrap_or("?"),
            v["id"].as_str().unwrap_or("?"),
            v["nodes"].as_array().map_or(0, |n| n.len()),
            v["help"].as_str().unwrap_or(""),
            v["helpUrl"].as_str().unwrap_or(""),
        );
        for node in v["nodes"].as_array().into_iter().flatten().take(10) {
            let html: String = node["html"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(300)
                .collect();
            line.push_str(&format!(
                "\n    - {}\n      {}\n      {}",
                node["target"].as_str().unwrap_or("?"),
                html,
                node["summary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', "\n      "),
            ));
        }
        lines.push(line);
    }
    lines
}

/// Visits each page, runs axe on it and fails with every violation found.
async fn gate(b: &Browser, pages: &[Page]) {
    let mut failures = Vec::new();
    for page in pages {
        visit(b, page).await;
        let violations = axe_violations(b).await;
        eprintln!(
            "axe: {} ({}): {} violation(s)",
            page.kind,
            page.path,
            violations.len()
        );
        if !violations.is_empty() {
            failures.push(format!(
                "{} ({}):\n  {}",
                page.kind,
                page.path,
                violations.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "axe-core ({}) found WCAG violations:\n\n{}",
        TAGS.join(", "),
        failures.join("\n\n")
    );
}

#[test]
fn every_page_type_has_zero_axe_violations() {
    run(
        "every_page_type_has_zero_axe_violations",
        Needs::BrowserAndAxe,
        async |b| gate(b, PAGES).await,
    );
}

#[test]
fn a_second_policy_with_tables_footnotes_and_code_has_zero_axe_violations() {
    let (_dir, out) = build_fixture("second-policy");
    run_on(
        "a_second_policy_with_tables_footnotes_and_code_has_zero_axe_violations",
        &out,
        Needs::BrowserAndAxe,
        async |b| {
            // The page holds what it is chosen for.
            b.open("acceptable-use/devices/staff.html").await;
            for css in ["main table", "main section.footnotes", "main pre code"] {
                b.find(css).await;
            }
            // The 404 page, three folders deep, is styled from inside itself.
            b.open("acceptable-use/devices/laptops/no-such-page.html")
                .await;
            let background = b
                .js(
                    "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
                    vec![],
                )
                .await;
            assert_ne!(
                background,
                serde_json::json!("rgba(0, 0, 0, 0)"),
                "the 404 page at a deep address has its style"
            );
            gate(b, SECOND_POLICY_PAGES).await;
        },
    );
}

#[test]
fn three_schools_contacts_and_urgent_help_have_zero_axe_violations() {
    let (_dir, out) = build_fixture("three-schools");
    run_on(
        "three_schools_contacts_and_urgent_help_have_zero_axe_violations",
        &out,
        Needs::BrowserAndAxe,
        async |b| {
            gate(b, THREE_SCHOOLS_PAGES).await;
            // The script's answer shows each school's person too.
            b.open("tools/who-do-i-tell.html").await;
            b.wait_visible("#tree-app").await;
            b.click("#tree-app button[data-next=\"pupil\"]").await;
            let answer = b.wait_visible("#tree-answer").await;
            let said = answer.text().await.unwrap_or_default();
            for (school, dsl) in [
                ("Ashby Primary", "Ms Priya Shah"),
                ("Brook Lane Primary", "Mr Daniel Okafor"),
                ("Castle Hill Infants", "Mrs Laura Byrne"),
            ] {
                assert!(said.contains(&format!("{school}: {dsl}")), "{said}");
            }
            let violations = axe_violations(b).await;
            assert!(
                violations.is_empty(),
                "\"Who do I tell?\" answer naming each school's DSL:\n  {}",
                violations.join("\n  ")
            );
        },
    );
}
