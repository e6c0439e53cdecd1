//! Quiz files (`quizzes/*.yaml`, one per course module): typed with serde
//! and checked for every inconsistency a quiz author can make, each with
//! the file, the line and a fix.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::is_slug;
use crate::error::{Diagnostic, Resolution};
use crate::util::yaml;

/// The folder under the site root that holds the quizzes.
pub(crate) const QUIZ_DIR: &str = "quizzes";

/// The kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// One right option (radio buttons).
    Single,
    /// One or more right options (checkboxes).
    Multiple,
    /// A statement that is true or false.
    TrueFalse,
}

/// One option of a question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Choice {
    /// What the option says.
    pub text: String,
    /// Whether it is a right answer.
    #[serde(default)]
    pub correct: bool,
}

/// One question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Question {
    /// Unique within its quiz.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// single, multiple or true_false.
    pub kind: Kind,
    /// The options. A true_false question may give its two, True and
    /// False, with `correct: true` on the right one instead of `answer`;
    /// once parsed it holds none and `answer` says which.
    #[serde(default)]
    pub options: Vec<Choice>,
    /// The right answer of a true_false question.
    #[serde(default)]
    pub answer: Option<bool>,
    /// Why the right answer is right.
    pub explain: String,
    /// The paragraph it comes from: `page#anchor`.
    pub policy_ref: String,
}

impl Question {
    /// The options as shown: true_false questions get "True" and "False".
    pub(crate) fn choices(&self) -> Vec<Choice> {
        match (self.kind, self.answer) {
            (Kind::TrueFalse, answer) => vec![
                Choice {
                    text: "True".to_string(),
                    correct: answer == Some(true),
                },
                Choice {
                    text: "False".to_string(),
                    correct: answer == Some(false),
                },
            ],
            _ => self.options.clone(),
        }
    }
}

/// A quiz file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    module: String,
    title: String,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    pass_mark: Option<i64>,
    #[serde(default)]
    questions: Vec<Question>,
}

/// A course module's quiz, loaded and checked.
#[derive(Debug, Clone)]
pub(crate) struct Quiz {
    /// The policy whose course it belongs to (`quizzes/<policy>/`).
    pub policy: String,
    /// The module id (unique within its policy).
    pub module: String,
    /// The module's title.
    pub title: String,
    /// The order the file asks for (`weight:`), if any: the course
    /// follows the order of the pages, and a weight that disagrees gets a
    /// warning.
    pub weight: Option<i64>,
    /// The line of `weight:`.
    pub weight_line: Option<usize>,
    /// Pass mark in percent (the site default when the file gives none).
    pub pass_mark: i64,
    /// The questions in order.
    pub questions: Vec<Question>,
    /// `quizzes/<policy>/<file>.yaml`, for messages.
    pub file: PathBuf,
    /// For each question, the line of its `policy_ref:`.
    pub ref_lines: Vec<usize>,
    /// The line of `module:`.
    pub module_line: usize,
}

