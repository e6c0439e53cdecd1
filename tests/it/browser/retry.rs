//! Retrying a quiz on the project's own site, signed in as the SPEC test
//! vector's T042: a fail lists exactly the wrong questions, each a link to
//! its question; "Try again" keeps the right answers and clears the wrong
//! ones; after a pass the way on is the first, main button. And the
//! "Skip to the quiz" link near the top of a module page.

use fantoccini::key::Key;
use serde_json::Value;

use super::quiz::{self, Question};
use super::{Browser, Needs, a11y, run};

/// The option indexes of question `id` that are chosen.
async fn checked(b: &Browser, id: &str) -> Vec<usize> {
    let value = b
        .js(
            "return Array.prototype.map.call(\
               document.querySelectorAll('#quiz input[name=\"q-' + arguments[0] + '\"]:checked'),\
               function (i) { return parseInt(i.getAttribute('data-option'), 10); });",
            vec![id.into()],
        )
        .await;
    let mut list: Vec<usize> = serde_json::from_value(value).expect("checked options");
    list.sort();
    list
}

/// The question each link of the result's wrong-answer list leads to (by
/// its `href`), in order.
async fn wrong_links(b: &Browser) -> Vec<String> {
    let value = b
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('#quiz-wrong-list a[href]'),\
               function (a) { var t = document.getElementById(a.getAttribute('href').slice(1));\
                 var f = t && t.closest('fieldset[data-question]');\
                 return f ? f.getAttribute('data-question') : '(nothing)'; });",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("a list of questions")
}

/// The result's ways on that are shown, in order: (data-action, classes of
/// its link or button).
async fn actions(b: &Browser) -> Vec<(String, String)> {
    let value = b
        .js(
            "return Array.prototype.filter.call(document.querySelectorAll('#quiz-next [data-action]'),\
               function (li) { return !li.hidden && li.offsetParent !== null; })\
             .map(function (li) { var c = li.querySelector('a, button');\
               return [li.getAttribute('data-action'), c ? c.className : '']; });",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("a list of actions")
}

/// The question the focus is in (its `data-question`), or "".
async fn focused_question(b: &Browser) -> String {
    b.js(
        "var f = document.activeElement && document.activeElement.closest('fieldset[data-question]');\
         return f ? f.getAttribute('data-question') : '';",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
fn retry_keeps_correct_answers_and_links_the_wrong_ones() {
    run(
        "retry_keeps_correct_answers_and_links_the_wrong_ones",
        Needs::BrowserAndAxe,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            let modules = quiz::modules(b).await;
            assert!(modules.len() >= 2, "the real course has a next module");
            // The first module with two or more questions that is not the last.
            let mut data = None;
            for module in &modules[..modules.len() - 1] {
                b.goto(&module.url).await;
                let q = quiz::quiz_data(b).await;
                if q.questions.len() >= 2 {
                    data = Some(q);
                    break;
                }
            }
            let data = data.expect("a module (not the last) with 2 or more questions");
            quiz::ready(b).await;

            // Right, wrong, right, wrong, …: a fail with some of each.
            let wrong_ids: Vec<String> = data
                .questions
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, q)| q.id.clone())
                .collect();
            for (i, q) in data.questions.iter().enumerate() {
                let choice = if i % 2 == 1 { q.wrong() } else { q.correct() };
                for option in choice {
                    b.click(&quiz::input_css(&q.id, option)).await;
                }
            }
            let (passed, _) = quiz::submit(b).await;
            assert!(!passed, "about half right is not a pass");
            assert_eq!(
                b.focused_id().await,
                "quiz-result-heading",
                "the focus moves to the result"
            );

            // The result lists exactly the wrong questions, in order.
            b.wait_visible("#quiz-wrong").await;
            assert_eq!(
                wrong_links(b).await,
                wrong_ids,
                "the wrong questions, linked"
            );
            let heading = b.find("#quiz-wrong-heading").await.text().await.unwrap();
            assert!(
                heading.starts_with(&format!("{} ", wrong_ids.len())),
                "the list says how many: `{heading}`"
            );
            let live = format!("{heading}.");
            b.wait_until(
                &format!(
                    "document.getElementById('quiz-live').textContent.indexOf({}) !== -1",
                    serde_json::to_string(&live).unwrap()
                ),
                "the live region announces the wrong answers",
            )
            .await;
            // Each link takes the focus to its question.
            for (n, id) in wrong_ids.iter().enumerate() {
                b.click(&format!("#quiz-wrong-list li:nth-child({}) a", n + 1))
                    .await;
                assert_eq!(
                    &focused_question(b).await,
                    id,
                    "link {} leads to `{id}`",
                    n + 1
                );
            }
            // After a fail, "Try again" is the first way on.
            let shown = actions(b).await;
            assert_eq!(shown[0].0, "retry", "after a fail: {shown:?}");
            let violations = a11y::axe_violations(b).await;
            assert!(violations.is_empty(), "axe on the result: {violations:#?}");

            // Try again: the right answers stay, the wrong ones are cleared.
            b.click("#quiz-retry").await;
            quiz::ready(b).await;
            for (i, q) in data.questions.iter().enumerate() {
                let now = checked(b, &q.id).await;
                if i % 2 == 1 {
                    assert!(now.is_empty(), "`{}` was wrong: cleared, not {now:?}", q.id);
                } else {
                    assert_eq!(now, q.correct(), "`{}` was right: still chosen", q.id);
                }
            }
            let state = b
                .js(
                    "return [document.querySelectorAll('#quiz input:disabled').length,\
                       document.querySelectorAll('#quiz .feedback').length,\
                       document.getElementById('quiz-result').hidden];",
                    vec![],
                )
                .await;
            assert_eq!(
                state,
                serde_json::json!([0, 0, true]),
                "every answer can be changed; no feedback or result left"
            );
            assert_eq!(
                focused_question(b).await,
                wrong_ids[0],
                "the focus is on the first question to answer again"
            );

            // A right answer can still be changed: change it and back.
            let first = &data.questions[0];
            if first.kind == "multiple" {
                let option = first.correct()[0];
                b.click(&quiz::input_css(&first.id, option)).await;
                assert!(!checked(b, &first.id).await.contains(&option));
                b.click(&quiz::input_css(&first.id, option)).await;
            } else {
                b.click(&quiz::input_css(&first.id, first.wrong()[0])).await;
                assert_eq!(checked(b, &first.id).await, first.wrong());
                b.click(&quiz::input_css(&first.id, first.correct()[0]))
                    .await;
            }

            // Answer the others right: a pass, and "Next module" comes first.
            for q in data.questions.iter().skip(1).step_by(2) {
                for option in q.correct() {
                    b.click(&quiz::input_css(&q.id, option)).await;
                }
            }
            let (passed, score) = quiz::submit(b).await;
            assert!(passed && score == 100, "passed={passed} score={score}");
            assert!(
                b.find_all("#quiz-wrong:not([hidden])").await.is_empty(),
                "no wrong answers listed after a full score"
            );
            let shown = actions(b).await;
            assert_eq!(
                shown[0].0, "next",
                "after a pass, the next module first: {shown:?}"
            );
            assert!(
                shown[0].1.split(' ').any(|c| c == "button"),
                "the next module is the main button: {shown:?}"
            );
            let retry = shown
                .iter()
                .find(|(a, _)| a == "retry")
                .expect("Try again is still offered");
            assert!(
                retry.1.contains("button--secondary"),
                "Try again is secondary: {shown:?}"
            );
            // And it is the first control the keyboard reaches in the result.
            b.press(&[Key::Tab]).await;
            assert_eq!(
                b.focused_id().await,
                "quiz-next-module",
                "Tab from the result heading"
            );
            let violations = a11y::axe_violations(b).await;
            assert!(violations.is_empty(), "axe after a pass: {violations:#?}");
        },
    );
}

