//! The staff course in a real browser, on the project's own site, signed in
//! as the SPEC test vector's T042: pass a module by keyboard alone; fail
//! one, read the feedback and follow its link to the paragraph; finish the
//! course and sign; reload and find progress kept; questions left
//! unanswered are listed in the error summary. (Options shuffled on a
//! retry, and what a retry keeps: retry.rs.)

use fantoccini::key::Key;

use super::quiz::{self, Question, Quiz};
use super::{Browser, Needs, run};

/// What has the focus: (tag, type, name, data-option, inside #quiz-result).
async fn focused(b: &Browser) -> (String, String, String, Option<usize>, bool) {
    let value = b
        .js(
            "var e = document.activeElement || document.body;\
             return [e.tagName.toLowerCase(), e.type || '', e.name || e.id || '',\
                     e.getAttribute('data-option'), !!(e.closest && e.closest('#quiz-result'))];",
            vec![],
        )
        .await;
    let (tag, kind, name, option, in_result): (String, String, String, Option<String>, bool) =
        serde_json::from_value(value).expect("the focused element");
    (
        tag,
        kind,
        name,
        option.and_then(|o| o.parse().ok()),
        in_result,
    )
}

/// Asserts that the focus is on option `option` of question `id`.
async fn assert_focus_on(b: &Browser, id: &str, option: usize) {
    let (tag, _, name, focused_option, _) = focused(b).await;
    assert_eq!(
        (tag.as_str(), name.as_str(), focused_option),
        ("input", format!("q-{id}").as_str(), Some(option)),
        "the keyboard focus is on option {option} of question `{id}`"
    );
}

/// The question ids in page order.
async fn question_order(b: &Browser) -> Vec<String> {
    let value = b
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('#quiz fieldset[data-question]'),\
               function (f) { return f.getAttribute('data-question'); });",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("question ids")
}

async fn checked_options(b: &Browser, id: &str) -> Vec<usize> {
    let value = b
        .js(
            "return Array.prototype.map.call(\
               document.querySelectorAll('#quiz input[name=\"q-' + arguments[0] + '\"]:checked'),\
               function (i) { return parseInt(i.getAttribute('data-option'), 10); }).sort();",
            vec![id.into()],
        )
        .await;
    let mut list: Vec<usize> = serde_json::from_value(value).expect("checked options");
    list.sort();
    list
}

/// Opens each module until one satisfies `wanted`; returns its address
/// and quiz (the page stays open).
async fn find_module(b: &Browser, wanted: impl Fn(&Quiz) -> bool) -> (String, Quiz) {
    let modules = quiz::modules(b).await;
    for module in &modules {
        b.goto(&module.url).await;
        let data = quiz::quiz_data(b).await;
        if wanted(&data) {
            return (module.url.clone(), data);
        }
    }
    let first = &modules[0];
    b.goto(&first.url).await;
    (first.url.clone(), quiz::quiz_data(b).await)
}