/// Loads every `quizzes/<policy>/*.yaml` of one policy's course, sorted by
/// module id, checking what can be checked without the content (see
/// [`validate_refs`]). The site puts them in the order of their pages. A
/// policy without the folder has no course (it is read-only).
pub(crate) fn load(
    root: &Path,
    policy: &str,
    default_pass_mark: i64,
) -> Result<Vec<Quiz>, Vec<Diagnostic>> {
    let top = root.join(QUIZ_DIR);
    let dir = top.join(policy);
    let folder = Path::new(QUIZ_DIR).join(policy);
    for linked in [&top, &dir] {
        if let Some(message) = crate::content::link_problem(root, linked) {
            return Err(vec![
                Diagnostic::error(&folder, None, message).help(crate::content::LINK_HELP),
            ]);
        }
    }
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut quizzes = Vec::new();
    let mut problems = Vec::new();
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(err) => {
            return Err(vec![Diagnostic::error(
                &folder,
                None,
                format!("cannot be read: {err}"),
            )]);
        }
    };
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let file = folder.join(&name);
        // Checked before reading: a quiz linked to the roster must not be
        // parsed, or the YAML error would quote the roster.
        if let Some(message) = crate::content::link_problem(root, &path) {
            problems.push(Diagnostic::error(&file, None, message).help(crate::content::LINK_HELP));
            continue;
        }
        let text = match std::fs::read(&path) {
            Ok(bytes) => match crate::util::source::utf8_text(&file, bytes) {
                Ok(text) => text,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            },
            Err(err) => {
                problems.push(
                    Diagnostic::error(&file, None, format!("cannot be read: {err}"))
                        .help("check that the quiz is a file you can read"),
                );
                continue;
            }
        };
        match parse(&file, &text, default_pass_mark) {
            Ok(mut quiz) => {
                quiz.policy = policy.to_string();
                quizzes.push(quiz);
            }
            Err(mut errs) => problems.append(&mut errs),
        }
    }
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for quiz in &quizzes {
        if let Some(first) = seen.insert(quiz.module.clone(), quiz.file.clone()) {
            problems.push(
                Diagnostic::error(
                    &quiz.file,
                    Some(1),
                    format!(
                        "module `{}` also has a quiz in {}",
                        quiz.module,
                        first.display()
                    ),
                )
                .help("keep one quiz file per module, or give this one another `module:`"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    quizzes.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(quizzes)
}

/// Loads the courses of every policy of `config` (in its order), and
/// refuses quiz files that belong to no policy: one directly in `quizzes/`
/// or in a folder that names no policy.
pub(crate) fn load_all(
    root: &Path,
    config: &crate::config::SiteConfig,
) -> Result<Vec<Quiz>, Vec<Diagnostic>> {
    let mut quizzes = Vec::new();
    let mut problems = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join(QUIZ_DIR)) {
        let mut names: Vec<(String, bool)> = entries
            .flatten()
            .map(|e| {
                let is_dir = e.path().is_dir();
                (e.file_name().to_string_lossy().into_owned(), is_dir)
            })
            .filter(|(name, _)| !name.starts_with('.'))
            .collect();
        names.sort();
        for (name, is_dir) in names {
            let file = Path::new(QUIZ_DIR).join(&name);
            if is_dir && config.policy(&name).is_none() {
                problems.push(
                    Diagnostic::error(
                        &file,
                        None,
                        format!("`{name}` is not a policy of this site"),
                    )
                    .help(format!(
                        "a course's quizzes go in quizzes/<policy>/, where <policy> is one of \
                             {}; rename the folder or add the policy to site.yaml",
                        config.policy_list()
                    )),
                );
            } else if !is_dir && (name.ends_with(".yaml") || name.ends_with(".yml")) {
                problems.push(
                    Diagnostic::error(&file, None, "this quiz belongs to no policy").help(format!(
                        "move it into the folder of its policy's course, quizzes/<policy>/, \
                             where <policy> is one of {}",
                        config.policy_list()
                    )),
                );
            }
        }
    }
    for policy in &config.policies {
        match load(root, &policy.id, config.course.pass_mark) {
            Ok(mut found) => quizzes.append(&mut found),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(quizzes)
    } else {
        Err(problems)
    }
}

/// Parses and checks one quiz file.
pub(crate) fn parse(
    file: &Path,
    text: &str,
    default_pass_mark: i64,
) -> Result<Quiz, Vec<Diagnostic>> {
    let text = text.replace("\r\n", "\n");
    let mut raw: QuizFile = yaml::parse(file, &text).map_err(|problem| {
        vec![problem.help(
            "a quiz takes module, title, weight, pass_mark and questions; a question takes \
             id, prompt, kind (single, multiple or true_false), options (text, correct), answer, \
             explain and policy_ref — see docs/authoring.md",
        )]
    })?;
    let lines = yaml::item_lines(&text, "questions", raw.questions.len());
    let top = |key: &str| yaml::key_line(&text, key);
    let pass_mark = raw.pass_mark.unwrap_or(default_pass_mark);
    let mut problems = Vec::new();
    let mut problem = |line: Option<usize>, message: String, help: &str| {
        problems.push(Diagnostic::error(file, line, message).help(help.to_string()));
    };
    if !is_slug(&raw.module) {
        problem(
            top("module"),
            format!("module id `{}` is not valid", raw.module),
            "use lower-case letters, digits and `-`, e.g. `module: behaviour`",
        );
    }
    if raw.title.trim().is_empty() {
        problem(
            top("title"),
            "the quiz has an empty title".to_string(),
            "give the module a title",
        );
    }
    if !(0..=100).contains(&pass_mark) {
        problem(
            top("pass_mark"),
            format!("pass mark {pass_mark} is outside 0–100"),
            "give the pass mark as a percentage, e.g. `pass_mark: 80`",
        );
    }
    if raw.questions.is_empty() {
        problem(
            top("questions").or(Some(1)),
            "the quiz has no questions".to_string(),
            "add at least one question under `questions:`",
        );
    }
    let mut ids = HashSet::new();
    let mut ref_lines = Vec::with_capacity(raw.questions.len());
    for (i, q) in raw.questions.iter_mut().enumerate() {
        let start = lines[i];
        let end = lines.get(i + 1).copied().unwrap_or(usize::MAX);
        let at = |key: &str| Some(yaml::field_line(&text, start, end, key).unwrap_or(start));
        ref_lines.push(at("policy_ref").unwrap_or(start));
        check_question(q, &mut ids, &mut |key, message, help| {
            problem(at(key), message, help)
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Quiz {
        policy: String::new(),
        module: raw.module,
        title: raw.title,
        weight: raw.weight,
        weight_line: top("weight"),
        pass_mark,
        questions: raw.questions,
        file: file.to_path_buf(),
        ref_lines,
        module_line: top("module").unwrap_or(1),
    })
}

/// Reports a problem with a question: the key it is about (for its line),
/// what is wrong and how to fix it.
type Report<'a> = dyn FnMut(&str, String, &str) + 'a;

/// Checks one question; `ids` holds the ids of the questions before it.
/// A true_false question written with options is turned into the form
/// with `answer`.
fn check_question(q: &mut Question, ids: &mut HashSet<String>, problem: &mut Report<'_>) {
    if !is_slug(&q.id) {
        problem(
            "id",
            format!("question id `{}` is not valid", q.id),
            "use lower-case letters, digits and `-`",
        );
    } else if !ids.insert(q.id.clone()) {
        problem(
            "id",
            format!("question id `{}` is used twice", q.id),
            "give every question in the quiz its own id",
        );
    }
    if q.prompt.trim().is_empty() {
        problem(
            "prompt",
            format!("question `{}` has an empty prompt", q.id),
            "write the question in `prompt:`",
        );
    }
    if q.explain.trim().is_empty() {
        problem(
            "explain",
            format!("question `{}` has an empty explanation", q.id),
            "say in `explain:` why the right answer is right",
        );
    }
    if !q.policy_ref.contains('#') || q.policy_ref.starts_with('#') {
        problem(
            "policy_ref",
            format!(
                "question `{}`: policy_ref `{}` is not of the form page#anchor",
                q.id, q.policy_ref
            ),
            "point to the paragraph the answer comes from, e.g. `policy_ref: behaviour#journalists`",
        );
    }
    for (n, option) in q.options.iter().enumerate() {
        if option.text.trim().is_empty() {
            problem(
                "options",
                format!("question `{}`: option {} is empty", q.id, n + 1),
                "give every option some text",
            );
        }
    }
    match q.kind {
        Kind::Single | Kind::Multiple => check_choices(q, problem),
        Kind::TrueFalse if q.options.is_empty() => {
            if q.answer.is_none() {
                problem(
                    "kind",
                    format!("question `{}` is true_false but has no `answer`", q.id),
                    "add `answer: true` or `answer: false`, or the options True and False \
                     with `correct: true` on the right one",
                );
            }
        }
        Kind::TrueFalse => {
            if let Some(answer) = true_false_options(q, problem) {
                q.answer = Some(answer);
                q.options.clear();
            }
        }
    }
}

/// The answer of a true_false question written with options: they must be
/// True and False (in either order), exactly one marked `correct: true`,
/// and no `answer` beside them.
fn true_false_options(q: &Question, problem: &mut Report<'_>) -> Option<bool> {
    let said = |o: &Choice| o.text.trim().to_lowercase();
    let mut texts: Vec<String> = q.options.iter().map(said).collect();
    texts.sort();
    if texts != ["false", "true"] {
        problem(
            "options",
            format!(
                "question `{}` is true_false, so its options must be True and False",
                q.id
            ),
            "give the two options `- text: True` and `- text: False` and mark the right one \
             `correct: true`, or make the question `kind: single`",
        );
        return None;
    }
    if q.answer.is_some() {
        problem(
            "answer",
            format!(
                "question `{}` gives both `answer` and options marked correct",
                q.id
            ),
            "keep one: `answer: true` (or false), or `correct: true` on the right option",
        );
        return None;
    }
    let correct: Vec<&Choice> = q.options.iter().filter(|o| o.correct).collect();
    match correct[..] {
        [right] => Some(said(right) == "true"),
        _ => {
            problem(
                "options",
                format!(
                    "question `{}` is true_false but has {} correct options",
                    q.id,
                    correct.len()
                ),
                "mark exactly one of True and False `correct: true`",
            );
            None
        }
    }
}

/// Checks the options of a `single` or `multiple` question: at least two,
/// and one right (`single`) or at least one right (`multiple`).
fn check_choices(q: &Question, problem: &mut Report<'_>) {
    let single = q.kind == Kind::Single;
    let correct = q.options.iter().filter(|o| o.correct).count();
    if q.options.len() < 2 {
        problem(
            "options",
            format!("question `{}` needs at least two options", q.id),
            "add the options under `options:`",
        );
    } else if single && correct != 1 {
        problem(
            "options",
            format!(
                "question `{}` is `single` but has {correct} correct options",
                q.id
            ),
            "mark exactly one option `correct: true`, or make the question `kind: multiple`",
        );
    } else if !single && correct == 0 {
        problem(
            "options",
            format!("question `{}` is `multiple` but no option is correct", q.id),
            "mark the right options with `correct: true`",
        );
    }
    if q.answer.is_some() {
        problem(
            "answer",
            format!(
                "question `{}`: `answer` is only for true_false questions",
                q.id
            ),
            if single {
                "mark the right option with `correct: true` instead"
            } else {
                "mark the right options with `correct: true` instead"
            },
        );
    }
}

/// Checks what needs the content: every module has policy pages, and every
/// `policy_ref` resolves. `resolve` answers for a `page#anchor` (content
/// path without `.md`) whether it exists, and if not, why and how to fix it.
pub(crate) fn validate_refs(
    quizzes: &[Quiz],
    modules_with_pages: &HashSet<String>,
    resolve: &dyn Fn(&str) -> Resolution,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for quiz in quizzes {
        if !modules_with_pages.contains(&quiz.module) {
            problems.push(
                Diagnostic::error(
                    &quiz.file,
                    Some(quiz.module_line),
                    format!("module `{}` has no policy pages", quiz.module),
                )
                .help(format!(
                    "add `module: {}` to the front matter of the pages this quiz is about",
                    quiz.module
                )),
            );
        }
        for (q, &line) in quiz.questions.iter().zip(&quiz.ref_lines) {
            if let Err((message, help)) = resolve(&q.policy_ref) {
                problems.push(
                    Diagnostic::error(&quiz.file, Some(line), format!("question `{}`: policy_ref `{}` {message}", q.id, q.policy_ref))
                        .help(format!("{help} (policy_ref is page#anchor, the page's path in content/ without .md)")),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests;
