//! The build pipeline: load → validate → render → write.
//!
//! [`Site::load`] reads the configuration, content and theme;
//! [`Site::prepare`] renders every page's Markdown (in parallel) and checks
//! links and anchors; [`build`] renders the templates and writes the site
//! into a temporary folder beside the output, then swaps it into place, so
//! a failed build never leaves a half-written site.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::config::SiteConfig;
use crate::content::{self, Assets, Page, Section};
use crate::course::quiz::{self, Quiz};
use crate::course::tool::{self, Tool};
use crate::error::{Diagnostic, Error, Result, into_result};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::render::{Renderer, Theme};
use crate::search;
use crate::versions::PublishedVersion;

/// The file that marks a folder as handbook's output, so that a build never
/// replaces a folder it did not make.
pub const OUTPUT_MARKER: &str = ".handbook-output";

/// Days before the next review when `check` starts to warn.
pub const REVIEW_WARNING_DAYS: i64 = 60;

/// A loaded site: configuration, content tree and theme.
pub struct Site {
    /// The site's folder.
    pub root: PathBuf,
    /// `site.yaml`.
    pub config: SiteConfig,
    /// The content tree.
    pub content: Section,
    /// Non-Markdown files in `content/`.
    pub assets: Assets,
    /// The policy version id of this content (SPEC §5).
    pub version_id: String,
    /// Templates and static files.
    pub theme: Theme,
    /// The course's module quizzes, in course order.
    pub quizzes: Vec<Quiz>,
    /// The published versions, oldest first (`versions.yaml`).
    pub published: Vec<PublishedVersion>,
}

/// One page of the site in reading order: a Markdown page, or a section's
/// index (which may have no `_index.md`).
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    /// The section the entry belongs to (for an index, the section itself).
    pub section: &'a Section,
    /// The Markdown page, if there is one.
    pub page: Option<&'a Page>,
    /// True for a section's index page.
    pub is_index: bool,
}

impl Entry<'_> {
    /// The output path relative to the site root.
    pub fn url(&self) -> String {
        match self.page {
            Some(page) => page.url(),
            None => self.section.url(),
        }
    }

    /// The title people see.
    pub fn title(&self) -> String {
        match self.page {
            Some(page) => page.front.title.clone(),
            None => self.section.title(),
        }
    }
}

/// A site whose pages have been rendered to HTML fragments and checked.
pub struct Prepared<'a> {
    /// The site.
    pub site: &'a Site,
    /// Pages in reading order.
    pub entries: Vec<Entry<'a>>,
    /// The rendered Markdown of each entry (same order).
    pub rendered: Vec<Rendered>,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    by_source: HashMap<&'a str, usize>,
    /// Each entry's URL and title, made once for every page's navigation.
    urls: Vec<String>,
    titles: Vec<String>,
    /// Section folder → the position of its index in `entries`.
    starts: HashMap<&'a str, usize>,
    /// Each page's tool, by the page's content path.
    tools: HashMap<String, Tool>,
}

impl Site {
    /// Loads everything under `root`, reporting all problems at once.
    pub fn load(root: &Path) -> Result<Site> {
        let config = SiteConfig::load(root);
        // The version id reads every file again: do it while the pages parse.
        let (content, version_id) = rayon::join(
            || content::load(root),
            || crate::versions::policy_version_id(root),
        );
        let pass_mark = config.as_ref().map_or(80, |c| c.course.pass_mark);
        let quizzes = quiz::load(root, pass_mark);
        let (config, (content, assets), quizzes) = match (config, content, quizzes) {
            (Ok(config), Ok(content), Ok(quizzes)) => (config, content, quizzes),
            (config, content, quizzes) => {
                let mut problems = Vec::new();
                if let Err(err) = config {
                    match err {
                        Error::Input(mut d) => problems.append(&mut d),
                        other => return Err(other),
                    }
                }
                if let Err(mut d) = content {
                    problems.append(&mut d);
                }
                if let Err(mut d) = quizzes {
                    problems.append(&mut d);
                }
                return Err(Error::Input(problems));
            }
        };
        let theme = Theme::load(root, &config.theme)?;
        let version_id = version_id?;
        let published = crate::versions::load_published(root)?;
        Ok(Site {
            root: root.to_path_buf(),
            config,
            content,
            assets,
            version_id,
            theme,
            quizzes,
            published,
        })
    }

    /// Every page in reading order: each section's index, its pages, then
    /// its sub-sections.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        fn walk<'a>(section: &'a Section, out: &mut Vec<Entry<'a>>) {
            out.push(Entry {
                section,
                page: section.index.as_ref(),
                is_index: true,
            });
            for page in &section.pages {
                out.push(Entry {
                    section,
                    page: Some(page),
                    is_index: false,
                });
            }
            for sub in &section.sections {
                walk(sub, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.content, &mut out);
        out
    }

    /// Renders every page's Markdown and checks links and anchors.
    pub fn prepare(&self) -> Result<Prepared<'_>> {
        let entries = self.entries();
        let rendered: Vec<Rendered> = entries
            .par_iter()
            .map(|entry| match entry.page {
                Some(page) => {
                    markdown::render(&page.body, page.body_line, &RenderOptions::default())
                }
                None => Rendered::default(),
            })
            .collect();
        self.prepare_rendered(rendered)
    }

    /// Like [`Site::prepare`], with each page's Markdown already rendered
    /// (`rendered` in [`Site::entries`] order), as `serve` keeps it between
    /// rebuilds.
    pub fn prepare_rendered(&self, rendered: Vec<Rendered>) -> Result<Prepared<'_>> {
        let entries = self.entries();
        let mut by_source = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            if let Some(page) = entry.page {
                by_source.insert(page.source.as_str(), i);
            }
        }
        let urls = entries.iter().map(Entry::url).collect();
        let titles = entries.iter().map(Entry::title).collect();
        let starts = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_index)
            .map(|(i, e)| (e.section.dir.as_str(), i))
            .collect();
        let prepared = Prepared {
            site: self,
            entries,
            rendered,
            warnings: Vec::new(),
            by_source,
            urls,
            titles,
            starts,
            tools: HashMap::new(),
        };
        let mut prepared = prepared;
        let mut problems = prepared.validate();
        problems.append(&mut prepared.validate_course());
        problems.append(&mut prepared.load_tools());
        prepared.warnings = into_result(problems)?;
        Ok(prepared)
    }
}

impl<'a> Prepared<'a> {
    /// The rendered page for a content path.
    pub fn page(&self, source: &str) -> Option<(&Entry<'a>, &Rendered)> {
        self.by_source
            .get(source)
            .map(|&i| (&self.entries[i], &self.rendered[i]))
    }

