//! The policy's three tools (docs/tools.md) by keyboard alone: Tab to move
//! the focus, Enter and Space to press, arrow keys in a radio group, and
//! typing. No clicks.
//!
//! The same steps (with `pages::Setup`) put the tools into the states the
//! accessibility gate and the no-other-host check visit.

use fantoccini::key::Key;
use serde_json::Value;

use super::{Browser, Needs, run};

/// The "Who do I tell?" page.
pub const TREE: &str = "tools/who-do-i-tell.html";
/// The account application form.
pub const FORM: &str = "tools/account-application.html";
/// The personal-use checklist.
pub const CHECKLIST: &str = "tools/personal-use-checklist.html";

/// How many Tab presses to try before giving up on reaching an element.
const MAX_TABS: usize = 150;

/// Presses Tab until the focused element `e` makes the JavaScript
/// expression `test` true (`e` is `document.activeElement`).
pub async fn tab_until(b: &Browser, test: &str, what: &str) {
    let script = format!("var e = document.activeElement; return !!(e && ({test}));");
    for _ in 0..MAX_TABS {
        if b.js(&script, vec![]).await == Value::Bool(true) {
            return;
        }
        b.press(&[Key::Tab]).await;
    }
    let focused = b.focused_id().await;
    panic!(
        "{MAX_TABS} presses of Tab did not reach {what} (`{test}`); the focus is on {focused} on {}",
        b.current_url().await
    );
}

/// Presses Tab until the element matching `css` has the focus.
pub async fn tab_to(b: &Browser, css: &str) {
    let quoted = serde_json::to_string(css).unwrap();
    tab_until(b, &format!("e.matches({quoted})"), css).await;
}