#[test]
fn passes_a_module_by_keyboard_alone() {
    run(
        "passes_a_module_by_keyboard_alone",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            // A module with both radio buttons and checkboxes, if there is one.
            let (_, data) = find_module(b, |q| {
                q.questions.iter().any(|x| x.kind == "multiple")
                    && q.questions.iter().any(|x| x.kind != "multiple")
            })
            .await;
            quiz::ready(b).await;

            let order = question_order(b).await;
            assert_eq!(
                order.len(),
                data.questions.len(),
                "one fieldset per question in #quiz-data"
            );
            // Put the focus on the first option; from here on, keys only.
            b.js(
                "document.querySelector('#quiz input[data-option]').focus();",
                vec![],
            )
            .await;
            for (n, id) in order.iter().enumerate() {
                let q = data
                    .questions
                    .iter()
                    .find(|q| &q.id == id)
                    .unwrap_or_else(|| panic!("question `{id}` is in #quiz-data"));
                let dom = quiz::dom_order(b, id).await;
                let right = q.correct();
                assert_focus_on(b, id, dom[0]).await;
                if q.kind == "multiple" {
                    for (pos, &option) in dom.iter().enumerate() {
                        assert_focus_on(b, id, option).await;
                        if right.contains(&option) {
                            b.press(&[Key::Space]).await;
                        }
                        if pos + 1 < dom.len() {
                            b.press(&[Key::Tab]).await;
                        }
                    }
                } else {
                    let target = dom
                        .iter()
                        .position(|o| right.contains(o))
                        .expect("a right option");
                    if target == 0 {
                        b.press(&[Key::Space]).await;
                    } else {
                        // Arrow keys move through a radio group and choose.
                        b.press(&vec![Key::Down; target]).await;
                    }
                    assert_focus_on(b, id, dom[target]).await;
                }
                assert_eq!(
                    checked_options(b, id).await,
                    right,
                    "question {} (`{id}`) answered right by keyboard",
                    n + 1
                );
                b.press(&[Key::Tab]).await;
            }
            let (tag, _, name, _, _) = focused(b).await;
            assert_eq!(
                (tag.as_str(), name.as_str()),
                ("button", "quiz-submit"),
                "Tab after the last question reaches “Check my answers”"
            );
            b.press(&[Key::Enter]).await;
            let (passed, score) = quiz::result(b).await;
            assert!(
                passed && score == 100,
                "passed by keyboard: passed={passed} score={score}"
            );
            let (tag, _, name, _, in_result) = focused(b).await;
            assert!(
                in_result,
                "after submitting, the focus moves to the result (it is on <{tag}> `{name}`)"
            );
            let live = b
            .js(
                "var r = document.getElementById('quiz-result');\
                 var live = r.closest('[aria-live]') || document.querySelector('#quiz [aria-live], [aria-live]');\
                 return !!live;",
                vec![],
            )
            .await;
            assert_eq!(
                live,
                serde_json::Value::Bool(true),
                "the result is announced in an aria-live region"
            );
        },
    );
}

#[test]
fn failing_a_module_explains_and_links_to_the_paragraph() {
    run(
        "failing_a_module_explains_and_links_to_the_paragraph",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            let modules = quiz::modules(b).await;
            b.goto(&modules[0].url).await;
            quiz::ready(b).await;
            let data = quiz::quiz_data(b).await;
            quiz::answer_by_clicking(b, &data, Question::wrong).await;
            let (passed, score) = quiz::submit(b).await;
            assert!(
                !passed && score == 0,
                "every answer wrong: passed={passed} score={score}"
            );
            let text = b.find("#quiz-result").await.text().await.unwrap();
            assert!(!text.trim().is_empty(), "the result says something");

            for q in &data.questions {
                let fieldset = format!("#quiz fieldset[data-question=\"{}\"]", q.id);
                let feedback = b
                    .wait_visible(&format!("{fieldset} .feedback"))
                    .await
                    .text()
                    .await
                    .unwrap();
                let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    !q.explain.trim().is_empty(),
                    "question `{}` has an explanation",
                    q.id
                );
                assert!(
                    squash(&feedback).contains(&squash(&q.explain)),
                    "question `{}`: the feedback shows the explanation\n  feedback: {feedback}\n  explain: {}",
                    q.id,
                    q.explain
                );
                let href = b
                    .find(&format!("{fieldset} .feedback a.policy-link"))
                    .await
                    .attr("href")
                    .await
                    .unwrap()
                    .unwrap_or_default();
                // Relative to the module page (course/…), so ../<page>#<anchor>.
                let rel = href.trim_start_matches("../");
                assert_eq!(
                    rel, q.policy_url,
                    "question `{}`: the link goes to its policy_url",
                    q.id
                );
                let (page, anchor) = rel
                    .split_once('#')
                    .unwrap_or_else(|| panic!("`{href}` links to a paragraph (#anchor)"));
                let html = std::fs::read_to_string(b.output_file(page))
                    .unwrap_or_else(|err| panic!("question `{}`: `{href}`: {err}", q.id));
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "question `{}`: {page} has the paragraph #{anchor}",
                    q.id
                );
            }

            // Follow the first question's link.
            let q = &data.questions[0];
            let (page, anchor) = q.policy_url.split_once('#').unwrap();
            let link = format!(
                "#quiz fieldset[data-question=\"{}\"] .feedback a.policy-link",
                q.id
            );
            b.click(&link).await;
            let expected = b.url(&q.policy_url);
            b.wait_until(
                &format!(
                    "location.href === {} && document.readyState === 'complete'",
                    serde_json::to_string(&expected).unwrap()
                ),
                &format!("the policy page {expected}"),
            )
            .await;
            let found = b
                .js(
                    "var e = document.getElementById(arguments[0]);\
                     return e ? [e.tagName.toLowerCase(), e.textContent.trim().length > 0,\
                                 e.matches(':target'), !!e.closest('main')] : null;",
                    vec![anchor.into()],
                )
                .await;
            assert_eq!(
                found,
                serde_json::json!([found[0].clone(), true, true, true]),
                "{page}#{anchor}: the paragraph exists, has text, is the :target and is in <main>"
            );
        },
    );
}

