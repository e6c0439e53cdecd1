//! Driving the course's quiz pages through the hooks documented in
//! docs/course.md: `#quiz-data`, `#quiz` with one `fieldset[data-question]`
//! per question, inputs `name="q-<id>"` with `data-option`, `#quiz-submit`,
//! `#quiz-result[data-passed][data-score]`, `#quiz-retry`; the course home's
//! `[data-module]` list and `[data-module-status]`; the declaration's
//! `#declaration-confirm`, `#declaration-submit`, `#course-complete`; the
//! identity step's `#identity-id`, `#identity-code`, `#identity-submit`,
//! `#identity-status` (the quiz is only taken by someone signed in).

use serde::Deserialize;

use super::Browser;

#[derive(Debug, Deserialize)]
pub struct Quiz {
    pub module: String,
    pub pass_mark: f64,
    pub questions: Vec<Question>,
}

#[derive(Debug, Deserialize)]
pub struct Question {
    pub id: String,
    pub kind: String,
    pub options: Vec<QuizOption>,
    #[serde(default)]
    pub explain: String,
    #[serde(default)]
    pub policy_url: String,
    #[serde(default)]
    pub policy_title: String,
}

#[derive(Debug, Deserialize)]
pub struct QuizOption {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
}

impl Question {
    /// The original indexes of the correct options.
    pub fn correct(&self) -> Vec<usize> {
        (0..self.options.len())
            .filter(|&i| self.options[i].correct)
            .collect()
    }

    /// A choice that is marked wrong: a wrong option for a single choice or
    /// true/false, and for "choose all that apply" a wrong option if there
    /// is one, or else all but one of the right ones.
    pub fn wrong(&self) -> Vec<usize> {
        let wrong: Vec<usize> = (0..self.options.len())
            .filter(|&i| !self.options[i].correct)
            .collect();
        if let Some(&first) = wrong.first() {
            return vec![first];
        }
        let right = self.correct();
        assert!(
            right.len() > 1,
            "question `{}` has no wrong answer to choose",
            self.id
        );
        right[..right.len() - 1].to_vec()
    }
}

/// One module of the course, as the course home lists it.
#[derive(Debug, Clone)]
pub struct Module {
    pub id: String,
    /// Absolute address of the module page.
    pub url: String,
}

/// Reads the quiz of the module page that is open.
pub async fn quiz_data(b: &Browser) -> Quiz {
    b.wait_for("#quiz-data").await;
    let json = b
        .js(
            "return document.getElementById('quiz-data').textContent;",
            vec![],
        )
        .await;
    let text = json.as_str().expect("#quiz-data has text");
    serde_json::from_str(text).unwrap_or_else(|err| panic!("#quiz-data is not a quiz: {err}"))
}

/// Waits for quiz.js to have set the quiz up (the submit button shown).
pub async fn ready(b: &Browser) {
    b.wait_visible("#quiz-submit").await;
}

/// The original option indexes of a question in their current page order.
pub async fn dom_order(b: &Browser, question: &str) -> Vec<usize> {
    let value = b
        .js(
            "var f = document.querySelector('fieldset[data-question=\"' + arguments[0] + '\"]');\
             return Array.prototype.map.call(f.querySelectorAll('input[data-option]'),\
               function (i) { return parseInt(i.getAttribute('data-option'), 10); });",
            vec![question.into()],
        )
        .await;
    serde_json::from_value(value).expect("a list of option indexes")
}

/// The selector of one option's input.
pub fn input_css(question: &str, option: usize) -> String {
    format!("#quiz input[name=\"q-{question}\"][data-option=\"{option}\"]")
}

/// Chooses `options` of each question by clicking, `choice` saying which.
pub async fn answer_by_clicking(
    b: &Browser,
    quiz: &Quiz,
    choice: impl Fn(&Question) -> Vec<usize>,
) {
    for q in &quiz.questions {
        for option in choice(q) {
            let css = input_css(&q.id, option);
            b.click(&css).await;
            let checked = b
                .find(&css)
                .await
                .prop("checked")
                .await
                .expect("reading checked");
            assert_eq!(
                checked.as_deref(),
                Some("true"),
                "clicking `{css}` checks it"
            );
        }
    }
}

/// Clicks "Check my answers" and waits for the result; returns
/// (passed, score).
pub async fn submit(b: &Browser) -> (bool, u32) {
    b.click("#quiz-submit").await;
    result(b).await
}

/// Answers the first question only (rightly), clicks "Check my answers"
/// and waits for the error summary listing the others.
pub async fn submit_with_unanswered(b: &Browser, quiz: &Quiz) {
    for option in quiz.questions[0].correct() {
        b.click(&input_css(&quiz.questions[0].id, option)).await;
    }
    b.click("#quiz-submit").await;
    b.wait_visible("#quiz-errors").await;
}

