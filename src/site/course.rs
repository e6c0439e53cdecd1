//! The staff course's pages: the course home, one page per module (its
//! policy pages' text, then its quiz) and the declaration, and the
//! `course` variable every template receives.

use rayon::prelude::*;

use super::{Pages, Prepared, elsewhere};
use crate::content::Page;
use crate::course::tool::PolicyLookup;
use crate::error::Result;
use crate::render::context::{
    CourseData, CourseDataModule, CourseInfo, CourseModule, CourseVersion, Link, ModuleInfo,
    ModuleLink, ModulePage, ModuleTemplate, Question, QuizData, QuizOption,
};

/// The course home, relative to the site root.
const HOME_URL: &str = "course/index.html";

/// The declaration page, relative to the site root.
const DECLARATION_URL: &str = "course/declaration.html";

/// A module's page, relative to the site root.
pub(super) fn module_url(module: &str) -> String {
    format!("course/{module}.html")
}

impl<'a> Prepared<'a> {
    /// The pages of a course module, in reading order, with their
    /// positions in the site's entries.
    fn module_pages(&self, module: &str) -> Vec<(usize, &'a Page)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.page?)))
            .filter(|(_, p)| p.front.module.as_deref() == Some(module))
            .collect()
    }

    fn reading_minutes(&self, pages: &[(usize, &Page)]) -> usize {
        let words: usize = pages
            .iter()
            .map(|&(i, _)| self.rendered[i].word_count)
            .sum();
        words.div_ceil(200).max(1)
    }

    /// The `course` variable, or `None` without quizzes.
    pub(super) fn course_info(&self) -> Option<CourseInfo<'_>> {
        let site = self.site;
        let quizzes = &site.quizzes;
        if quizzes.is_empty() {
            return None;
        }
        let modules = quizzes
            .iter()
            .map(|q| {
                let pages = self.module_pages(&q.module);
                CourseModule {
                    id: &q.module,
                    title: &q.title,
                    url: module_url(&q.module),
                    pass_mark: q.pass_mark,
                    question_count: q.questions.len(),
                    reading_minutes: self.reading_minutes(&pages),
                    pages: pages
                        .iter()
                        .map(|&(i, _)| Link {
                            title: &self.titles[i],
                            url: &self.urls[i],
                        })
                        .collect(),
                }
            })
            .collect();
        let history = site.history();
        let data = CourseData {
            history: history
                .iter()
                .map(|v| CourseVersion {
                    changes_url: v.changes_url.as_deref(),
                    id: &v.id,
                    label: &v.label,
                    minor: v.minor,
                })
                .collect(),
            label: &site.config.version,
            modules: quizzes
                .iter()
                .map(|q| CourseDataModule {
                    id: &q.module,
                    pass_mark: q.pass_mark,
                    title: &q.title,
                    url: module_url(&q.module),
                })
                .collect(),
            office_email: &site.config.office_email,
            site: &site.config.id,
            site_title: &site.config.title,
            version: &site.version_id,
        };
        Some(CourseInfo {
            url: HOME_URL,
            declaration_url: DECLARATION_URL,
            modules,
            data_json: crate::util::html::script_json(&data),
        })
    }

    /// Module `index`'s questions, each with a link to the paragraph it
    /// comes from.
    fn questions(&self, index: usize) -> Vec<Question<'_>> {
        self.site.quizzes[index]
            .questions
            .iter()
            .map(|q| {
                let (policy_url, policy_title) = PolicyLookup::link(self, &q.policy_ref);
                Question {
                    explain: &q.explain,
                    id: &q.id,
                    kind: q.kind,
                    options: self.options_of(q),
                    policy_title,
                    policy_url,
                    prompt: &q.prompt,
                }
            })
            .collect()
    }

    /// A question's options as shown: a true/false question's two in the
    /// site's language.
    fn options_of(&self, q: &crate::course::quiz::Question) -> Vec<QuizOption> {
        let strings = &self.site.strings;
        let words = [
            strings.text("module.answer_true", &[]),
            strings.text("module.answer_false", &[]),
        ];
        let true_false = q.kind == crate::course::quiz::Kind::TrueFalse;
        q.choices()
            .into_iter()
            .enumerate()
            .map(|(i, c)| QuizOption {
                correct: c.correct,
                text: match words.get(i) {
                    Some(word) if true_false => word.clone(),
                    _ => c.text,
                },
            })
            .collect()
    }

    /// The `module` variable of module `index`'s page.
    fn module_info<'s>(&'s self, index: usize, questions: &'s [Question<'s>]) -> ModuleInfo<'s> {
        let quizzes = &self.site.quizzes;
        let quiz = &quizzes[index];
        let pages = self.module_pages(&quiz.module);
        let url = module_url(&quiz.module);
        let mut taken = std::collections::HashSet::new();
        let page_texts = pages
            .iter()
            .map(|&(i, p)| {
                // The page's text moves into course/: its links are
                // rewritten to reach the same files from there, its
                // `#anchor` links go back to the page, and its ids are
                // its own.
                let anchor = elsewhere::part_anchor(&p.source, &mut taken);
                ModulePage {
                    title: &self.titles[i],
                    url: &self.urls[i],
                    content: elsewhere::render_part(
                        p,
                        (&self.urls[i], &url),
                        &anchor,
                        true,
                        self.site.strings.markdown_labels(),
                    ),
                }
            })
            .collect();
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| quizzes.get(j)).map(|q| ModuleLink {
                title: &q.title,
                url: module_url(&q.module),
            })
        };
        let data = QuizData {
            module: &quiz.module,
            pass_mark: quiz.pass_mark,
            questions,
        };
        ModuleInfo {
            id: &quiz.module,
            title: &quiz.title,
            pass_mark: quiz.pass_mark,
            reading_minutes: self.reading_minutes(&pages),
            pages: page_texts,
            questions,
            quiz_json: crate::util::html::script_json(&data),
            prev: neighbour(index.checked_sub(1)),
            next: neighbour(Some(index + 1)),
        }
    }

    /// The course home, one page per module and the declaration; returns
    /// how many pages.
    pub(super) fn render_course(&self, out: &Pages<'_>) -> Result<usize> {
        let quizzes = &self.site.quizzes;
        if quizzes.is_empty() {
            return Ok(0);
        }
        let strings = &self.site.strings;
        let mut pages = vec![
            (
                "course.html",
                HOME_URL.to_string(),
                strings.text("course.name", &[]),
                None,
            ),
            (
                "declaration.html",
                DECLARATION_URL.to_string(),
                strings.text("declaration.title", &[]),
                None,
            ),
        ];
        for (i, quiz) in quizzes.iter().enumerate() {
            pages.push((
                "module.html",
                module_url(&quiz.module),
                quiz.title.clone(),
                Some(i),
            ));
        }
        let results: Vec<Result<()>> = pages
            .par_iter()
            .map(|(template, url, title, module)| {
                let mut generated = self.generated_template(url, title);
                match module {
                    Some(i) => {
                        // The module shows its pages' text, and their code.
                        generated.place.page_has_code = (self.module_pages(&quizzes[*i].module))
                            .iter()
                            .any(|&(j, _)| self.rendered[j].highlighted);
                        let questions = self.questions(*i);
                        let context = ModuleTemplate {
                            generated,
                            module: self.module_info(*i, &questions),
                        };
                        out.write(template, url, &context)
                    }
                    None => out.write(template, url, &generated),
                }
            })
            .collect();
        for result in results {
            result?;
        }
        Ok(pages.len())
    }
}
