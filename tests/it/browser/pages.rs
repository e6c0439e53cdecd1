//! Every kind of page the site has, in one list. The accessibility gate and
//! the no-other-host check visit each entry in order (state such as quiz
//! progress carries over from one entry to the next, in one browser).
//!
//! A new page type joins both checks by adding one line to [`PAGES`]
//! (and, if it needs something done first, a [`Setup`]).

use super::{Browser, quiz, token_flow, tools};

/// Something to do on (or before) a page before it is checked.
#[derive(Clone, Copy, Debug)]
pub enum Setup {
    /// Nothing: check the page as it loads.
    None,
    /// Wait for an element (e.g. search results) to appear.
    WaitFor(&'static str),
    /// On a module page: answer every question wrongly and submit, so the
    /// result and the feedback are shown.
    FailQuiz,
    /// On a module page: answer every question right and submit.
    PassQuiz,
    /// On a module page: answer only the first question and submit, so the
    /// error summary shows.
    QuizErrors,
    /// Before opening the page: pass every module of the course.
    PassAllModules,
    /// On the declaration page: tick the box and sign.
    SignDeclaration,
    /// On the course home: type a staff id and a code with a typing
    /// mistake, so the identity form shows its message.
    MistypeCode,
    /// On the course home: type a code with another person's id, so the
    /// identity form says the code belongs to a different staff id.
    CodeOfAnotherId,
    /// Before opening the page: sign in (the SPEC test vector's T042).
    SignIn,
    /// On "Who do I tell?": choose by keyboard through to an answer.
    TreeAnswer,
    /// On the account application: check it empty, so the errors show.
    FormErrors,
    /// On the account application: fill it in and check it, so the
    /// finished application shows.
    FormSummary,
    /// On the checklist: tick two items.
    TickTwo,
}

/// One kind of page.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// What it is, for messages.
    pub kind: &'static str,
    /// Its address relative to the site root.
    pub path: &'static str,
    /// The HTTP status the server answers with.
    pub status: u16,
    pub setup: Setup,
}

const fn page(kind: &'static str, path: &'static str) -> Page {
    Page {
        kind,
        path,
        status: 200,
        setup: Setup::None,
    }
}

const fn with(kind: &'static str, path: &'static str, setup: Setup) -> Page {
    Page {
        kind,
        path,
        status: 200,
        setup,
    }
}

/// Every page type, in the order the checks visit them.
pub const PAGES: &[Page] = &[
    page("home, listing the policies", "index.html"),
    page("policy front page", "social-media/index.html"),
    page("policy page", "social-media/scope.html"),
    page("policy page (appendix)", "social-media/appendix-a.html"),
    page("printable policy", "social-media/print.html"),
    with(
        "search with results",
        "search.html?q=social+media",
        Setup::WaitFor("#search-results a[href]"),
    ),
    page("search, empty", "search.html"),
    Page {
        kind: "404 page",
        path: "no-such-page.html",
        status: 404,
        setup: Setup::None,
    },
    Page {
        kind: "404 page at a deep address",
        path: "a/b/c/no-such-page.html",
        status: 404,
        setup: Setup::None,
    },
    page("course home, nobody signed in", "course/index.html"),
    page(
        "module page, nobody signed in",
        "course/social-media/scope.html",
    ),
    page(
        "declaration, nobody signed in",
        "course/social-media/declaration.html",
    ),
    with(
        "course home, identity form with a typing mistake",
        "course/index.html",
        Setup::MistypeCode,
    ),
    with(
        "course home, identity form with a code of another id",
        "course/index.html",
        Setup::CodeOfAnotherId,
    ),
    with(
        "course home, signed in, not started",
        "course/index.html",
        Setup::SignIn,
    ),
    page("module page", "course/social-media/scope.html"),
    with(
        "module page, questions not answered with the error summary",
        "course/social-media/scope.html",
        Setup::QuizErrors,
    ),
    with(
        "module page, failed attempt with feedback",
        "course/social-media/scope.html",
        Setup::FailQuiz,
    ),
    with(
        "module page, passed attempt with feedback",
        "course/social-media/scope.html",
        Setup::PassQuiz,
    ),
    page("course home, in progress", "course/index.html"),
    page(
        "declaration, not yet available",
        "course/social-media/declaration.html",
    ),
    with(
        "declaration, ready to sign",
        "course/social-media/declaration.html",
        Setup::PassAllModules,
    ),
    with(
        "declaration, signed, token shown",
        "course/social-media/declaration.html",
        Setup::SignDeclaration,
    ),
    page("course home, complete", "course/index.html"),
    page("parents' landing page", "parents/index.html"),
    page("parents' page", "parents/keeping-children-safe-online.html"),
    page("tools landing page", "tools/index.html"),
    page("decision tree, first question", "tools/who-do-i-tell.html"),
    with(
        "decision tree, answer shown",
        "tools/who-do-i-tell.html",
        Setup::TreeAnswer,
    ),
    page("form, fresh", "tools/account-application.html"),
    with(
        "form, checked empty with errors",
        "tools/account-application.html",
        Setup::FormErrors,
    ),
    with(
        "form, finished application",
        "tools/account-application.html",
        Setup::FormSummary,
    ),
    with(
        "checklist, two items ticked",
        "tools/personal-use-checklist.html",
        Setup::TickTwo,
    ),
    page("version history", "social-media/versions.html"),
];