/// Waits for the result to be shown; returns (passed, score).
pub async fn result(b: &Browser) -> (bool, u32) {
    b.wait_visible("#quiz-result[data-passed][data-score]")
        .await;
    let result = b.find("#quiz-result").await;
    let passed = result
        .attr("data-passed")
        .await
        .unwrap()
        .unwrap_or_default();
    let score = result.attr("data-score").await.unwrap().unwrap_or_default();
    (
        passed == "true",
        score
            .parse()
            .unwrap_or_else(|_| panic!("data-score `{score}` is a number")),
    )
}

/// Types `text` into the field `#id`, replacing what it held.
pub async fn type_into(b: &Browser, id: &str, text: &str) {
    let field = b.find(&format!("#{id}")).await;
    field.clear().await.expect("clearing a field");
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|err| panic!("typing into #{id}: {err}"));
}

/// On the course home: signs in as `id` with `code` by typing them, and
/// waits for "Signed in … as <id>". Signs out whoever was signed in first.
pub async fn sign_in(b: &Browser, id: &str, code: &str) {
    b.open("course/index.html").await;
    b.wait_for("#identity-heading").await;
    if !b.find_all("#identity-change").await.is_empty() {
        b.click("#identity-change").await;
    }
    b.wait_visible("#identity-code").await;
    type_into(b, "identity-id", id).await;
    type_into(b, "identity-code", code).await;
    b.click("#identity-submit").await;
    b.wait_visible("#identity-status").await;
    let who = b
        .js(
            "return document.getElementById('identity-who').textContent;",
            vec![],
        )
        .await;
    assert_eq!(who.as_str(), Some(id), "signed in as {id}");
}

/// Signs in as the SPEC test vector's T042 (any valid code works in the
/// browser; it only imports where the master key matches).
pub async fn sign_in_as_spec_vector(b: &Browser) {
    sign_in(b, super::token_flow::SPEC_ID, super::token_flow::SPEC_CODE).await;
}

/// Opens a module page, answers every question right by clicking and
/// submits; asserts the module is passed with 100%.
pub async fn pass_module(b: &Browser, url: &str) {
    b.goto(url).await;
    ready(b).await;
    let quiz = quiz_data(b).await;
    answer_by_clicking(b, &quiz, Question::correct).await;
    let (passed, score) = submit(b).await;
    assert!(
        passed && score == 100,
        "module `{}` with every right answer: passed={passed}, score={score}",
        quiz.module
    );
}

/// The modules listed on the course home, of every course (opens it).
pub async fn modules(b: &Browser) -> Vec<Module> {
    modules_in(b, "").await
}

/// The modules of `policy`'s course, as the course home lists them.
pub async fn modules_of(b: &Browser, policy: &str) -> Vec<Module> {
    modules_in(b, &format!("#course-{policy} ")).await
}

/// The modules the course home lists under `scope` (a CSS selector and a
/// space, or nothing for every course).
async fn modules_in(b: &Browser, scope: &str) -> Vec<Module> {
    b.open("course/index.html").await;
    let css = format!("{scope}[data-module]");
    b.wait_for(&css).await;
    let value = b
        .js(
            "return Array.prototype.map.call(document.querySelectorAll(arguments[0]),\
               function (m) { var a = m.querySelector('a[href]');\
                 return [m.getAttribute('data-module'), a ? a.href : '']; });",
            vec![serde_json::Value::from(css)],
        )
        .await;
    let list: Vec<(String, String)> = serde_json::from_value(value).expect("module list");
    assert!(!list.is_empty(), "the course home lists modules");
    list.into_iter()
        .map(|(id, url)| {
            assert!(
                !url.is_empty(),
                "module `{id}` has a link on the course home"
            );
            Module { id, url }
        })
        .collect()
}

/// Passes every module by clicking.
pub async fn pass_all_modules(b: &Browser) {
    for module in modules(b).await {
        pass_module(b, &module.url).await;
    }
}

/// Passes every module of `policy`'s course by clicking.
pub async fn pass_all_modules_of(b: &Browser, policy: &str) {
    for module in modules_of(b, policy).await {
        pass_module(b, &module.url).await;
    }
}

/// On the declaration page of the site's first course: ticks the box,
/// signs, and waits for the course to show as complete.
pub async fn sign_declaration(b: &Browser) {
    b.open("course/index.html").await;
    let url = b
        .js(
            "return document.querySelector('[data-declaration-link]').href;",
            vec![],
        )
        .await;
    b.goto(url.as_str().expect("a declaration link")).await;
    sign_open_declaration(b).await;
}

/// On the declaration page of `policy`'s course: ticks the box, signs,
/// and waits for the course to show as complete.
pub async fn sign_declaration_of(b: &Browser, policy: &str) {
    b.open(&format!("course/{policy}/declaration.html")).await;
    sign_open_declaration(b).await;
}

/// On an open declaration page: ticks the box, signs, and waits.
async fn sign_open_declaration(b: &Browser) {
    b.wait_visible("#declaration-confirm").await;
    b.click("#declaration-confirm").await;
    b.click("#declaration-submit").await;
    b.wait_visible("#course-complete").await;
}