    /// Checks that a `page#anchor` reference (content path without `.md`)
    /// resolves; returns what is wrong and how to fix it if not.
    pub fn check_reference(&self, from: &str, target: &str) -> crate::error::Resolution {
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target, None),
        };
        let source = if path.is_empty() {
            Some(from.to_string())
        } else {
            crate::util::paths::resolve_link(from, path)
        };
        let Some(source) = source else {
            return Err((
                "points outside content/".to_string(),
                "link to a page inside content/, relative to this file".to_string(),
            ));
        };
        let Some((_, rendered)) = self.page(&source) else {
            let name = source.rsplit('/').next().unwrap_or(&source);
            let similar: Vec<&str> = self
                .by_source
                .keys()
                .filter(|s| s.rsplit('/').next() == Some(name) || strsim_close(s, &source))
                .copied()
                .collect();
            let help = if similar.is_empty() {
                format!("links are relative to this page's folder; there is no content/{source}")
            } else {
                format!(
                    "there is no content/{source}; did you mean content/{}?",
                    similar[0]
                )
            };
            return Err(("points to a page that does not exist".to_string(), help));
        };
        if let Some(anchor) = anchor
            && !anchor.is_empty()
            && !rendered.anchors.iter().any(|a| a == anchor)
        {
            let known: Vec<String> = rendered
                .anchors
                .iter()
                .take(12)
                .map(|a| format!("#{a}"))
                .collect();
            let help = if known.is_empty() {
                format!("content/{source} has no headings or {{#id}} anchors")
            } else {
                format!("anchors on content/{source}: {}", known.join(", "))
            };
            return Err(("points to an anchor that does not exist".to_string(), help));
        }
        Ok(())
    }

    fn validate(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (entry, rendered) in self.entries.iter().zip(&self.rendered) {
            let Some(page) = entry.page else { continue };
            for problem in &rendered.problems {
                problems.push(
                    Diagnostic::error(page.file(), Some(problem.line), problem.message.clone())
                        .help(problem.help.clone()),
                );
            }
            for link in &rendered.links {
                // Resolve without any query string: `x.md?y#a` → `x.md#a`.
                let target = match link.target.split_once('#') {
                    Some((path, anchor)) => {
                        format!("{}#{anchor}", path.split('?').next().unwrap_or(path))
                    }
                    None => link.target.split('?').next().unwrap_or("").to_string(),
                };
                if let Err((message, help)) = self.check_reference(&page.source, &target) {
                    let message = format!("the link `{}` {message}", link.target);
                    problems
                        .push(Diagnostic::error(page.file(), Some(link.line), message).help(help));
                }
            }
        }
        problems
    }

    /// Loads and checks every page's tool.
    fn load_tools(&mut self) -> Vec<Diagnostic> {
        let content_dir = self.site.root.join(content::CONTENT_DIR);
        let mut problems = Vec::new();
        let mut tools = HashMap::new();
        for entry in &self.entries {
            let Some(page) = entry.page else { continue };
            let Some(name) = &page.front.tool else {
                continue;
            };
            match tool::load(&content_dir, &page.source, name) {
                Ok(tool) => {
                    problems.append(&mut tool.validate(self));
                    tools.insert(page.source.clone(), tool);
                }
                Err(mut problem) => {
                    // A problem with the page's `tool:` is on that line; one
                    // inside the tool file keeps its own line.
                    if problem.file == page.file() {
                        problem.line = page.key_line("tool");
                    }
                    problems.push(problem);
                }
            }
        }
        self.tools = tools;
        problems
    }

    /// Checks the quizzes against the content: modules have pages and
    /// every `policy_ref` resolves. Pages naming a module without a quiz
    /// get a warning.
    fn validate_course(&self) -> Vec<Diagnostic> {
        let modules: std::collections::HashSet<String> = self
            .entries
            .iter()
            .filter_map(|e| e.page.and_then(|p| p.front.module.clone()))
            .collect();
        let resolve = |reference: &str| tool::PolicyLookup::resolve(self, reference);
        let mut problems = quiz::validate_refs(&self.site.quizzes, &modules, &resolve);
        if !self.site.quizzes.is_empty() {
            for entry in &self.entries {
                let Some(page) = entry.page else { continue };
                let Some(module) = &page.front.module else {
                    continue;
                };
                if !self.site.quizzes.iter().any(|q| &q.module == module) {
                    problems.push(
                        Diagnostic::warning(
                            page.file(),
                            page.key_line("module"),
                            format!(
                                "module `{module}` has no quiz, so this page is not in the course"
                            ),
                        )
                        .help(format!(
                            "add quizzes/{module}.yaml, or correct the module name"
                        )),
                    );
                }
            }
        }
        problems
    }

    /// The pages of a course module, in reading order.
    pub fn module_pages(&self, module: &str) -> Vec<&'a Page> {
        self.entries
            .iter()
            .filter_map(|e| e.page)
            .filter(|p| p.front.module.as_deref() == Some(module))
            .collect()
    }

    fn reading_minutes(&self, pages: &[&Page]) -> usize {
        let words: usize = pages
            .iter()
            .filter_map(|p| self.by_source.get(p.source.as_str()))
            .map(|&i| self.rendered[i].word_count)
            .sum();
        words.div_ceil(200).max(1)
    }

    /// The `course` object templates receive, or null without quizzes.
    fn course_context(&self) -> Value {
        let quizzes = &self.site.quizzes;
        if quizzes.is_empty() {
            return Value::Null;
        }
        let modules: Vec<Value> = quizzes
            .iter()
            .map(|q| {
                let pages = self.module_pages(&q.module);
                json!({
                    "id": q.module,
                    "title": q.title,
                    "url": format!("course/{}.html", q.module),
                    "pass_mark": q.pass_mark,
                    "question_count": q.questions.len(),
                    "reading_minutes": self.reading_minutes(&pages),
                    "pages": pages.iter().map(|p| json!({"title": p.front.title, "url": p.url()})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let data = json!({
            "site": self.site.config.id,
            "version": self.site.version_id,
            "label": self.site.config.version,
            "site_title": self.site.config.title,
            "office_email": self.site.config.office_email,
            "history": self.site.history().iter().map(|v| json!({
                "id": v.id,
                "label": v.label,
                "minor": v.minor,
                "changes_url": v.changes_url,
            })).collect::<Vec<_>>(),
            "modules": quizzes.iter().map(|q| json!({
                "id": q.module,
                "title": q.title,
                "url": format!("course/{}.html", q.module),
                "pass_mark": q.pass_mark,
            })).collect::<Vec<_>>(),
        });
        json!({
            "url": "course/index.html",
            "declaration_url": "course/declaration.html",
            "modules": modules,
            "data_json": crate::util::html::script_json(&data),
        })
    }

    /// The `module` object for one module page.
    fn module_context(&self, index: usize) -> Value {
        let quiz = &self.site.quizzes[index];
        let pages = self.module_pages(&quiz.module);
        let page_values: Vec<Value> = pages
            .iter()
            .map(|p| {
                let url = p.url();
                let prefix = format!("{}--", p.stem());
                let options = RenderOptions {
                    link_prefix: "../",
                    page_url: Some(&url),
                    id_prefix: &prefix,
                };
                let rendered = markdown::render(&p.body, p.body_line, &options);
                json!({"title": p.front.title, "url": url, "content": rendered.html})
            })
            .collect();
        let questions: Vec<Value> = quiz
            .questions
            .iter()
            .map(|q| {
                let (url, title) = tool::PolicyLookup::link(self, &q.policy_ref);
                json!({
                    "id": q.id,
                    "prompt": q.prompt,
                    "kind": q.kind,
                    "explain": q.explain,
                    "policy_url": url,
                    "policy_title": title,
                    "options": q.choices(),
                })
            })
            .collect();
        let data = json!({
            "module": quiz.module,
            "pass_mark": quiz.pass_mark,
            "questions": questions,
        });
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| self.site.quizzes.get(j))
                .map(|q| json!({"title": q.title, "url": format!("course/{}.html", q.module)}))
        };
        json!({
            "id": quiz.module,
            "title": quiz.title,
            "pass_mark": quiz.pass_mark,
            "reading_minutes": self.reading_minutes(&pages),
            "pages": page_values,
            "questions": questions,
            "quiz_json": crate::util::html::script_json(&data),
            "prev": neighbour(index.checked_sub(1)),
            "next": neighbour(Some(index + 1)),
        })
    }

    /// Context for a page made by handbook rather than from content.
    fn generated_context(&self, url: &str, title: &str) -> Value {
        json!({
            "root": root_prefix(url),
            "page": {"title": title, "summary": null, "url": url},
            "section": {
                "title": self.site.content.title(),
                "summary": null,
                "url": "index.html",
                "content": "",
                "print_url": print_url(&self.site.content),
            },
            "nav": {
                "sections": self.nav_sections(url, ""),
                "pages": [],
                "prev": null,
                "next": null,
                "breadcrumbs": [{"title": self.site.content.title(), "url": "index.html"}],
            },
            "page_has_code": false,
        })
    }

    fn nav_sections(&self, url: &str, top_dir: &str) -> Vec<Value> {
        let site = self.site;
        let mut nav_sections = vec![json!({
            "title": site.content.title(),
            "url": "index.html",
            "current": url == "index.html",
        })];
        for s in &site.content.sections {
            nav_sections.push(json!({
                "title": s.title(),
                "url": s.url(),
                "current": !top_dir.is_empty() && s.dir == top_dir,
            }));
        }
        nav_sections
    }

    /// The context of entry `i`: `root`, `page`, `section`, `nav` and
    /// `page_has_code` (see docs/templates.md). Built from borrowed data
    /// and serialised once, as it is made for every page.
    fn entry_context(&self, i: usize) -> tera::Context {
        let entry = &self.entries[i];
        let rendered = &self.rendered[i];
        let url = self.urls[i].as_str();
        let section = entry.section;
        let start = self.starts.get(section.dir.as_str()).copied().unwrap_or(i);
        let link = |j: usize| Link {
            title: &self.titles[j],
            url: &self.urls[j],
        };
        let mut breadcrumbs = Vec::new();
        let own = if entry.is_index {
            parent_dir(&section.dir)
        } else {
            Some(section.dir.as_str())
        };
        if let Some(dir) = own {
            let mut dirs = vec![dir];
            let mut d = dir;
            while let Some(parent) = parent_dir(d) {
                dirs.push(parent);
                d = parent;
            }
            dirs.reverse();
            for dir in dirs {
                if let Some(&j) = self.starts.get(dir) {
                    breadcrumbs.push(link(j));
                }
            }
        }
        let top_dir = section.dir.split('/').next().unwrap_or("");
        let mut sections = vec![NavSection {
            title: &self.titles[0],
            url: "index.html",
            current: url == "index.html",
        }];
        for s in &self.site.content.sections {
            if let Some(&j) = self.starts.get(s.dir.as_str()) {
                sections.push(NavSection {
                    title: &self.titles[j],
                    url: &self.urls[j],
                    current: !top_dir.is_empty() && s.dir == top_dir,
                });
            }
        }
        // A page's sidebar lists a window of its section's pages, so that
        // a page's size does not grow with its section (the section's own
        // page lists them all). The section's pages follow its index.
        let (window, pages_before, pages_after) = nav_window(
            section.pages.len(),
            (!entry.is_index)
                .then(|| i.checked_sub(start + 1))
                .flatten(),
        );
        let pages = window
            .map(|k| {
                let j = start + 1 + k;
                NavPage {
                    title: &self.titles[j],
                    url: &self.urls[j],
                    summary: section.pages[k].front.summary.as_deref(),
                    current: j == i,
                }
            })
            .collect();
        let subsections = section
            .sections
            .iter()
            .filter_map(|s| {
                let j = *self.starts.get(s.dir.as_str())?;
                Some(SubSection {
                    title: &self.titles[j],
                    url: &self.urls[j],
                    summary: s.index.as_ref().and_then(|p| p.front.summary.as_deref()),
                })
            })
            .collect();
        let front = entry.page.map(|p| &p.front);
        let words = rendered.word_count;
        let mut context = tera::Context::new();
        context.insert("root", &root_prefix(url));
        context.insert(
            "page",
            &PageContext {
                title: &self.titles[i],
                summary: front.and_then(|f| f.summary.as_deref()),
                audience: front.map_or(&[], |f| &f.audience),
                module: front.and_then(|f| f.module.as_deref()),
                url,
                source: entry.page.map(|p| p.source.as_str()),
                content: &rendered.html,
                toc: &rendered.toc,
                word_count: words,
                reading_minutes: words.div_ceil(200).max(1),
            },
        );
        context.insert(
            "section",
            &SectionContext {
                title: &self.titles[start],
                summary: section
                    .index
                    .as_ref()
                    .and_then(|p| p.front.summary.as_deref()),
                url: &self.urls[start],
                content: &self.rendered[start].html,
                print_url: print_url(section),
            },
        );
        context.insert(
            "nav",
            &NavContext {
                sections,
                pages,
                pages_before,
                pages_after,
                prev: i.checked_sub(1).map(link),
                next: (i + 1 < self.entries.len()).then(|| link(i + 1)),
                breadcrumbs,
                subsections,
            },
        );
        context.insert("page_has_code", &rendered.highlighted);
        let tool = entry
            .page
            .and_then(|p| self.tools.get(&p.source))
            .map(|t| t.context(self));
        context.insert("tool", &tool);
        context
    }

    fn common_context(&self) -> tera::Context {
        let config = &self.site.config;
        let parents = self
            .site
            .content
            .sections
            .iter()
            .find(|s| s.dir == "parents")
            .map(|s| json!({"title": s.title(), "url": s.url()}));
        let mut context = tera::Context::new();
        context.insert(
            "site",
            &json!({
                "id": config.id,
                "title": config.title,
                "organisation": config.organisation,
                "aim": config.aim,
                "schools": config.schools,
                "office_email": config.office_email,
                "base_url": config.base_url(),
                "language": config.language,
            }),
        );
        context.insert(
            "version",
            &json!({
                "id": self.site.version_id,
                "label": config.version,
                "reviewed": config.reviewed.display(),
                "next_review": config.next_review.display(),
                "reviewed_iso": config.reviewed.iso(),
                "next_review_iso": config.next_review.iso(),
                "published": self.site.is_published(),
            }),
        );
        context.insert("course", &self.course_context());
        context.insert("parents", &parents);
        context.insert(
            "generator",
            &format!("handbook {}", env!("CARGO_PKG_VERSION")),
        );
        context
    }

    /// Renders every content page and section index in parallel.
    fn render_entries(
        &self,
        renderer: &Renderer,
        common: &tera::Context,
        sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    ) -> Vec<Result<()>> {
        (0..self.entries.len())
            .into_par_iter()
            .map(|i| {
                let entry = &self.entries[i];
                let template = if !entry.is_index {
                    "page.html"
                } else if entry.section.dir.is_empty() {
                    "index.html"
                } else {
                    "section.html"
                };
                let mut context = common.clone();
                context.extend(self.entry_context(i));
                let html = renderer.render(template, &context).map_err(|mut d| {
                    if let Some(page) = entry.page {
                        d.message = format!("rendering {}: {}", page.file().display(), d.message);
                    }
                    Error::input(d)
                })?;
                sink(&entry.url(), html.as_bytes())
            })
            .collect()
    }

    /// The search index as a script.
    fn search_script(&self) -> String {
        search::script(
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| entry.page.is_some())
                .map(|(i, _)| {
                    (
                        self.titles[i].as_str(),
                        self.urls[i].as_str(),
                        &self.rendered[i].parts[..],
                    )
                }),
        )
    }

    /// Renders every output file and hands each to `sink` (path relative to
    /// the output folder, bytes). Pages are rendered in parallel.
    pub fn render_all(
        &self,
        renderer: &Renderer,
        sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    ) -> Result<usize> {
        let common = self.common_context();
        // The search index is written while the pages render.
        let (results, search_written) = rayon::join(
            || self.render_entries(renderer, &common, sink),
            || sink("search-index.js", self.search_script().as_bytes()),
        );
        search_written?;
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(()) => {}
                Err(Error::Input(mut d)) => problems.append(&mut d),
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let mut count = self.entries.len();

        // Printable pages for sections that ask for one.
        for (i, entry) in self.entries.iter().enumerate() {
            if !entry.is_index || print_url(entry.section).is_none() {
                continue;
            }
            let section = entry.section;
            let pages: Vec<Value> = section
                .pages
                .iter()
                .map(|p| {
                    let prefix = format!("{}--", p.stem());
                    let options = RenderOptions {
                        id_prefix: &prefix,
                        ..RenderOptions::default()
                    };
                    let r = markdown::render(&p.body, p.body_line, &options);
                    json!({"title": p.front.title, "anchor": p.stem(), "url": p.url(), "content": r.html})
                })
                .collect();
            let mut context = common.clone();
            context.extend(self.entry_context(i));
            let url = print_url(section).unwrap_or_default();
            context.insert("root", &root_prefix(&url));
            context.insert("print", &json!({"pages": pages}));
            context.insert(
                "page",
                &json!({"title": format!("{} (printable)", section.title()), "summary": null, "url": url}),
            );
            let html = renderer
                .render("print.html", &context)
                .map_err(Error::input)?;
            sink(&url, html.as_bytes())?;
            count += 1;
        }

        // The course: home, one page per module, the declaration.
        if !self.site.quizzes.is_empty() {
            let mut pages = vec![
                (
                    "course.html",
                    "course/index.html".to_string(),
                    "Staff course".to_string(),
                    None,
                ),
                (
                    "declaration.html",
                    "course/declaration.html".to_string(),
                    "Declaration".to_string(),
                    None,
                ),
            ];
            for (i, quiz) in self.site.quizzes.iter().enumerate() {
                pages.push((
                    "module.html",
                    format!("course/{}.html", quiz.module),
                    quiz.title.clone(),
                    Some(i),
                ));
            }
            let rendered: Vec<Result<()>> = pages
                .par_iter()
                .map(|(template, url, title, module)| {
                    let mut context = common.clone();
                    extend(&mut context, self.generated_context(url, title));
                    if let Some(i) = module {
                        context.insert("module", &self.module_context(*i));
                    }
                    let html = renderer.render(template, &context).map_err(Error::input)?;
                    sink(url, html.as_bytes())
                })
                .collect();
            for result in rendered {
                result?;
            }
            count += pages.len();
        }

        // The version history and a "what changed" page per version.
        count += self.render_versions(renderer, &common, sink)?;

        // Search, not-found, search index, static files and assets.
        for (template, title) in [("search.html", "Search"), ("404.html", "Page not found")] {
            let mut context = common.clone();
            extend(&mut context, self.generated_context(template, title));
            let html = renderer.render(template, &context).map_err(Error::input)?;
            sink(template, html.as_bytes())?;
            count += 1;
        }
        if self.rendered.iter().any(|r| r.highlighted) {
            sink("syntax.css", markdown::syntax_css().as_bytes())?;
        }
        for (name, bytes) in &self.site.theme.statics {
            sink(name, bytes)?;
        }
        let tool_files: std::collections::HashSet<&str> =
            self.tools.values().map(|t| t.source.as_str()).collect();
        for asset in &self.site.assets.files {
            if tool_files.contains(asset.as_str()) {
                continue;
            }
            let path = self.site.root.join(content::CONTENT_DIR).join(asset);
            let bytes = std::fs::read(&path).map_err(|err| Error::reading(&path, err))?;
            sink(asset, &bytes)?;
        }
        Ok(count)
    }
}

/// `page` in an entry's context.
#[derive(Serialize)]
struct PageContext<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    audience: &'a [content::Audience],
    module: Option<&'a str>,
    url: &'a str,
    source: Option<&'a str>,
    content: &'a str,
    toc: &'a [markdown::TocEntry],
    word_count: usize,
    reading_minutes: usize,
}