#[test]
fn finishing_the_course_signing_and_progress_kept_after_reload() {
    run(
        "finishing_the_course_signing_and_progress_kept_after_reload",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            // Not available before the modules are passed.
            b.open("course/social-media/declaration.html").await;
            b.wait_visible("#declaration-locked").await;
            let form_shown = b
                .js(
                    "var f = document.getElementById('declaration-form');\
                     return !!(f && !f.hidden && f.getClientRects().length);",
                    vec![],
                )
                .await;
            assert_eq!(
                form_shown,
                serde_json::Value::Bool(false),
                "the declaration cannot be signed before every module is passed"
            );

            let modules = quiz::modules(b).await;
            for module in &modules {
                quiz::pass_module(b, &module.url).await;
            }

            // The declaration: must tick before signing.
            b.open("course/social-media/declaration.html").await;
            b.wait_visible("#declaration-form").await;
            b.click("#declaration-submit").await;
            b.wait_visible("#declaration-error").await;
            let complete = b
                .js(
                    "var c = document.getElementById('course-complete'); return !!(c && !c.hidden);",
                    vec![],
                )
                .await;
            assert_eq!(
                complete,
                serde_json::Value::Bool(false),
                "signing without ticking the box does not complete the course"
            );
            quiz::sign_declaration(b).await;
            let scores = b.find_all("#course-complete-scores li").await.len();
            assert_eq!(
                scores,
                modules.len(),
                "the completed declaration lists a result per module"
            );

            // Reload the course home: progress is kept.
            b.open("course/index.html").await;
            b.client.refresh().await.expect("reload");
            b.wait_until("document.readyState === 'complete'", "the reload")
                .await;
            for module in &modules {
                let css = format!("[data-module-status=\"{}\"]", module.id);
                b.wait_visible(&css).await;
                let state = b.find(&css).await.attr("data-state").await.unwrap();
                assert_eq!(
                    state.as_deref(),
                    Some("passed"),
                    "after a reload, module `{}` shows as passed",
                    module.id
                );
            }
            let progress = b
                .find("#course-progress-social-media")
                .await
                .text()
                .await
                .unwrap();
            let n = modules.len();
            assert!(
                progress.contains(&format!("{n} of {n}")),
                "overall progress shows every module: `{progress}`"
            );

            let declaration = b
                .wait_visible("#course-social-media [data-declaration-state]")
                .await
                .attr("data-state")
                .await
                .unwrap();
            assert_eq!(
                declaration.as_deref(),
                Some("signed"),
                "after a reload, the course home shows the declaration signed"
            );

            // The declaration still shows the course complete, also after a reload.
            b.open("course/social-media/declaration.html").await;
            b.wait_visible("#course-complete").await;
            b.client.refresh().await.expect("reload");
            b.wait_visible("#course-complete").await;
        },
    );
}

