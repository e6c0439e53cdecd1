//! The staff courses: the course home (every policy's course), and for
//! each policy with quizzes one page per module (its policy pages' text,
//! then its quiz) and the declaration, under `course/<policy>/`; and the
//! `course` variable of a policy's pages.

use rayon::prelude::*;

use super::{Pages, Prepared, elsewhere};
use crate::content::Page;
use crate::course::length::{self, Length};
use crate::course::quiz::Quiz;
use crate::course::tool::PolicyLookup;
use crate::error::Result;
use crate::render::context::{
    CourseData, CourseDataModule, CourseHomeData, CourseHomeTemplate, CourseInfo, CourseModule,
    CourseVersion, Link, ModuleInfo, ModuleLink, ModulePage, ModuleTemplate, Question, QuizData,
    QuizOption,
};

/// `options` in an order that depends only on `seed` (a question's id):
/// the same on every build, different from question to question, and
/// unrelated to the order of the quiz file. quiz.js shows its own new order
/// on every attempt; this is the order of the page without JavaScript.
fn shuffled<T>(mut options: Vec<T>, seed: &str) -> Vec<T> {
    use rand::SeedableRng as _;
    use rand::seq::SliceRandom as _;
    use sha2::Digest as _;
    let seed: [u8; 32] = sha2::Sha256::digest(seed.as_bytes()).into();
    options.shuffle(&mut rand::rngs::StdRng::from_seed(seed));
    options
}

/// The course home, relative to the site root.
pub(super) const HOME_URL: &str = "course/index.html";

/// A policy's declaration page, relative to the site root.
pub(super) fn declaration_url(policy: &str) -> String {
    format!("course/{policy}/declaration.html")
}

/// A module's page, relative to the site root.
pub(super) fn module_url(policy: &str, module: &str) -> String {
    format!("course/{policy}/{module}.html")
}

impl<'a> Prepared<'a> {
    /// The pages of module `module` of policy `p`, in reading order, with
    /// their positions in the site's entries.
    fn module_pages(&self, p: usize, module: &str) -> Vec<(usize, &'a Page)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, _)| self.entry_policy[*i] == Some(p))
            .filter_map(|(i, e)| Some((i, e.page?)))
            .filter(|(_, page)| page.front.module.as_deref() == Some(module))
            .collect()
    }

    /// How long module `quiz` of policy `p` takes: its pages (each part's
    /// title and text, as the module page shows them) and its quiz.
    fn module_length(&self, p: usize, quiz: &Quiz) -> Length {
        let words = self
            .module_pages(p, &quiz.module)
            .iter()
            .map(|&(i, _)| self.rendered[i].word_count + length::words(&self.titles[i]))
            .sum();
        length::of_module(words, quiz)
    }