/// `section` in an entry's context.
#[derive(Serialize)]
struct SectionContext<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    url: &'a str,
    content: &'a str,
    print_url: Option<String>,
}

/// `nav` in an entry's context.
#[derive(Serialize)]
struct NavContext<'a> {
    sections: Vec<NavSection<'a>>,
    pages: Vec<NavPage<'a>>,
    pages_before: usize,
    pages_after: usize,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    breadcrumbs: Vec<Link<'a>>,
    subsections: Vec<SubSection<'a>>,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct NavSection<'a> {
    title: &'a str,
    url: &'a str,
    current: bool,
}

#[derive(Serialize)]
struct NavPage<'a> {
    title: &'a str,
    url: &'a str,
    summary: Option<&'a str>,
    current: bool,
}

#[derive(Serialize)]
struct SubSection<'a> {
    title: &'a str,
    url: &'a str,
    summary: Option<&'a str>,
}

fn extend(context: &mut tera::Context, value: Value) {
    if let Value::Object(map) = value {
        for (key, value) in map {
            context.insert_value(key, to_tera(value));
        }
    }
}

/// Converts JSON to Tera's value directly (the same value `insert` makes
/// by serialising, without the serialiser's overhead).
fn to_tera(value: Value) -> tera::Value {
    match value {
        Value::Null => tera::Value::none(),
        Value::Bool(b) => b.into(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into(),
            (None, Some(i)) => i.into(),
            _ => n.as_f64().unwrap_or_default().into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => items.into_iter().map(to_tera).collect::<Vec<_>>().into(),
        Value::Object(map) => {
            let mut out = tera::Map::with_capacity(map.len());
            for (key, value) in map {
                out.insert(key.into(), to_tera(value));
            }
            out.into()
        }
    }
}

/// A version in the site's history: a published one, or the current
/// content when it is not published yet (a draft).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// The version id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Publication date, or null for a draft.
    pub published: Option<String>,
    /// When it was reviewed.
    pub reviewed: String,
    /// When the next review is due.
    pub next_review: String,
    /// What changed.
    pub summary: String,
    /// Minor change.
    pub minor: bool,
    /// Not published yet.
    pub draft: bool,
    /// The version the site is built from.
    pub current: bool,
    /// Its "what changed" page (root-relative), if it has a predecessor.
    pub changes_url: Option<String>,
}