/// Opens the page, does its setup, and leaves it ready to be checked.
pub async fn visit(b: &Browser, page: &Page) {
    match page.setup {
        Setup::PassAllModules => quiz::pass_all_modules(b).await,
        Setup::SignIn => quiz::sign_in_as_spec_vector(b).await,
        _ => {}
    }
    b.open(page.path).await;
    match page.setup {
        Setup::None | Setup::PassAllModules | Setup::SignIn => {}
        Setup::WaitFor(css) => {
            b.wait_visible(css).await;
        }
        Setup::FailQuiz => {
            quiz::ready(b).await;
            let data = quiz::quiz_data(b).await;
            quiz::answer_by_clicking(b, &data, quiz::Question::wrong).await;
            let (passed, _) = quiz::submit(b).await;
            assert!(!passed, "{}: every answer wrong fails", page.kind);
            b.wait_visible("#quiz .feedback").await;
        }
        Setup::PassQuiz => {
            quiz::ready(b).await;
            let data = quiz::quiz_data(b).await;
            quiz::answer_by_clicking(b, &data, quiz::Question::correct).await;
            let (passed, _) = quiz::submit(b).await;
            assert!(passed, "{}: every answer right passes", page.kind);
            b.wait_visible("#quiz .feedback").await;
        }
        Setup::QuizErrors => {
            quiz::ready(b).await;
            let data = quiz::quiz_data(b).await;
            quiz::submit_with_unanswered(b, &data).await;
        }
        Setup::SignDeclaration => {
            quiz::sign_declaration(b).await;
            b.wait_visible("#token-text").await;
        }
        Setup::MistypeCode => {
            token_flow::mistype_code(b).await;
        }
        Setup::CodeOfAnotherId => {
            token_flow::code_of_another_id(b).await;
        }
        Setup::TreeAnswer => {
            tools::tree_to_answer(b).await;
        }
        Setup::FormErrors => {
            tools::form_submit_empty(b).await;
        }
        Setup::FormSummary => {
            tools::form_submit_valid(b).await;
        }
        Setup::TickTwo => {
            tools::tick_two(b).await;
        }
    }
    // Let any announcement (aria-live) or late script settle into the DOM.
    b.wait_until("document.readyState === 'complete'", page.kind)
        .await;
}

/// The pages of the second school's policy (`tests/fixtures/second-policy`)
/// that the accessibility gate checks besides [`PAGES`]: a page with a
/// table, footnotes and highlighted code, a page three folders deep, the
/// module page that shows two pages with footnotes, and the printable
/// policy.
pub const SECOND_POLICY_PAGES: &[Page] = &[
    page(
        "page with a table, footnotes and code",
        "acceptable-use/devices/staff.html",
    ),
    page(
        "page three folders deep",
        "acceptable-use/devices/laptops/repairs/reporting.html",
    ),
    page(
        "module page of two pages with footnotes",
        "course/acceptable-use/devices.html",
    ),
    page(
        "printable policy of nested folders",
        "acceptable-use/print.html",
    ),
    Page {
        kind: "404 page at a deep address",
        path: "acceptable-use/devices/laptops/no-such-page.html",
        status: 404,
        setup: Setup::None,
    },
];

/// The pages of a trust of three schools with their people
/// (`tests/fixtures/three-schools`) that the accessibility gate checks
/// besides [`PAGES`]: the parents' pages with the urgent-help box and each
/// school's contacts, and the version history of a policy never published
/// with `handbook publish`.
pub const THREE_SCHOOLS_PAGES: &[Page] = &[
    page("home with a logo and three schools' offices", "index.html"),
    page("parents' section with the contacts", "parents/index.html"),
    page("parents' page with the contacts", "parents/worried.html"),
    page(
        "version history, first published",
        "safeguarding/versions.html",
    ),
];
