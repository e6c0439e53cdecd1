//! Who is taking the course, in a real browser (issue 10, items 2 and 3):
//!
//! - a code typed with somebody else's id is refused on the identity step,
//!   at once and in plain words, before the course starts: nobody is signed
//!   in, no progress is shown and no quiz can be taken;
//! - a shared computer: person A completes the course, person B opens their
//!   own personal link in the same browser profile (A never signed out) and
//!   finds a course not started and no declaration; B's token carries B's
//!   scores only; after B signs out, A signs in again and finds their own
//!   progress and the same token; both tokens import, each as its person.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::quiz::{self, Question, type_into};
use super::token_flow::{SPEC_CODE, copy_real_site, handbook_in};
use super::{Browser, Needs, run, run_on};
use crate::support::text;

/// The text of the first element matching `css`, or "".
async fn text_at(b: &Browser, css: &str) -> String {
    b.js(
        "var e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        vec![css.into()],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// True when the element matching `css` is there and shown.
async fn shown(b: &Browser, css: &str) -> bool {
    b.js(
        "var e = document.querySelector(arguments[0]);\
         return !!(e && !e.hidden && !e.closest('[hidden]') && e.getClientRects().length > 0);",
        vec![css.into()],
    )
    .await
        == Value::Bool(true)
}

/// What identity the page keeps for this session (sessionStorage), if any.
async fn kept_identity(b: &Browser) -> Value {
    b.js(
        "var d = JSON.parse(document.getElementById('course-data').textContent);\
         return sessionStorage.getItem('handbook-identity:' + d.site);",
        vec![],
    )
    .await
}

/// Asserts that nothing of the course is open: no progress, no quiz.
async fn assert_course_not_started_for_anyone(b: &Browser) {
    b.open("course/index.html").await;
    b.wait_visible("#identity-form").await;
    assert!(
        !shown(b, "#course-social-media [data-course-progress-panel]").await,
        "no progress is shown while nobody is signed in"
    );
    assert!(!shown(b, "#course-social-media [data-course-continue]").await);
    assert_eq!(
        b.find("#course-social-media [data-declaration-state]")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("signed-out")
    );
    assert_eq!(
        b.js(
            "return document.querySelectorAll('[data-module-status]:not([hidden])').length;",
            vec![]
        )
        .await,
        Value::from(0),
        "no module shows a status"
    );
    // No module is unlocked: its questions can be read, not answered.
    b.open("course/social-media/scope.html").await;
    b.wait_visible("#identity-form").await;
    b.wait_visible("#quiz-locked").await;
    assert!(
        !shown(b, "#quiz-submit").await,
        "no quiz can be checked while nobody is signed in"
    );
    assert_eq!(
        b.js(
            "return Array.prototype.every.call(document.querySelectorAll('#quiz input'),\
               function (i) { return i.disabled; });",
            vec![]
        )
        .await,
        Value::Bool(true),
        "every answer is disabled"
    );
    // Nor the declaration.
    b.open("course/social-media/declaration.html").await;
    b.wait_visible("#identity-form").await;
    for css in [
        "#declaration-locked",
        "#declaration-form",
        "#course-complete",
    ] {
        assert!(
            !shown(b, css).await,
            "{css} is hidden while nobody is signed in"
        );
    }
}

#[test]
fn a_code_typed_with_another_id_is_refused_before_the_course_starts() {
    run(
        "a_code_typed_with_another_id_is_refused_before_the_course_starts",
        Needs::Browser,
        async |b| {
            // T042's code (the SPEC test vector) typed with id T043.
            b.open("course/index.html").await;
            b.wait_visible("#identity-code").await;
            type_into(b, "identity-id", "T043").await;
            type_into(b, "identity-code", SPEC_CODE).await;
            // Said as it is typed: no waiting, no leaving the field.
            assert_eq!(
                text_at(b, "#identity-code-status").await,
                "This code belongs to a different staff id; check the id on your letter."
            );
            let invalid = b
                .js(
                    "return [document.getElementById('identity-code').getAttribute('aria-invalid'),\
                       document.getElementById('identity-id').getAttribute('aria-invalid')];",
                    vec![],
                )
                .await;
            assert_eq!(invalid, serde_json::json!(["true", "true"]));
            // Pressing on anyway: still refused, focus on the code.
            b.click("#identity-submit").await;
            assert_eq!(b.focused_id().await, "identity-code");
            assert!(b.find_all("#identity-status").await.is_empty());
            assert!(kept_identity(b).await.is_null(), "nobody is signed in");
            assert_course_not_started_for_anyone(b).await;

            // The same through a personal link (a forwarded letter, say).
            b.goto(&format!(
                "{}course/index.html#id=T043&code={SPEC_CODE}",
                b.base
            ))
            .await;
            b.wait_visible("#identity-form").await;
            let address = b.current_url().await;
            assert!(!address.contains("code="), "{address}");
            assert_eq!(
                text_at(b, "#identity-code-status").await,
                "This code belongs to a different staff id; check the id on your letter."
            );
            assert!(kept_identity(b).await.is_null());
            assert!(!shown(b, "#course-social-media [data-course-progress-panel]").await);

            // The right id with the same code: the course starts.
            type_into(b, "identity-id", "T042").await;
            assert_eq!(
                text_at(b, "#identity-code-status").await,
                "This code looks right."
            );
            b.click("#identity-submit").await;
            b.wait_visible("#identity-status").await;
            assert_eq!(text_at(b, "#identity-who").await, "T042");
            b.wait_visible("#course-social-media [data-course-progress-panel]")
                .await;
            assert!(
                text_at(b, "#course-progress-social-media")
                    .await
                    .starts_with("0 of ")
            );
            b.open("course/social-media/scope.html").await;
            quiz::ready(b).await;
        },
    );
}

/// The roster of the shared-computer test.
const ROSTER: &str = "id,name,email,school,role,generation
T004,Ann Example,ann@school.example,,Teacher,
T005,Ben Example,ben@school.example,,Teaching assistant,
T006,Cat Example,cat@school.example,,Volunteer,
";

/// (id, code, link fragment) of each person in `handbook codes`' CSV.
fn issued(csv: &[u8]) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_reader(csv);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[6].to_string(), r[7].to_string())
        })
        .collect()
}