impl Site {
    /// True when the current content is a published version.
    pub fn is_published(&self) -> bool {
        self.published.iter().any(|v| v.id == self.version_id)
    }

    /// Every version oldest first: the published ones, then the current
    /// content if it is not published.
    pub fn history(&self) -> Vec<HistoryEntry> {
        let mut out: Vec<HistoryEntry> = self
            .published
            .iter()
            .enumerate()
            .map(|(i, v)| HistoryEntry {
                id: v.id.clone(),
                label: v.label.clone(),
                published: Some(v.published.clone()),
                reviewed: display_date(&v.reviewed),
                next_review: display_date(&v.next_review),
                summary: v.summary.clone(),
                minor: v.minor,
                draft: false,
                current: v.id == self.version_id,
                changes_url: (i > 0).then(|| format!("changes/{}.html", v.id)),
            })
            .collect();
        if !self.is_published() && !self.published.is_empty() {
            out.push(HistoryEntry {
                id: self.version_id.clone(),
                label: self.config.version.clone(),
                published: None,
                reviewed: self.config.reviewed.display(),
                next_review: self.config.next_review.display(),
                summary: "Changes not yet published.".to_string(),
                minor: false,
                draft: true,
                current: true,
                changes_url: Some(format!("changes/{}.html", self.version_id)),
            });
        }
        out
    }
}