/// Types `text` on the keyboard into whatever has the focus.
pub async fn type_text(b: &Browser, text: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".to_string());
    for value in text.chars() {
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    b.client
        .perform_actions(actions)
        .await
        .unwrap_or_else(|err| panic!("typing {text:?}: {err}"));
    b.client.release_actions().await.ok();
}

/// The text of the first element matching `css`, or "".
pub async fn text_at(b: &Browser, css: &str) -> String {
    b.js(
        "var e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        vec![css.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// An attribute of the first element matching `css`, or "".
pub async fn attr_at(b: &Browser, css: &str, name: &str) -> String {
    b.js(
        "var e = document.querySelector(arguments[0]);\
         return e && e.hasAttribute(arguments[1]) ? e.getAttribute(arguments[1]) : '';",
        vec![css.into(), name.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// True when the element matching `css` is shown.
pub async fn shown(b: &Browser, css: &str) -> bool {
    b.js(
        "var e = document.querySelector(arguments[0]);\
         return !!(e && !e.hidden && !e.closest('[hidden]') && e.getClientRects().length > 0);",
        vec![css.into()],
    )
    .await
        == Value::Bool(true)
}

// ----- Who do I tell? -----

/// On the tree: moves the focus to the choice labelled `label` with Tab
/// and presses Enter; waits for the step to change.
pub async fn choose(b: &Browser, label: &str) {
    let quoted = serde_json::to_string(label).unwrap();
    let exists = b
        .js(
            &format!(
                "return Array.prototype.some.call(document.querySelectorAll('#tree-app button[data-next]'),\
                   function (e) {{ return e.textContent.trim() === {quoted}; }});"
            ),
            vec![],
        )
        .await;
    assert_eq!(
        exists,
        Value::Bool(true),
        "the tree offers the choice {label:?} on {}",
        text_at(b, "#tree-app").await
    );
    tab_until(
        b,
        &format!("e.matches('#tree-app button[data-next]') && e.textContent.trim() === {quoted}"),
        &format!("the choice {label:?}"),
    )
    .await;
    b.press(&[Key::Enter]).await;
    b.wait_until(
        &format!(
            "!Array.prototype.some.call(document.querySelectorAll('#tree-app button[data-next]'),\
               function (e) {{ return e.textContent.trim() === {quoted}; }})"
        ),
        &format!("the step after {label:?}"),
    )
    .await;
}

/// The first question's text.
const FIRST_QUESTION: &str = "What is your concern about?";
/// The path to the answer about a pupil's online behaviour.
const TO_PUPIL_BEHAVIOUR: &[&str] = &["A pupil", "I am worried about a pupil's behaviour online"];

/// Opens the tree (already open) and goes, by keyboard, to the answer for
/// a pupil's online behaviour.
pub async fn tree_to_answer(b: &Browser) {
    b.wait_visible("#tree-question").await;
    for label in TO_PUPIL_BEHAVIOUR {
        choose(b, label).await;
    }
    b.wait_visible("#tree-answer").await;
}

#[test]
fn who_do_i_tell_by_keyboard() {
    run("who_do_i_tell_by_keyboard", Needs::Browser, async |b| {
        b.open(TREE).await;
        b.wait_visible("#tree-question").await;
        assert_eq!(text_at(b, "#tree-question").await.trim(), FIRST_QUESTION);
        assert!(
            !shown(b, "#tree-outline").await,
            "the nested list is hidden"
        );
        assert!(
            !shown(b, "#tree-back").await,
            "no Back on the first question"
        );
        assert!(!shown(b, "#tree-restart").await);

        choose(b, TO_PUPIL_BEHAVIOUR[0]).await;
        b.wait_until(
            "document.getElementById('tree-question') && document.getElementById('tree-question').textContent.trim() === 'What has happened?'",
            "the second question",
        )
        .await;
        assert_eq!(
            b.focused_id().await,
            "tree-question",
            "focus on the new question"
        );
        assert!(shown(b, "#tree-back").await);

        choose(b, TO_PUPIL_BEHAVIOUR[1]).await;
        b.wait_visible("#tree-answer").await;
        assert_eq!(
            b.focused_id().await,
            "tree-answer-heading",
            "focus moves to the answer's heading"
        );
        let answer = text_at(b, "#tree-answer").await;
        let answer = answer.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            answer.contains("Concerns regarding a pupil's online behaviour will be reported to the DSL, who will investigate any concerns with relevant staff members"),
            "the answer quotes the policy: {answer}"
        );
        assert!(
            answer.contains("Report it to the Designated Safeguarding Lead (DSL)."),
            "{answer}"
        );
        let href = attr_at(b, "#tree-answer a.policy-link", "href").await;
        assert!(
            href.ends_with("social-media/safeguarding.html#concerns-about-pupils"),
            "the answer links to its paragraph: {href}"
        );
        // The link goes to a real paragraph.
        let safeguarding =
            std::fs::read_to_string(b.output_file("social-media/safeguarding.html")).unwrap();
        assert!(safeguarding.contains("id=\"concerns-about-pupils\""));
        b.wait_until(
            "/Answer/.test(document.getElementById('tree-live').textContent)",
            "the answer to be announced in #tree-live",
        )
        .await;
        // Back: the previous question again, focused.
        tab_to(b, "#tree-back").await;
        b.press(&[Key::Enter]).await;
        b.wait_visible("#tree-question").await;
        assert_eq!(
            text_at(b, "#tree-question").await.trim(),
            "What has happened?"
        );
        assert!(!shown(b, "#tree-answer").await, "the answer is gone");
        assert_eq!(b.focused_id().await, "tree-question");

        // Start again: the first question, without Back.
        choose(b, TO_PUPIL_BEHAVIOUR[1]).await;
        b.wait_visible("#tree-answer").await;
        tab_to(b, "#tree-restart").await;
        b.press(&[Key::Enter]).await;
        b.wait_until(
            "document.getElementById('tree-question') && document.getElementById('tree-question').textContent.trim() === 'What is your concern about?'",
            "the first question again",
        )
        .await;
        assert!(!shown(b, "#tree-answer").await);
        assert!(!shown(b, "#tree-back").await, "no Back after Start again");
        assert_eq!(b.focused_id().await, "tree-question");
    });
}

// ----- The account application -----

/// Presses "Check my application" by keyboard.
async fn submit_form(b: &Browser) {
    tab_to(b, "#form-submit").await;
    b.press(&[Key::Enter]).await;
}

/// On the form (already open): submits it empty and waits for the error
/// summary.
pub async fn form_submit_empty(b: &Browser) {
    b.wait_visible("#form-submit").await;
    submit_form(b).await;
    b.wait_visible("#form-errors").await;
}

/// Tabs to the field `css` and types `text` into it.
async fn fill(b: &Browser, css: &str, text: &str) {
    tab_to(b, css).await;
    type_text(b, text).await;
}

/// The answers the valid application gives.
const ANSWERS: &[(&str, &str)] = &[
    ("#field-applicant", "Jo Tester"),
    ("#field-school", "Preston Primary"),
    ("#field-aim", "Share news of school trips with families."),
    ("#field-audience", "Parents and carers of pupils."),
    ("#field-promotion", "In the weekly newsletter."),
    ("#field-runners-1", "Alex Runner"),
    ("#field-contributors", "Class teachers in Year 6."),
];
const SECOND_NAME: &str = "Bea Second";

/// Fills every field, with one name only, by keyboard, choosing
/// "Private/closed" with the arrow keys.
async fn fill_with_one_name(b: &Browser) {
    // From the top of the form.
    b.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
    for (css, text) in ANSWERS {
        fill(b, css, text).await;
    }
    tab_to(b, "#field-visibility-1").await;
    // Arrow keys in a radio group move to the next one and select it.
    b.press(&[Key::Down]).await;
    b.wait_until(
        "document.getElementById('field-visibility-2').checked",
        "Private/closed to be chosen",
    )
    .await;
}

/// Adds the second name with "Add another name" (the new box has the focus).
async fn add_second_name(b: &Browser) {
    tab_to(b, "#add-name").await;
    b.press(&[Key::Enter]).await;
    b.wait_until(
        "document.activeElement && document.activeElement.id === 'field-runners-3'",
        "the new name box to have the focus",
    )
    .await;
    type_text(b, SECOND_NAME).await;
}

/// On the form (already open): fills it in and checks it, so the finished
/// application is shown.
pub async fn form_submit_valid(b: &Browser) {
    b.wait_visible("#form-submit").await;
    fill_with_one_name(b).await;
    add_second_name(b).await;
    submit_form(b).await;
    b.wait_visible("#application-summary").await;
}

#[test]
fn account_application_by_keyboard() {
    run(
        "account_application_by_keyboard",
        Needs::Browser,
        async |b| {
            b.open(FORM).await;
            b.wait_visible("#form-submit").await;
            assert!(
                !shown(b, "#form-nojs").await,
                "the no-JavaScript note is hidden"
            );

            // Empty: every required field is listed, the summary has the focus.
            submit_form(b).await;
            b.wait_visible("#form-errors").await;
            assert_eq!(
                b.focused_id().await,
                "form-errors",
                "the error summary is focused"
            );
            let errors = b.find_all("#form-errors-list a").await;
            assert_eq!(
                errors.len(),
                8,
                "one error per required field: {}",
                text_at(b, "#form-errors").await
            );
            let summary = text_at(b, "#form-errors").await;
            for message in [
                "Enter the aim of the account.",
                "Name at least two staff members who will run the account.",
                "Choose an answer to",
            ] {
                assert!(summary.contains(message), "{message:?} in {summary:?}");
            }
            let title = b.js("return document.title;", vec![]).await;
            assert!(title.as_str().unwrap().starts_with("Error: "), "{title}");
            assert_eq!(attr_at(b, "#field-aim", "aria-invalid").await, "true");

            // Everything but the second name.
            fill_with_one_name(b).await;
            submit_form(b).await;
            b.wait_until(
                "document.querySelectorAll('#form-errors-list a').length === 1",
                "only the names error to be left",
            )
            .await;
            assert_eq!(b.focused_id().await, "form-errors");
            let summary = text_at(b, "#form-errors").await;
            assert!(
                summary.contains("at least two"),
                "one name is not enough, in words: {summary:?}"
            );
            let link = attr_at(b, "#form-errors-list a", "href").await;
            assert!(
                link.contains("#field-runners-"),
                "the error links to a name box: {link}"
            );
            assert!(text_at(b, "#error-runners").await.contains("at least two"));
            assert!(!shown(b, "#application-summary").await);

            // A second name makes it valid.
            add_second_name(b).await;
            submit_form(b).await;
            b.wait_visible("#application-summary").await;
            assert_eq!(
                b.focused_id().await,
                "application-summary-title",
                "focus moves to the application's heading"
            );
            assert!(!shown(b, "#form-errors").await, "no error summary any more");
            assert!(!shown(b, "#account-form").await, "the form is hidden");
            let application = text_at(b, "#application-summary").await;
            for (_, text) in ANSWERS {
                assert!(
                    application.contains(text),
                    "{text:?} in the application: {application}"
                );
            }
            for text in [SECOND_NAME, "Private/closed", "The aim of the account"] {
                assert!(
                    application.contains(text),
                    "{text:?} in the application: {application}"
                );
            }
            let href = attr_at(b, "#download-application", "href").await;
            assert!(href.starts_with("blob:"), "a Blob URL: {href}");
            let name = attr_at(b, "#download-application", "download").await;
            assert!(name.ends_with(".txt"), "a text file: {name}");
            let file = b
            .client
            .execute_async(
                "var done = arguments[arguments.length - 1];\
                 fetch(document.getElementById('download-application').href)\
                   .then(function (r) { return r.text(); }).then(done, function (e) { done('ERR ' + e); });",
                vec![],
            )
            .await
            .expect("reading the download");
            let file = file.as_str().unwrap_or_default();
            assert!(
                file.contains(SECOND_NAME) && file.contains("Alex Runner"),
                "{file}"
            );
            assert!(file.contains("\r\n"), "Windows line endings");

            // Change my answers: the form again, with the answers kept.
            tab_to(b, "#edit-application").await;
            b.press(&[Key::Enter]).await;
            b.wait_visible("#account-form").await;
            let kept = b
                .js("return document.getElementById('field-aim').value;", vec![])
                .await;
            assert_eq!(kept.as_str(), Some(ANSWERS[2].1));
        },
    );
}

// ----- The checklist -----

/// The number of items on the checklist.
async fn item_count(b: &Browser) -> usize {
    b.find_all("input[data-item]").await.len()
}

/// Ticks the first two items by keyboard (Tab to each, Space).
pub async fn tick_two(b: &Browser) {
    b.wait_visible("#checklist-count").await;
    let ids = b
        .js(
            "return Array.prototype.slice.call(document.querySelectorAll('input[data-item]'), 0, 2)\
               .map(function (e) { return e.id; });",
            vec![],
        )
        .await;
    for id in ids.as_array().unwrap() {
        let id = id.as_str().unwrap();
        tab_to(b, &format!("#{id}")).await;
        b.press(&[Key::Space]).await;
        b.wait_until(
            &format!("document.getElementById('{id}').checked"),
            &format!("#{id} to be ticked"),
        )
        .await;
    }
}

#[test]
fn personal_use_checklist_by_keyboard() {
    run(
        "personal_use_checklist_by_keyboard",
        Needs::Browser,
        async |b| {
            b.open(CHECKLIST).await;
            b.wait_visible("#checklist-count").await;
            let n = item_count(b).await;
            assert!(n >= 5, "the checklist has its items: {n}");
            assert_eq!(
                text_at(b, "#checklist-count").await.trim(),
                format!("0 of {n} done")
            );

            tick_two(b).await;
            b.wait_until(
            &format!("document.getElementById('checklist-count').textContent.trim() === '2 of {n} done'"),
            "the count to say 2",
        )
        .await;
            assert_eq!(attr_at(b, "#checklist-count", "role").await, "status");

            // Kept in this browser.
            b.open(CHECKLIST).await;
            b.wait_visible("#checklist-count").await;
            assert_eq!(
                text_at(b, "#checklist-count").await.trim(),
                format!("2 of {n} done")
            );
            let ticked = b
                .js(
                    "return document.querySelectorAll('input[data-item]:checked').length;",
                    vec![],
                )
                .await;
            assert_eq!(ticked, Value::from(2));
            let key = attr_at(b, "#tool-checklist", "data-storage-key").await;
            let stored = b
                .js(
                    "return localStorage.getItem(arguments[0]);",
                    vec![key.clone().into()],
                )
                .await;
            let stored: Vec<String> =
                serde_json::from_str(stored.as_str().unwrap_or("null")).unwrap_or_default();
            assert_eq!(stored.len(), 2, "two ids kept under {key}: {stored:?}");

            // Reset clears, and stays cleared.
            tab_to(b, "#checklist-reset").await;
            b.press(&[Key::Enter]).await;
            b.wait_until(
            &format!("document.getElementById('checklist-count').textContent.trim() === '0 of {n} done'"),
            "Reset to clear the ticks",
        )
        .await;
            b.open(CHECKLIST).await;
            b.wait_visible("#checklist-count").await;
            assert_eq!(
                text_at(b, "#checklist-count").await.trim(),
                format!("0 of {n} done")
            );
        },
    );
}