#[test]
fn unanswered_questions_are_listed_in_the_error_summary() {
    run(
        "unanswered_questions_are_listed_in_the_error_summary",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            let (_, data) = find_module(b, |q| q.questions.len() >= 2).await;
            quiz::ready(b).await;
            let title = b.js("return document.title;", vec![]).await;
            let title = title.as_str().expect("a title").to_string();

            quiz::submit_with_unanswered(b, &data).await;
            assert_eq!(
                b.focused_id().await,
                "quiz-errors",
                "the error summary has the focus"
            );
            let now = b.js("return document.title;", vec![]).await;
            assert_eq!(
                now.as_str(),
                Some(format!("Error: {title}").as_str()),
                "the page title says there is an error"
            );
            let heading = b
                .js(
                    "var box = document.getElementById('quiz-errors');\
                     var h = document.getElementById(box.getAttribute('aria-labelledby'));\
                     return h ? h.textContent : null;",
                    vec![],
                )
                .await;
            let missing = data.questions.len() - 1;
            let words = if missing == 1 {
                "1 question is not answered".to_string()
            } else {
                format!("{missing} questions are not answered")
            };
            assert_eq!(
                heading.as_str(),
                Some(format!("There is a problem: {words}").as_str()),
                "the summary is named by its heading"
            );
            let links = b
                .js(
                    "return Array.prototype.map.call(document.querySelectorAll('#quiz-errors a'),\
                       function (a) { return a.getAttribute('href'); });",
                    vec![],
                )
                .await;
            let links: Vec<String> = serde_json::from_value(links).expect("the links");
            assert_eq!(links.len(), missing, "one link per unanswered question");
            for (link, q) in links.iter().zip(&data.questions[1..]) {
                assert!(
                    link.starts_with(&format!("#q-{}-", q.id)),
                    "the link {link} goes to an option of question `{}`",
                    q.id
                );
            }
            let second = &data.questions[1];
            let error = b
                .js(
                    "var f = document.getElementById('q-' + arguments[0]);\
                     var e = document.getElementById('q-' + arguments[0] + '-error');\
                     return [e ? e.textContent : '', f.getAttribute('aria-describedby') || ''];",
                    vec![second.id.clone().into()],
                )
                .await;
            let (text, described): (String, String) =
                serde_json::from_value(error).expect("the question's error");
            assert!(text.starts_with("Error: choose"), "{text:?}");
            assert!(
                described.contains(&format!("q-{}-error", second.id)),
                "the question is described by its error: {described:?}"
            );

            // A link in the summary moves the focus to its question.
            b.click("#quiz-errors a").await;
            let focused = b
                .js("return document.activeElement.name || '';", vec![])
                .await;
            assert_eq!(
                focused.as_str(),
                Some(format!("q-{}", second.id).as_str()),
                "the first link focuses the first unanswered question"
            );

            // Answered in full: no summary, no error in the title.
            quiz::answer_by_clicking(b, &data, |q| {
                if q.id == data.questions[0].id {
                    Vec::new()
                } else {
                    q.correct()
                }
            })
            .await;
            let (passed, _) = quiz::submit(b).await;
            assert!(passed, "every answer right passes");
            let hidden = b
                .js(
                    "return document.getElementById('quiz-errors').hidden &&\
                       !document.querySelector('#quiz .question-error');",
                    vec![],
                )
                .await;
            assert_eq!(hidden, serde_json::json!(true), "the errors are gone");
            let after = b.js("return document.title;", vec![]).await;
            assert_eq!(
                after.as_str(),
                Some(title.as_str()),
                "the title is as it was"
            );
        },
    );
}