fn display_date(iso: &str) -> String {
    crate::config::ReviewDate::parse(iso).map_or_else(|| iso.to_string(), |d| d.display())
}

impl Prepared<'_> {
    /// `versions.html` and `changes/<id>.html`; returns the pages written.
    fn render_versions(
        &self,
        renderer: &Renderer,
        common: &tera::Context,
        sink: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    ) -> Result<usize> {
        let site = self.site;
        let history = site.history();
        if !renderer.has("versions.html") {
            return Ok(0);
        }
        let mut newest_first = history.clone();
        newest_first.reverse();
        let mut context = common.clone();
        extend(
            &mut context,
            self.generated_context("versions.html", "Version history"),
        );
        context.insert("history", &newest_first);
        let html = renderer
            .render("versions.html", &context)
            .map_err(Error::input)?;
        sink("versions.html", html.as_bytes())?;
        let mut count = 1;
        if history.len() < 2 || !renderer.has("changes.html") {
            return Ok(count);
        }
        let mut files = Vec::with_capacity(history.len());
        for entry in &history {
            files.push(if entry.draft {
                crate::versions::policy_files(&site.root)?
            } else {
                crate::versions::archived_files(&site.root, &entry.id)?
            });
        }
        for i in 1..history.len() {
            let entry = &history[i];
            let previous = &history[i - 1];
            let pages = crate::diff::compare(&files[i - 1], &files[i]);
            let url = format!("changes/{}.html", entry.id);
            let mut context = common.clone();
            extend(
                &mut context,
                self.generated_context(&url, &format!("What changed in {}", entry.label)),
            );
            context.insert(
                "change",
                &json!({
                    "version": entry,
                    "previous": previous,
                    "pages": pages,
                    "quizzes_changed": crate::diff::quizzes_changed(&files[i - 1], &files[i]),
                }),
            );
            let html = renderer
                .render("changes.html", &context)
                .map_err(Error::input)?;
            sink(&url, html.as_bytes())?;
            count += 1;
        }
        Ok(count)
    }
}

impl tool::PolicyLookup for Prepared<'_> {
    fn resolve(&self, reference: &str) -> crate::error::Resolution {
        let (page, anchor) = reference.split_once('#').unwrap_or((reference, ""));
        self.check_reference("", &format!("{page}.md#{anchor}"))
    }

    fn page_text(&self, page: &str) -> Option<String> {
        let (_, rendered) = self.page(&format!("{page}.md"))?;
        let text: Vec<&str> = rendered
            .parts
            .iter()
            .flat_map(|p| [p.heading.as_str(), p.text.as_str()])
            .collect();
        Some(
            text.join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    }

    fn link(&self, reference: &str) -> (String, String) {
        let (page, anchor) = reference.split_once('#').unwrap_or((reference, ""));
        let source = format!("{page}.md");
        let title = self
            .page(&source)
            .map(|(e, _)| e.title())
            .unwrap_or_default();
        (
            format!("{}#{anchor}", content::source_to_url(&source)),
            title,
        )
    }
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        None
    } else {
        Some(dir.rsplit_once('/').map_or("", |(parent, _)| parent))
    }
}

/// The most of its section's pages a page's navigation lists.
pub const NAV_PAGES: usize = 25;

