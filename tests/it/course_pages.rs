//! What the build writes for the course's module and declaration pages,
//! read as a browser without JavaScript would: the options of a question
//! are not in an order that gives the answer away, a module's parts keep
//! their own headings one level below the part's title, and the
//! declaration says how to sign on paper.

use std::path::Path;

use crate::support::{TempSite, handbook, project_root, text};

/// Builds the project's own site into `out`; panics unless it builds.
fn build_real_site(out: &Path) {
    let output = handbook(&[
        "build",
        "--root",
        &project_root().to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
}

/// The module pages of a built site (`course/<policy>/<module>.html`).
fn module_pages(out: &Path) -> Vec<std::path::PathBuf> {
    let mut pages = Vec::new();
    for policy in std::fs::read_dir(out.join("course"))
        .expect("course/")
        .flatten()
    {
        if !policy.path().is_dir() {
            continue;
        }
        for page in std::fs::read_dir(policy.path()).unwrap().flatten() {
            let path = page.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".html") && name != "declaration.html" {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The JSON of the `<script id="{id}">` of `html`.
fn script_json(html: &str, id: &str) -> serde_json::Value {
    let start = format!("id=\"{id}\">");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("#{id} in the page"))
        + start.len();
    let end = at + html[at..].find("</script>").expect("the script ends");
    serde_json::from_str(&html[at..end]).expect("#quiz-data is JSON")
}

/// For each question of a module page: (id, kind, the `correct` of each
/// option in the order the HTML lists them).
fn questions_as_written(html: &str) -> Vec<(String, String, Vec<bool>)> {
    let data = script_json(html, "quiz-data");
    let mut list = Vec::new();
    for q in data["questions"].as_array().expect("questions") {
        let id = q["id"].as_str().unwrap().to_string();
        let correct: Vec<bool> = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["correct"].as_bool().unwrap_or(false))
            .collect();
        // The HTML lists the options in the order of #quiz-data, by index.
        let marker = format!("name=\"q-{id}\" value=\"");
        let order: Vec<usize> = html
            .match_indices(&marker)
            .map(|(at, _)| {
                let rest = &html[at + marker.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(
            order,
            (0..correct.len()).collect::<Vec<_>>(),
            "question `{id}`: the page lists its options in the order of #quiz-data"
        );
        list.push((id, q["kind"].as_str().unwrap().to_string(), correct));
    }
    list
}

#[test]
fn without_javascript_the_right_option_is_not_always_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_real_site(&out);
    let pages = module_pages(&out);
    assert!(pages.len() >= 3, "the real course has modules: {pages:?}");
    let (mut first, mut total) = (0, 0);
    let mut orders = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for (id, kind, correct) in questions_as_written(&html) {
            orders.push((id.clone(), correct.clone()));
            if kind == "true_false" {
                assert_eq!(correct.len(), 2, "`{id}`: True and False");
                continue;
            }
            total += 1;
            if correct[0] {
                first += 1;
            }
        }
    }
    assert!(
        total >= 10,
        "the real quizzes have questions to check: {total}"
    );
    assert!(
        first * 100 <= total * 60,
        "the right option comes first in {first} of {total} questions (at most 60% allowed)"
    );

    // The order is the same on every build.
    let again = dir.path().join("again");
    build_real_site(&again);
    let mut orders_again = Vec::new();
    for page in module_pages(&again) {
        let html = std::fs::read_to_string(page).unwrap();
        for (id, _, correct) in questions_as_written(&html) {
            orders_again.push((id, correct));
        }
    }
    assert_eq!(orders, orders_again, "two builds write the same order");
}

#[test]
fn a_module_part_keeps_its_headings_one_level_below_its_title() {
    let site = TempSite::new();
    site.write(
        "content/online-safety/scope.md",
        "---
title: Scope
weight: 10
audience: [staff]
module: scope
---
This policy applies to all staff. {#all-staff}

## Volunteers

Volunteers follow it too. {#volunteers-too}

### Visitors

Visitors are told about it. {#visitors}
",
    );
    let output = site.run(&["build"]);
    assert!(output.status.success(), "{}", text(&output));
    let html = site.read("output/course/online-safety/scope.html");
    let levels: Vec<(char, String)> = html
        .match_indices("<h")
        .filter_map(|(at, _)| {
            let rest = &html[at + 2..];
            let level = rest.chars().next().filter(|c| ('1'..='6').contains(c))?;
            let open = rest.find('>')?;
            let close = rest.find("</h")?;
            let inner = &rest[open + 1..close];
            // The text without tags.
            let mut words = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => words.push(c),
                    _ => {}
                }
            }
            Some((level, words.trim().to_string()))
        })
        .collect();
    // The module's title and its one part's title are both "Scope".
    let position = |wanted: &str, after: usize| {
        after
            + levels[after..]
                .iter()
                .position(|(_, w)| w == wanted)
                .unwrap_or_else(|| panic!("a heading `{wanted}` in {levels:?}"))
    };
    let h1 = position("Scope", 0);
    let title = position("Scope", h1 + 1);
    let volunteers = position("Volunteers", title);
    let visitors = position("Visitors", volunteers);
    assert_eq!(levels[h1].0, '1', "the module's title: {levels:?}");
    assert_eq!(levels[title].0, '2', "the part's title: {levels:?}");
    assert_eq!(levels[volunteers].0, '3', "the part's `##`: {levels:?}");
    assert_eq!(levels[visitors].0, '4', "the part's `###`: {levels:?}");
    // The headings keep ids of their own on the module page, and the page
    // itself keeps its `##` at h2.
    assert!(
        html.contains("<h3 id=\"online-safety--scope--volunteers\""),
        "the part's heading has its prefixed id"
    );
    let own = site.read("output/online-safety/scope.html");
    assert!(own.contains("<h2 id=\"volunteers\""), "the page's own `##`");
}

#[test]
fn without_javascript_the_declaration_says_how_to_sign_on_paper() {
    let site = TempSite::new();
    let output = site.run(&["build"]);
    assert!(output.status.success(), "{}", text(&output));
    let html = site.read("output/course/online-safety/declaration.html");
    let start = html.find("<noscript>").expect("a <noscript> block");
    let end = start + html[start..].find("</noscript>").expect("it ends");
    let block = &html[start..end];
    for words in [
        "Sign on paper instead",
        "Print this page.",
        "Give it to the school office. The office records it for you.",
        "I have read and understood the Online Safety Policy (version Spring 2026)",
        "Signature",
    ] {
        assert!(
            block.contains(words),
            "the paper block says `{words}`:\n{block}"
        );
    }
    assert!(
        !block.contains("handbook record"),
        "staff are not told about commands"
    );
}
