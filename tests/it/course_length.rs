//! The Social Media course is of honest length: measured from the built
//! site as a careful reader meets it — the policy text of each module page,
//! every question's prompt and options (HTML) and its feedback (the quiz
//! JSON), at 200 words a minute, plus 15 seconds a question — it takes at
//! most 25 minutes, and the course home and the module pages show that
//! time.

use std::path::Path;

use crate::support::{handbook, project_root, text};

const POLICY: &str = "social-media";

/// Plain text of an HTML fragment: tags dropped, entities decoded.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Every `open … close` stretch of `html` that starts with `open`.
fn blocks<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        let from = &rest[start..];
        let end = from[open.len()..]
            .find(close)
            .unwrap_or_else(|| panic!("{open} is closed by {close}"))
            + open.len();
        out.push(&from[..end]);
        rest = &from[end..];
    }
    out
}

/// The text content of the one element opened by `open`.
fn element_text(html: &str, open: &str, close: &str) -> String {
    let found = blocks(html, open, close);
    assert_eq!(found.len(), 1, "one {open} in the page");
    let inner = &found[0][found[0].find('>').expect("a tag") + 1..];
    plain(inner)
}

/// The whole numbers in `text`.
fn numbers(text: &str) -> Vec<usize> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// What one module page asks of its reader: (words, questions).
fn measure_module(html: &str) -> (usize, usize) {
    // The policy text: each part, its title and its text.
    let parts = blocks(html, "<section class=\"module-part\"", "</section>");
    assert!(!parts.is_empty(), "the module shows its policy parts");
    let policy: usize = parts.iter().map(|p| words(&plain(p))).sum();
    // The questions: the prompt (without its "Question n" number) and the
    // options' labels.
    let form = blocks(html, "<form id=\"quiz\"", "</form>");
    assert_eq!(form.len(), 1, "one quiz form");
    let legends = blocks(form[0], "<legend>", "</legend>");
    let prompts: usize = legends
        .iter()
        .map(|l| {
            let number = blocks(l, "<span class=\"question-number\">", "</span>");
            words(&plain(l)) - number.iter().map(|n| words(&plain(n))).sum::<usize>()
        })
        .sum();
    let options: usize = blocks(form[0], "<label for=\"q-", "</label>")
        .iter()
        .map(|l| words(&plain(l)))
        .sum();
    // The feedback, shown after answering: the quiz data.
    let json = element_text(
        html,
        "<script type=\"application/json\" id=\"quiz-data\"",
        "</script>",
    );
    let data: serde_json::Value = serde_json::from_str(&json).expect("quiz data is JSON");
    let questions = data["questions"].as_array().expect("questions");
    assert_eq!(
        questions.len(),
        legends.len(),
        "the JSON holds the page's questions"
    );
    for q in questions {
        assert!(
            q["policy_url"].as_str().is_some_and(|u| u.contains('#')),
            "each question links to its paragraph: {q}"
        );
    }
    let feedback: usize = questions
        .iter()
        .map(|q| words(q["explain"].as_str().expect("explain")))
        .sum();
    assert!(
        questions.len() >= 2,
        "every module keeps at least a couple of questions"
    );
    (policy + prompts + options + feedback, questions.len())
}

/// Minutes by the measure, rounded up as the pages show them (exact
/// integer arithmetic in tenths of a second: a word is 3, a question 150).
fn minutes(words: usize, questions: usize) -> usize {
    (words * 3 + questions * 150).div_ceil(600).max(1)
}

fn build() -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let output = handbook(&[
        "build",
        "--root",
        &project_root().to_string_lossy(),
        "--out",
        &site.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    (out, site)
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_social_media_course_takes_at_most_25_minutes_and_the_course_home_says_so() {
    let (_out, site) = build();
    let home = read(&site, "course/index.html");
    let section = blocks(
        &home,
        &format!("<section id=\"course-{POLICY}\""),
        "</section>",
    );
    assert_eq!(section.len(), 1, "the course home has the {POLICY} course");
    let section = section[0];
    let modules: Vec<&str> = blocks(section, "data-module=\"", "\"")
        .iter()
        .map(|m| &m["data-module=\"".len()..])
        .collect();
    assert!(
        modules.len() >= 5,
        "the course has its modules: {modules:?}"
    );

    let (mut total_words, mut total_questions) = (0, 0);
    let items = blocks(section, "<li class=\"module-item\"", "</li>");
    assert_eq!(items.len(), modules.len());
    for (module, item) in modules.iter().zip(&items) {
        let page = read(&site, &format!("course/{POLICY}/{module}.html"));
        let (words, questions) = measure_module(&page);
        total_words += words;
        total_questions += questions;
        let expected = minutes(words, questions);
        // The module page and its entry on the course home show its time,
        // counting its questions.
        for (where_, html) in [("module page", page.as_str()), ("course home", item)] {
            let shown = element_text(html, "<span data-module-minutes=", "</span>");
            assert_eq!(
                numbers(&shown),
                vec![expected],
                "{module} on the {where_}: {shown:?} ({words} words, {questions} questions)"
            );
        }
        assert!(
            !page.contains("minutes to read"),
            "{module}: the module page gives the time with its questions"
        );
    }

    let exact = (total_words as f64 / 200.0) + (total_questions as f64 * 15.0 / 60.0);
    assert!(
        exact <= 25.0,
        "the course takes {exact:.1} minutes ({total_words} words, {total_questions} questions)"
    );
    let expected = minutes(total_words, total_questions);
    let shown = element_text(section, "<p class=\"course-length\"", "</p>");
    assert_eq!(
        numbers(&shown),
        vec![expected],
        "the course home shows the whole course's time: {shown:?} ({exact:.2} minutes)"
    );
}

#[test]
fn the_library_gives_the_same_minutes_as_the_course_home() {
    let (_out, site) = build();
    let home = read(&site, "course/index.html");
    let shown = blocks(&home, "data-course-minutes=\"", "\"");
    assert_eq!(shown.len(), 1);
    let shown: usize = shown[0]["data-course-minutes=\"".len()..].parse().unwrap();
    let minutes = handbook::course::length::policy_minutes(&project_root(), POLICY)
        .expect("the real site loads");
    assert_eq!(minutes, Some(shown));
    let none = handbook::course::length::policy_minutes(&project_root(), "no-such-policy")
        .expect("a policy without quizzes has no course");
    assert_eq!(none, None);
}