/// Which of a section's `len` pages the navigation of the page at
/// `current` lists (all of them for the section's own page, `None`), and
/// how many are left out before and after.
fn nav_window(len: usize, current: Option<usize>) -> (std::ops::Range<usize>, usize, usize) {
    match current {
        Some(current) if len > NAV_PAGES => {
            let start = current.saturating_sub(NAV_PAGES / 2).min(len - NAV_PAGES);
            (start..start + NAV_PAGES, start, len - start - NAV_PAGES)
        }
        _ => (0..len, 0, 0),
    }
}

fn print_url(section: &Section) -> Option<String> {
    let wants = section.index.as_ref().is_some_and(|p| p.front.print);
    wants.then(|| {
        if section.dir.is_empty() {
            "print.html".to_string()
        } else {
            format!("{}/print.html", section.dir)
        }
    })
}

/// The relative prefix from a page at `url` back to the site root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

fn strsim_close(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches(".md");
    let b = b.trim_end_matches(".md");
    a.len().abs_diff(b.len()) <= 2 && (a.starts_with(b) || b.starts_with(a))
}

/// The date used for review warnings: today, or `HANDBOOK_TODAY`
/// (YYYY-MM-DD) when set, so that tests and previews can pin it.
pub fn today() -> chrono::NaiveDate {
    std::env::var("HANDBOOK_TODAY")
        .ok()
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// A warning when the next review is within [`REVIEW_WARNING_DAYS`] or
/// past, pointing at the `next_review` line of `root`'s site.yaml.
pub fn review_warning(
    root: &Path,
    config: &SiteConfig,
    today: chrono::NaiveDate,
) -> Option<Diagnostic> {
    let due = config.next_review.date();
    let days = (due - today).num_days();
    if days > REVIEW_WARNING_DAYS {
        return None;
    }
    let line = crate::util::yaml::key_line(
        &std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default(),
        "next_review",
    );
    let help = "review the policy, publish the new version and set next_review in site.yaml";
    if days < 0 {
        Some(
            Diagnostic::warning(
                crate::config::CONFIG_FILE,
                line,
                format!(
                    "the policy's review was due {} ({}), {} days ago",
                    config.next_review,
                    config.next_review.iso(),
                    -days
                ),
            )
            .help(help),
        )
    } else {
        Some(
            Diagnostic::warning(
                crate::config::CONFIG_FILE,
                line,
                format!(
                    "the policy's next review is due {} ({}), in {days} days",
                    config.next_review,
                    config.next_review.iso()
                ),
            )
            .help(help),
        )
    }
}

/// What `check` found: warnings (errors come back as `Err`).
pub fn check(root: &Path, strict: bool) -> Result<Vec<Diagnostic>> {
    let site = Site::load(root)?;
    let prepared = site.prepare()?;
    let renderer = Renderer::new(&site.theme)?;
    prepared.render_all(&renderer, &|_, _| Ok(()))?;
    let mut warnings = prepared.warnings;
    warnings.extend(review_warning(root, &site.config, today()));
    if strict && !warnings.is_empty() {
        for warning in &mut warnings {
            warning.severity = crate::error::Severity::Error;
        }
        return Err(Error::Input(warnings));
    }
    Ok(warnings)
}

/// What a build did.
#[derive(Debug)]
pub struct BuildSummary {
    /// Pages written.
    pub pages: usize,
    /// Where.
    pub out: PathBuf,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site under `root` into `out` (default `root/output`).
pub fn build(root: &Path, out: Option<&Path>) -> Result<BuildSummary> {
    let out = out.map_or_else(|| root.join("output"), Path::to_path_buf);
    // From here on only normalised paths are used, so the site the guard
    // protects is the site that is read, and the folder it approved is the
    // folder that is written.
    let target = output_folder(root, &out)?;
    let root = &absolute_path(root, "--root")?;
    let site = Site::load(root)?;
    let prepared = site.prepare()?;
    let renderer = Renderer::new(&site.theme)?;
    let mut pages = 0;
    write_atomically(&target, |dir| {
        pages = write_files(&prepared, &renderer, dir)?;
        Ok(())
    })?;
    let mut warnings = prepared.warnings;
    warnings.extend(review_warning(root, &site.config, today()));
    Ok(BuildSummary {
        pages,
        out,
        warnings,
    })
}

/// Renders every output file into `dir` (which must exist); returns the
/// number of pages.
pub fn write_files(prepared: &Prepared<'_>, renderer: &Renderer, dir: &Path) -> Result<usize> {
    // Folders already made. A folder is recorded only once it exists, so a
    // thread never writes into a folder another thread is still creating.
    let made: std::sync::RwLock<BTreeSet<PathBuf>> = std::sync::RwLock::new(BTreeSet::new());
    prepared.render_all(renderer, &|rel, bytes| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            let known = made.read().is_ok_and(|m| m.contains(parent));
            if !known {
                std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
                if let Ok(mut m) = made.write() {
                    m.insert(parent.to_path_buf());
                }
            }
        }
        std::fs::write(&path, bytes).map_err(|err| Error::writing(&path, err))
    })
}

/// The folders of a site that neither `build --out` nor `new` may be,
/// hold, or lie inside: the private folder, the sources, the published
/// versions and the site's history.
pub const PROTECTED_DIRS: &[&str] = &[
    ".handbook",
    content::CONTENT_DIR,
    quiz::QUIZ_DIR,
    "themes",
    "templates",
    "static",
    "versions",
    ".git",
];

/// A folder that a command must leave alone, and how.
struct Guarded {
    /// Absolute and normalised; its resolved form is checked as well.
    path: PathBuf,
    /// How the folder is named in a message.
    what: String,
    /// True when a path inside it is refused too (the site's own folders);
    /// false when only the folder itself and its ancestors are (the site
    /// root and the home folder, which hold `output/` and sites).
    inside_too: bool,
}

/// The site root, its [`PROTECTED_DIRS`] and the user's home folder.
fn guarded(root: &Path) -> Vec<Guarded> {
    let mut out = vec![Guarded {
        path: root.to_path_buf(),
        what: "the site's own folder".to_string(),
        inside_too: false,
    }];
    for dir in PROTECTED_DIRS {
        out.push(Guarded {
            path: root.join(dir),
            what: format!("the site's {dir}/ folder"),
            inside_too: true,
        });
    }
    out.extend(home_folder());
    out
}

/// `$HOME`, when it is set to an absolute path.
fn home_folder() -> Option<Guarded> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    let home = Path::new(&home);
    home.is_absolute().then(|| Guarded {
        path: crate::util::paths::normalize(home),
        what: "your home folder".to_string(),
        inside_too: false,
    })
}