/// The claims of a token, as JSON.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).unwrap()
}

/// The token shown on the declaration page.
async fn token_shown(b: &Browser) -> String {
    b.wait_visible("#token-text").await;
    b.js(
        "return document.getElementById('token-text').value;",
        vec![],
    )
    .await
    .as_str()
    .expect("the token")
    .to_string()
}

/// Every localStorage key and value, joined (to look for ids and codes).
async fn local_storage(b: &Browser) -> String {
    b.js(
        "var out = [];\
         for (var i = 0; i < localStorage.length; i++) {\
           var k = localStorage.key(i); out.push(k + '=' + localStorage.getItem(k)); }\
         return out.join('\\n');",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
fn two_people_on_one_browser_never_share_progress() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    copy_real_site(&root);
    handbook_in(&root, &["keys", "init"], b"");
    std::fs::write(root.join(".handbook/roster.csv"), ROSTER).unwrap();
    let codes = handbook_in(&root, &["codes", ".handbook/roster.csv"], b"");
    let people = issued(&codes.stdout);
    let (a_id, a_code, a_link) = people[0].clone();
    let (b_id, b_code, b_link) = people[1].clone();
    assert_eq!((a_id.as_str(), b_id.as_str()), ("T004", "T005"));
    let out = dir.path().join("output");
    handbook_in(&root, &["build", "--out", &out.to_string_lossy()], b"");

    let mut tokens = (String::new(), String::new());
    run_on(
        "two_people_on_one_browser_never_share_progress",
        &out,
        Needs::Browser,
        async |b| {
            // 1. A opens their personal link, completes the course and signs.
            b.goto(&format!("{}course/index.html{a_link}", b.base))
                .await;
            b.wait_visible("#identity-status").await;
            assert_eq!(text_at(b, "#identity-who").await, a_id);
            let modules = quiz::modules(b).await;
            for module in &modules {
                quiz::pass_module(b, &module.url).await;
            }
            quiz::sign_declaration(b).await;
            let token_a = token_shown(b).await;
            let n = modules.len();

            // 2. A walks away without signing out. B opens their own
            //    personal link in the same browser, the same tab even.
            b.goto(&format!("{}course/index.html{b_link}", b.base))
                .await;
            b.wait_visible("#identity-status").await;
            assert_eq!(text_at(b, "#identity-who").await, b_id);
            b.wait_visible("#course-social-media [data-course-progress-panel]")
                .await;
            assert_eq!(
                text_at(b, "#course-progress-social-media").await,
                format!("0 of {n} modules passed"),
                "B's course is not started"
            );
            let states = b
                .js(
                    "return Array.prototype.map.call(document.querySelectorAll('[data-module-status]'),\
                       function (e) { return e.getAttribute('data-state'); });",
                    vec![],
                )
                .await;
            assert_eq!(states, Value::from(vec!["not-started"; n]));
            assert_eq!(
                b.find("#course-social-media [data-declaration-state]")
                    .await
                    .attr("data-state")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("locked"),
                "B has no declaration"
            );
            assert!(
                text_at(b, "#course-social-media [data-course-continue]")
                    .await
                    .starts_with("Start with:")
            );
            // Not on the declaration page either: no declaration, no token.
            b.open("course/social-media/declaration.html").await;
            b.wait_visible("#declaration-locked").await;
            assert!(!shown(b, "#course-complete").await);
            assert!(b.find_all("#token-text").await.is_empty());
            // Nor on a module page: no earlier attempt.
            b.goto(&modules[0].url).await;
            quiz::ready(b).await;
            assert!(!shown(b, "#quiz-previous").await);
            // What the browser keeps names nobody and holds no code.
            let stored = local_storage(b).await;
            assert!(!stored.is_empty(), "A's progress is kept");
            for secret in [&a_id, &b_id] {
                assert!(!stored.contains(secret.as_str()), "{secret} in {stored}");
            }
            for code in [&a_code, &b_code] {
                let bare = code.replace('-', "");
                assert!(
                    !stored.replace('-', "").contains(&bare[..12]),
                    "a code in {stored}"
                );
            }

            // 3. B does the course, with one answer wrong in `behaviour`.
            let behaviour = modules
                .iter()
                .find(|m| m.id == "behaviour")
                .expect("the real course has a `behaviour` module");
            for module in &modules {
                if module.id == behaviour.id {
                    b.goto(&module.url).await;
                    quiz::ready(b).await;
                    let data = quiz::quiz_data(b).await;
                    let first = data.questions[0].id.clone();
                    quiz::answer_by_clicking(b, &data, |q: &Question| {
                        if q.id == first {
                            q.wrong()
                        } else {
                            q.correct()
                        }
                    })
                    .await;
                    let (passed, score) = quiz::submit(b).await;
                    assert!(!passed, "one of two wrong is not a pass: {score}%");
                    // B tries again: the right answer is kept, the wrong
                    // one put right.
                    b.click("#quiz-retry").await;
                    quiz::ready(b).await;
                    let q = data.questions.iter().find(|q| q.id == first).unwrap();
                    for option in q.correct() {
                        b.click(&quiz::input_css(&q.id, option)).await;
                    }
                    let (passed, score) = quiz::submit(b).await;
                    assert!(passed && score == 100, "passed on the retry: {score}%");
                } else {
                    quiz::pass_module(b, &module.url).await;
                }
            }
            quiz::sign_declaration(b).await;
            let token_b = token_shown(b).await;
            let (ca, cb) = (claims_of(&token_a), claims_of(&token_b));
            assert_eq!(ca["sub"], a_id.as_str());
            assert_eq!(cb["sub"], b_id.as_str());
            assert_eq!(ca["mods"]["behaviour"], 100);
            assert_eq!(cb["mods"]["behaviour"], 100, "B's own retry: {cb}");
            assert_ne!(token_a, token_b, "two people, two tokens");
            assert_eq!(
                cb["mods"].as_object().unwrap().len(),
                n,
                "every module, B's: {cb}"
            );

            // 4. B signs out: a clean course.
            b.click("#identity-change").await;
            b.wait_visible("#identity-form").await;
            assert!(!shown(b, "#course-complete").await);
            assert!(b.find_all("#token-text").await.is_empty());
            b.open("course/index.html").await;
            b.wait_visible("#identity-form").await;
            assert!(!shown(b, "#course-social-media [data-course-progress-panel]").await);

            // 5. A signs in again (typing the id and code): their own progress.
            quiz::sign_in(b, &a_id, &a_code).await;
            b.wait_visible("#course-social-media [data-course-progress-panel]")
                .await;
            assert_eq!(
                text_at(b, "#course-progress-social-media").await,
                format!("{n} of {n} modules passed")
            );
            assert_eq!(
                b.find("#course-social-media [data-declaration-state]")
                    .await
                    .attr("data-state")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("signed")
            );
            b.open("course/social-media/declaration.html").await;
            assert_eq!(token_shown(b).await, token_a, "A's own token, as before");
            tokens = (token_a, token_b);
        },
    );
    if tokens.0.is_empty() {
        return; // skipped: no browser
    }

    // 6. Both import, each as its own person.
    let mail = format!("{}\n\n{}\n", tokens.0, tokens.1);
    let imported = handbook_in(&root, &["import", "-"], mail.as_bytes());
    assert!(text(&imported).contains("2 new"), "{}", text(&imported));
    handbook_in(&root, &["report", "--csv", "report.csv"], b"");
    let csv = std::fs::read_to_string(root.join("report.csv")).unwrap();
    for (id, status) in [("T004", "complete"), ("T005", "complete"), ("T006", "due")] {
        assert!(
            csv.lines()
                .any(|l| l.contains(&format!("{id},")) && l.contains(status)),
            "{id} is {status}:\n{csv}"
        );
    }
}
