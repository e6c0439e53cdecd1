//! How long a course takes a careful reader: the words on its pages (the
//! policy text, each question's prompt and options, and the feedback that
//! explains the answer) at 200 words a minute, plus 15 seconds to answer
//! each question. The build shows it per module and per course; the
//! records side asks [`policy_minutes`] for a policy's whole course.

use std::path::Path;

use crate::content::{Page, Section};
use crate::course::quiz::{self, Quiz};
use crate::error::{Error, Result};
use crate::markdown::{self, RenderOptions};

/// Reading speed of a careful reader, in words a minute.
pub const WORDS_PER_MINUTE: usize = 200;

/// Time to think about and answer one question, in seconds.
pub const SECONDS_PER_QUESTION: usize = 15;

/// What a stretch of the course asks of its reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Length {
    /// Words to read: policy text, questions, options and feedback.
    pub words: usize,
    /// Questions to answer.
    pub questions: usize,
}

impl Length {
    /// The time in seconds, exactly (never rounded down by more than a
    /// word's fraction of a second).
    pub fn seconds(&self) -> f64 {
        (self.words * 60) as f64 / WORDS_PER_MINUTE as f64
            + (self.questions * SECONDS_PER_QUESTION) as f64
    }

    /// The time in whole minutes as the pages show it: rounded up, and at
    /// least 1.
    pub fn minutes(&self) -> usize {
        // In units of a WORDS_PER_MINUTE-th of a minute, so that the
        // rounding is exact integer arithmetic.
        let units = self.words + self.questions * SECONDS_PER_QUESTION * WORDS_PER_MINUTE / 60;
        units.div_ceil(WORDS_PER_MINUTE).max(1)
    }
}

impl std::ops::Add for Length {
    type Output = Length;

    fn add(self, other: Length) -> Length {
        Length {
            words: self.words + other.words,
            questions: self.questions + other.questions,
        }
    }
}

impl std::iter::Sum for Length {
    fn sum<I: Iterator<Item = Length>>(iter: I) -> Length {
        iter.fold(Length::default(), |a, b| a + b)
    }
}

/// The words of `text`, counted as the reader sees them: runs of
/// non-space characters.
pub(crate) fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A quiz's share: its prompts, options (a true/false question's two
/// words, in whatever language, are one word each) and feedback.
pub(crate) fn of_quiz(quiz: &Quiz) -> Length {
    let words = quiz
        .questions
        .iter()
        .map(|q| {
            let options: usize = match q.kind {
                quiz::Kind::TrueFalse => 2,
                _ => q.options.iter().map(|c| words(&c.text)).sum(),
            };
            words(&q.prompt) + options + words(&q.explain)
        })
        .sum();
    Length {
        words,
        questions: quiz.questions.len(),
    }
}

/// A module: its policy pages' words (`page_words`, as the Markdown
/// renderer counts them) and its quiz.
pub(crate) fn of_module(page_words: usize, quiz: &Quiz) -> Length {
    Length {
        words: page_words,
        questions: 0,
    } + of_quiz(quiz)
}

/// The whole course of `policy` in the handbook at `root`, in minutes as
/// the course home shows it, or `None` when the policy has no course.
/// Reads `content/<policy>/` and `quizzes/<policy>/` only, so that the
/// records side (letters) can say how long the course takes.
pub fn policy_minutes(root: &Path, policy: &str) -> Result<Option<usize>> {
    policy_length(root, policy).map(|l| l.map(|l| l.minutes()))
}

/// The whole course of `policy` as a [`Length`], or `None` when the policy
/// has no quizzes.
pub fn policy_length(root: &Path, policy: &str) -> Result<Option<Length>> {
    let quizzes = quiz::load(root, policy, 0).map_err(Error::Input)?;
    if quizzes.is_empty() {
        return Ok(None);
    }
    let (content, _) = crate::content::load(root).map_err(Error::Input)?;
    let mut pages = Vec::new();
    collect(&content, policy, &mut pages);
    let options = RenderOptions::default();
    Ok(Some(
        quizzes
            .iter()
            .map(|q| {
                let page_words = pages
                    .iter()
                    .filter(|p| p.front.module.as_deref() == Some(q.module.as_str()))
                    .map(|p| markdown::render(&p.body.text(), p.body_line, &options).word_count)
                    .sum();
                of_module(page_words, q)
            })
            .sum(),
    ))
}

/// Every page under `content/<policy>/`.
fn collect<'a>(section: &'a Section, policy: &str, out: &mut Vec<&'a Page>) {
    let inside = |page: &Page| page.source.split('/').next() == Some(policy);
    out.extend(
        section
            .index
            .iter()
            .chain(&section.pages)
            .filter(|p| inside(p)),
    );
    for sub in &section.sections {
        collect(sub, policy, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(yaml: &str) -> Quiz {
        quiz::parse(
            Path::new("quizzes/p/m.yaml"),
            &format!("module: m\ntitle: M\nquestions:\n{yaml}"),
            80,
        )
        .expect("the quiz parses")
    }

    #[test]
    fn minutes_are_words_at_200_a_minute_plus_15_seconds_a_question_rounded_up() {
        let l = |words, questions| Length { words, questions };
        assert_eq!(l(200, 0).minutes(), 1);
        assert_eq!(l(201, 0).minutes(), 2);
        assert_eq!(l(400, 0).minutes(), 2);
        // 4 questions are a minute; 150 words and 1 question are a minute.
        assert_eq!(l(0, 4).minutes(), 1);
        assert_eq!(l(0, 5).minutes(), 2);
        assert_eq!(l(150, 1).minutes(), 1);
        assert_eq!(l(151, 1).minutes(), 2);
        assert_eq!(l(0, 0).minutes(), 1, "never 0 minutes");
        // 676.2 s of reading and 270 s of answering: 15.77 minutes.
        assert_eq!(l(2254, 18).minutes(), 16);
        assert!((l(2254, 18).seconds() - (676.2 + 270.0)).abs() < 1e-9);
    }

    #[test]
    fn lengths_add_up() {
        let total: Length = [
            Length {
                words: 10,
                questions: 1,
            },
            Length {
                words: 5,
                questions: 2,
            },
        ]
        .into_iter()
        .sum();
        assert_eq!(
            total,
            Length {
                words: 15,
                questions: 3
            }
        );
    }

    #[test]
    fn a_quiz_counts_prompts_options_and_feedback() {
        let q = quiz(
            "  - id: a\n    prompt: One two three\n    kind: single\n    options:\n      - text: Yes indeed\n        correct: true\n      - text: No\n    explain: Because it is\n    policy_ref: p/page#x\n  - id: b\n    prompt: Is it true\n    kind: true_false\n    answer: true\n    explain: It is\n    policy_ref: p/page#x\n",
        );
        // 3 + 2 + 1 + 3, then 3 + 2 (True, False) + 2.
        assert_eq!(
            of_quiz(&q),
            Length {
                words: 16,
                questions: 2
            }
        );
        assert_eq!(of_module(100, &q).words, 116);
        assert_eq!(of_module(100, &q).questions, 2);
    }

    #[test]
    fn words_are_runs_of_non_space() {
        assert_eq!(words("  a  b\n\tc — d "), 5);
        assert_eq!(words(""), 0);
    }
}