/// What is wrong with writing to `path` (absolute, normalised) given the
/// folders in `guarded`: `Some("it is the site's content/ folder")`.
fn clash(path: &Path, guarded: &[Guarded]) -> Option<String> {
    let resolved = crate::util::paths::resolved(path);
    for guard in guarded {
        let real = crate::util::paths::resolved(&guard.path);
        for (mine, theirs) in [
            (path, guard.path.as_path()),
            (resolved.as_path(), real.as_path()),
            (path, real.as_path()),
            (resolved.as_path(), guard.path.as_path()),
        ] {
            let how = if mine == theirs {
                "is"
            } else if theirs.starts_with(mine) {
                "holds"
            } else if guard.inside_too && mine.starts_with(theirs) {
                "lies inside"
            } else {
                continue;
            };
            let via = if mine == path {
                String::new()
            } else {
                " (through a symbolic link)".to_string()
            };
            return Some(format!("it {how} {}{via}", guard.what));
        }
    }
    None
}

/// A path as written by the user, made absolute and normalised; refuses a
/// leading `~`, which only a shell expands.
fn absolute_path(path: &Path, label: &str) -> Result<PathBuf> {
    if let Some(std::path::Component::Normal(first)) = path.components().next()
        && first.to_string_lossy().starts_with('~')
    {
        return Err(Error::Usage(format!(
            "{label} {} starts with `~`, which handbook does not expand; write the folder's full path",
            shown(path)
        )));
    }
    crate::util::paths::lexical_absolute(path)
        .map_err(|err| Error::io("reading the current folder", err))
}

/// A path for a message: as written, with control characters shown.
fn shown(path: &Path) -> String {
    crate::util::text::terminal_safe(&path.display().to_string()).into_owned()
}

/// `out` as written, and the normalised folder if that reads differently.
fn shown_as(out: &Path, target: &Path) -> String {
    if crate::util::paths::normalize(out) == target {
        shown(out)
    } else {
        format!("{} (that is, {})", shown(out), shown(target))
    }
}

/// Checks that `build` may write its output to `out` for the site at
/// `root`, and returns the folder to use: absolute, with `.` and `..`
/// resolved. It refuses a folder that is, holds or lies inside one of the
/// site's [`PROTECTED_DIRS`], that is or holds the site itself or the home
/// folder, that is a symbolic link, or that exists without the
/// [`OUTPUT_MARKER`] of an earlier build.
pub fn output_folder(root: &Path, out: &Path) -> Result<PathBuf> {
    let root = absolute_path(root, "--root")?;
    let target = absolute_path(out, "--out")?;
    if let Some(why) = clash(&target, &guarded(&root)) {
        return Err(Error::Usage(format!(
            "will not build into {}: {why}; choose another --out, e.g. the default output/",
            shown_as(out, &target)
        )));
    }
    replaceable(&target).map_err(|why| {
        Error::Usage(format!(
            "will not build into {}: {why}",
            shown_as(out, &target)
        ))
    })?;
    Ok(target)
}

/// Whether the folder at `target` may be swapped for a new build: it does
/// not exist, or it is a real folder (not a link) holding the
/// [`OUTPUT_MARKER`]. If not, says why and what to do.
fn replaceable(target: &Path) -> std::result::Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() {
        return Err(
            "it is a symbolic link; give the folder it points to, or another --out".to_string(),
        );
    }
    if !meta.is_dir() {
        return Err("it exists and is not a folder; choose another --out".to_string());
    }
    let marked = std::fs::symlink_metadata(target.join(OUTPUT_MARKER)).is_ok_and(|m| m.is_file());
    if !marked {
        return Err(format!(
            "it exists and was not made by `handbook build` (it has no {OUTPUT_MARKER} file), \
             so building would replace it; remove it yourself or choose another --out"
        ));
    }
    Ok(())
}

/// Checks that `handbook new` may write a new handbook into `dir`, and
/// returns the folder to use (absolute, normalised): one that does not
/// exist or is empty, is not a link, is not and does not hold the home
/// folder, and is not the folder or one of the [`PROTECTED_DIRS`] of a
/// site it lies in.
pub fn new_folder(dir: &Path) -> Result<PathBuf> {
    let target = absolute_path(dir, "the folder")?;
    let refuse = |why: String| {
        Error::Usage(format!(
            "will not make a new handbook in {}: {why}",
            shown_as(dir, &target)
        ))
    };
    let mut guarded: Vec<Guarded> = home_folder().into_iter().collect();
    // The nearest site that `dir` lies in, if any.
    if let Some(site) = target
        .ancestors()
        .find(|a| a.join(crate::config::CONFIG_FILE).is_file())
    {
        guarded.extend(self::guarded(site).into_iter().filter(|g| g.inside_too));
        if site == target {
            return Err(refuse(
                "it already holds a handbook (site.yaml)".to_string(),
            ));
        }
    }
    if let Some(why) = clash(&target, &guarded) {
        return Err(refuse(format!("{why}; choose a new folder name")));
    }
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if meta.file_type().is_symlink() {
            return Err(refuse(
                "it is a symbolic link; choose a new folder name".to_string(),
            ));
        }
        if !meta.is_dir() {
            return Err(refuse(
                "it exists and is not a folder; choose a new folder name".to_string(),
            ));
        }
        let empty = std::fs::read_dir(&target)
            .map(|mut d| d.next().is_none())
            .map_err(|err| Error::io(format!("reading {}", shown(dir)), err))?;
        if !empty {
            return Err(refuse(
                "it already exists and is not empty; choose a new folder name".to_string(),
            ));
        }
    }
    Ok(target)
}

/// Writes into a fresh folder beside `out` and swaps it into place only if
/// `write` succeeds; otherwise `out` is left as it was, and no staging
/// folder is left behind. `out` must be absolute and normalised (see
/// [`output_folder`]); it is checked again just before the swap, as it
/// may have changed while the site was written.
pub fn write_atomically(out: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    write_atomically_with(out, write, &|from, to| std::fs::rename(from, to))
}

/// [`write_atomically`], with the rename that moves folders given, so
/// that tests can make the swap fail.
fn write_atomically_with(
    out: &Path,
    write: impl FnOnce(&Path) -> Result<()>,
    rename: &dyn Fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
    // Dropping `staging` removes it: every early return cleans up.
    let staging = tempfile::Builder::new()
        .prefix(".handbook-build-")
        .tempdir_in(parent)
        .map_err(|err| {
            Error::io(
                format!("creating a build folder in {}", parent.display()),
                err,
            )
        })?;
    write(staging.path())?;
    std::fs::write(
        staging.path().join(OUTPUT_MARKER),
        "This folder is written by `handbook build` and replaced by every build.\n",
    )
    .map_err(|err| Error::io("writing the output marker", err))?;
    // A temporary folder is private (0700); the built site is public, and a
    // web server running as another user must be able to read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|err| Error::io("opening the new site to readers", err))?;
    }
    replaceable(out)
        .map_err(|why| Error::Usage(format!("will not replace {}: {why}", shown(out))))?;
    let moved_in =
        |err: std::io::Error| Error::io(format!("moving the new site into {}", out.display()), err);
    if std::fs::symlink_metadata(out).is_err() {
        rename(staging.path(), out).map_err(moved_in)?;
        let _ = staging.keep();
        return Ok(());
    }
    let old = tempfile::Builder::new()
        .prefix(".handbook-old-")
        .tempdir_in(parent)
        .map_err(|err| Error::io(format!("creating a folder in {}", parent.display()), err))?;
    let old_path = old.path().join("output");
    rename(out, &old_path)
        .map_err(|err| Error::io(format!("moving the old {} aside", out.display()), err))?;
    if let Err(err) = rename(staging.path(), out) {
        if rename(&old_path, out).is_err() {
            // Keep the previous site where it is and say where.
            let kept = old.keep();
            return Err(Error::io(
                format!(
                    "moving the new site into {} (the previous site is in {})",
                    out.display(),
                    kept.join("output").display()
                ),
                err,
            ));
        }
        return Err(moved_in(err));
    }
    let _ = staging.keep();
    remove_all(old.path());
    drop(old);
    Ok(())
}