#[test]
fn options_of_wrong_answers_are_shuffled_on_retry() {
    run(
        "options_of_wrong_answers_are_shuffled_on_retry",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            let modules = quiz::modules(b).await;
            let mut found = None;
            for module in &modules {
                b.goto(&module.url).await;
                let q = quiz::quiz_data(b).await;
                if q.questions
                    .iter()
                    .any(|x| x.kind != "true_false" && x.options.len() >= 3)
                {
                    found = Some(q);
                    break;
                }
            }
            let data = found.expect("a question with 3 or more options");
            quiz::ready(b).await;
            let shuffled: Vec<&Question> = data
                .questions
                .iter()
                .filter(|x| x.kind != "true_false" && x.options.len() >= 3)
                .collect();
            let mut first = Vec::new();
            for q in &shuffled {
                first.push(quiz::dom_order(b, &q.id).await);
            }
            let mut changed = false;
            for attempt in 1..=8 {
                quiz::answer_by_clicking(b, &data, Question::wrong).await;
                quiz::submit(b).await;
                b.click("#quiz-retry").await;
                quiz::ready(b).await;
                let left = b
                    .js(
                        "return document.querySelectorAll('#quiz input:checked').length +\
                            document.querySelectorAll('#quiz .feedback').length;",
                        vec![],
                    )
                    .await;
                assert_eq!(
                    left,
                    Value::from(0),
                    "attempt {attempt}: every answer was wrong, so none is kept"
                );
                let mut now = Vec::new();
                for q in &shuffled {
                    now.push(quiz::dom_order(b, &q.id).await);
                }
                if now != first {
                    changed = true;
                    break;
                }
            }
            assert!(
                changed,
                "over 8 retries the wrong questions' options never moved"
            );
        },
    );
}

#[test]
fn skip_to_the_quiz_is_the_second_tab_stop() {
    run(
        "skip_to_the_quiz_is_the_second_tab_stop",
        Needs::Browser,
        async |b| {
            quiz::sign_in_as_spec_vector(b).await;
            let modules = quiz::modules(b).await;
            b.goto(&modules[0].url).await;
            quiz::ready(b).await;
            b.js(
                "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);",
                vec![],
            )
            .await;
            b.press(&[Key::Tab, Key::Tab]).await;
            assert_eq!(b.focused_id().await, "skip-to-quiz", "the second Tab stop");
            let visible = b
                .js(
                    "var r = document.getElementById('skip-to-quiz').getBoundingClientRect();\
                     return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;",
                    vec![],
                )
                .await;
            assert_eq!(visible, Value::Bool(true), "the link shows when focused");
            b.press(&[Key::Enter]).await;
            assert_eq!(
                b.focused_id().await,
                "quiz-section",
                "Enter moves to the quiz"
            );
            // A few Tabs (past the identity step) reach the first question.
            let mut reached = false;
            for _ in 0..4 {
                b.press(&[Key::Tab]).await;
                let inside = b
                    .js(
                        "var e = document.activeElement;\
                         return [!!(e && e.closest('#quiz-section')), !!(e && e.closest('#quiz fieldset'))];",
                        vec![],
                    )
                    .await;
                assert_eq!(inside[0], Value::Bool(true), "the focus stays in the quiz");
                if inside[1] == Value::Bool(true) {
                    reached = true;
                    break;
                }
            }
            assert!(reached, "the first question within 4 Tabs of the skip link");
        },
    );
}