    /// Policy `p`'s `course` variable, or `None` when it has no quizzes.
    pub(super) fn course_info(&self, p: usize) -> Option<CourseInfo<'_>> {
        let site = self.site;
        let policy = site.policy(p);
        let built = &site.policies[p];
        let quizzes = &built.quizzes;
        if quizzes.is_empty() {
            return None;
        }
        let modules = quizzes
            .iter()
            .map(|q| {
                let pages = self.module_pages(p, &q.module);
                CourseModule {
                    id: &q.module,
                    title: &q.title,
                    url: module_url(&policy.id, &q.module),
                    pass_mark: q.pass_mark,
                    question_count: q.questions.len(),
                    minutes: self.module_length(p, q).minutes(),
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
        let history = site.history(p);
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
            label: &policy.version,
            modules: quizzes
                .iter()
                .map(|q| CourseDataModule {
                    id: &q.module,
                    pass_mark: q.pass_mark,
                    title: &q.title,
                    url: module_url(&policy.id, &q.module),
                })
                .collect(),
            office_email: &site.config.office_email,
            policy: &policy.id,
            policy_title: &policy.title,
            site: &site.config.id,
            site_title: &site.config.title,
            version: &built.version_id,
        };
        Some(CourseInfo {
            policy: &policy.id,
            title: &policy.title,
            label: &policy.version,
            readers: crate::render::context::readers(policy, &self.site.strings),
            url: HOME_URL,
            declaration_url: declaration_url(&policy.id),
            minutes: quizzes
                .iter()
                .map(|q| self.module_length(p, q))
                .sum::<Length>()
                .minutes(),
            modules,
            data_json: crate::util::html::script_json(&data),
        })
    }

    /// The questions of module `index` of policy `p`, each with a link to
    /// the paragraph it comes from.
    fn questions(&self, p: usize, index: usize) -> Vec<Question<'_>> {
        self.site.policies[p].quizzes[index]
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
    /// site's language, True first; any other question's in an order of
    /// their own (see [`shuffled`]), so that the page read without
    /// JavaScript does not give the answer away by always putting the
    /// right option first, as quiz files often do.
    fn options_of(&self, q: &crate::course::quiz::Question) -> Vec<QuizOption> {
        let strings = &self.site.strings;
        let words = [
            strings.text("module.answer_true", &[]),
            strings.text("module.answer_false", &[]),
        ];
        let true_false = q.kind == crate::course::quiz::Kind::TrueFalse;
        let options = q
            .choices()
            .into_iter()
            .enumerate()
            .map(|(i, c)| QuizOption {
                correct: c.correct,
                text: match words.get(i) {
                    Some(word) if true_false => word.clone(),
                    _ => c.text,
                },
            });
        if true_false {
            options.collect()
        } else {
            shuffled(options.collect(), &q.id)
        }
    }

    /// The `module` variable of the page of module `index` of policy `p`.
    fn module_info<'s>(
        &'s self,
        p: usize,
        index: usize,
        questions: &'s [Question<'s>],
    ) -> ModuleInfo<'s> {
        let policy = &self.site.policy(p).id;
        let quizzes = &self.site.policies[p].quizzes;
        let quiz = &quizzes[index];
        let pages = self.module_pages(p, &quiz.module);
        let url = module_url(policy, &quiz.module);
        let mut taken = std::collections::HashSet::new();
        let page_texts = pages
            .iter()
            .map(|&(i, page)| {
                // The page's text moves into course/<policy>/: its links
                // are rewritten to reach the same files from there, its
                // `#anchor` links go back to the page, and its ids are
                // its own.
                let anchor = elsewhere::part_anchor(&page.source, &mut taken);
                ModulePage {
                    title: &self.titles[i],
                    url: &self.urls[i],
                    content: elsewhere::render_part(
                        page,
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
                url: module_url(policy, &q.module),
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
            minutes: self.module_length(p, quiz).minutes(),
            pages: page_texts,
            questions,
            quiz_json: crate::util::html::script_json(&data),
            prev: neighbour(index.checked_sub(1)),
            next: neighbour(Some(index + 1)),
        }
    }

    /// The course home (when any policy has a course), and each policy's
    /// modules and declaration; returns how many pages.
    pub(super) fn render_course(&self, out: &Pages<'_>) -> Result<usize> {
        let site = self.site;
        let courses: Vec<CourseInfo<'_>> = (0..site.policies.len())
            .filter_map(|p| self.course_info(p))
            .collect();
        if courses.is_empty() {
            return Ok(0);
        }
        let strings = &site.strings;
        let home_title = strings.text("course.name", &[]);
        let home = CourseHomeData {
            office_email: &site.config.office_email,
            policies: courses.iter().map(|c| c.policy).collect(),
            site: &site.config.id,
            site_title: &site.config.title,
        };
        let context = CourseHomeTemplate {
            generated: self.generated_template(HOME_URL, &home_title, None),
            home_json: crate::util::html::script_json(&home),
            courses,
        };
        out.write("course.html", HOME_URL, None, &context)?;
        let mut pages = Vec::new();
        for (p, built) in site.policies.iter().enumerate() {
            if built.quizzes.is_empty() {
                continue;
            }
            let policy = &site.policy(p).id;
            pages.push((
                p,
                declaration_url(policy),
                strings.text("declaration.title", &[]),
                None,
            ));
            for (i, quiz) in built.quizzes.iter().enumerate() {
                pages.push((
                    p,
                    module_url(policy, &quiz.module),
                    quiz.title.clone(),
                    Some(i),
                ));
            }
        }
        let results: Vec<Result<()>> = pages
            .par_iter()
            .map(|(p, url, title, module)| {
                let mut generated = self.generated_template(url, title, Some(*p));
                match module {
                    Some(i) => {
                        let quiz = &site.policies[*p].quizzes[*i];
                        // The module shows its pages' text, and their code.
                        generated.place.page_has_code = (self.module_pages(*p, &quiz.module))
                            .iter()
                            .any(|&(j, _)| self.rendered[j].highlighted);
                        let questions = self.questions(*p, *i);
                        let context = ModuleTemplate {
                            generated,
                            module: self.module_info(*p, *i, &questions),
                        };
                        out.write("module.html", url, Some(*p), &context)
                    }
                    None => out.write("declaration.html", url, Some(*p), &generated),
                }
            })
            .collect();
        for result in results {
            result?;
        }
        Ok(pages.len() + 1)
    }
}