/// Removes a folder's contents, sub-folders in parallel (an old output
/// folder can hold tens of thousands of files). Best effort.
fn remove_all(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.par_iter().for_each(|path| {
            if path.is_dir() && !path.is_symlink() {
                if let Ok(children) = std::fs::read_dir(path) {
                    let children: Vec<PathBuf> = children.flatten().map(|e| e.path()).collect();
                    children.par_iter().for_each(|child| {
                        let _ = if child.is_dir() && !child.is_symlink() {
                            std::fs::remove_dir_all(child)
                        } else {
                            std::fs::remove_file(child)
                        };
                    });
                }
                let _ = std::fs::remove_dir_all(path);
            } else {
                let _ = std::fs::remove_file(path);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_converts_to_the_value_tera_would_make() {
        let value = json!({
            "s": "a <b>", "n": null, "t": true, "u": 7, "i": -3, "f": 1.5,
            "list": [1, "two", {"three": [3]}], "big": u64::MAX,
        });
        let direct = to_tera(value.clone());
        let serialised = tera::Value::from_serializable(&value);
        assert_eq!(direct, serialised);
    }

    #[test]
    fn links_resolve_relative_to_the_page() {
        assert_eq!(
            crate::util::paths::resolve_link("parents/a.md", "b.md").unwrap(),
            "parents/b.md"
        );
        assert_eq!(
            crate::util::paths::resolve_link("parents/a.md", "../scope.md").unwrap(),
            "scope.md"
        );
        assert_eq!(
            crate::util::paths::resolve_link("a.md", "./x/y.md").unwrap(),
            "x/y.md"
        );
        assert!(crate::util::paths::resolve_link("a.md", "../../etc/passwd").is_none());
    }

    #[test]
    fn page_navigation_is_a_window_of_its_section() {
        assert_eq!(nav_window(10, Some(3)), (0..10, 0, 0));
        assert_eq!(nav_window(500, None), (0..500, 0, 0));
        assert_eq!(nav_window(500, Some(0)), (0..NAV_PAGES, 0, 500 - NAV_PAGES));
        assert_eq!(nav_window(500, Some(499)), (475..500, 475, 0));
        let (range, before, after) = nav_window(500, Some(250));
        assert!(range.contains(&250));
        assert_eq!((range.len(), before + after), (NAV_PAGES, 500 - NAV_PAGES));
    }

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("parents/x.html"), "../");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }

    /// The names in `dir` that a build leaves behind only by mistake.
    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".handbook-"))
            .collect()
    }

    fn first_build(out: &Path) {
        write_atomically(out, |d| {
            std::fs::write(d.join("index.html"), "one").unwrap();
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_failed_swap_leaves_the_old_output_and_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        first_build(&out);
        // The rename that moves the new site in fails; the old one is put back.
        let calls = std::cell::Cell::new(0);
        let err = write_atomically_with(
            &out,
            |d| {
                std::fs::write(d.join("index.html"), "two").unwrap();
                Ok(())
            },
            &|from, to| {
                calls.set(calls.get() + 1);
                if calls.get() == 2 {
                    Err(std::io::Error::other("disk full"))
                } else {
                    std::fs::rename(from, to)
                }
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("moving the new site into"),
            "{err}"
        );
        assert_eq!(calls.get(), 3, "moved aside, failed, moved back");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        assert!(out.join(OUTPUT_MARKER).is_file());
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());

        // The rename that moves the old site aside fails.
        let err = write_atomically_with(
            &out,
            |d| {
                std::fs::write(d.join("index.html"), "three").unwrap();
                Ok(())
            },
            &|_, _| Err(std::io::Error::other("busy")),
        )
        .unwrap_err();
        assert!(err.to_string().contains("moving the old"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());

        // A first build whose only rename fails.
        let fresh = dir.path().join("fresh");
        assert!(
            write_atomically_with(&fresh, |_| Ok(()), &|_, _| Err(std::io::Error::other("no")))
                .is_err()
        );
        assert!(!fresh.exists());
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_failed_swap_that_cannot_restore_keeps_the_old_site_and_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        first_build(&out);
        let calls = std::cell::Cell::new(0);
        let err = write_atomically_with(&out, |_| Ok(()), &|from, to| {
            calls.set(calls.get() + 1);
            if calls.get() == 1 {
                std::fs::rename(from, to)
            } else {
                Err(std::io::Error::other("gone"))
            }
        })
        .unwrap_err();
        let kept: Vec<String> = leftovers(dir.path());
        assert_eq!(kept.len(), 1, "only the old site is kept: {kept:?}");
        assert!(kept[0].starts_with(".handbook-old-"), "{kept:?}");
        assert!(err.to_string().contains(&kept[0]), "{err}");
        let old = dir.path().join(&kept[0]).join("output/index.html");
        assert_eq!(std::fs::read_to_string(old).unwrap(), "one");
    }

    #[cfg(unix)]
    #[test]
    fn an_output_folder_that_changed_during_the_build_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        first_build(&out);
        let precious = dir.path().join("precious");
        std::fs::create_dir(&precious).unwrap();
        std::fs::write(precious.join("notes.txt"), "mine").unwrap();
        let err = write_atomically(&out, |_| {
            // While the site is written, output/ becomes a link elsewhere.
            std::fs::remove_dir_all(&out).unwrap();
            std::os::unix::fs::symlink(&precious, &out).unwrap();
            Ok(())
        })
        .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(
            std::fs::read_to_string(precious.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(
            std::fs::symlink_metadata(&out)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn failed_write_leaves_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_atomically(&out, |d| {
            std::fs::write(d.join("index.html"), "one").unwrap();
            Ok(())
        })
        .unwrap();
        let err = write_atomically(&out, |d| {
            std::fs::write(d.join("index.html"), "two").unwrap();
            Err(Error::Usage("boom".into()))
        });
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
    }
}
