//! The site stage, the end of the build side: takes the site's folder and
//! gives out the finished site's files, or every problem found.
//!
//! The pipeline: `Site::load` reads the configuration, content, quizzes,
//! published versions and theme; `Site::prepare` renders every page's
//! Markdown (in parallel) and checks links, anchors, the course and the
//! tools (`validate`); `Prepared::render_all` renders every output file
//! (`pages`, `course`, `history`) and hands each to a sink; [`build`]
//! writes them through `output`, into a fresh folder that is swapped into
//! place, so a failed build never leaves a half-written site.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{self, Assets, Section};
use crate::course::quiz::{self, Quiz};
use crate::course::tool::Tool;
use crate::error::{Diagnostic, Error, Result, into_result};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::render::{Renderer, Shared, Strings, Theme};
use crate::versions::PublishedVersion;

mod course;
mod elsewhere;
mod history;
mod output;
mod pages;
mod plan;
mod print;
mod validate;

pub use output::{FolderRole, OutputFolder, Refused, Why, output_folder};
pub(crate) use output::{new_folder, write_files};
pub(crate) use validate::{office_warning, review_warnings};

use pages::Entry;

/// A loaded site: configuration, content tree and theme.
pub(crate) struct Site {
    /// The site's folder.
    pub(crate) root: PathBuf,
    /// `site.yaml`.
    pub(crate) config: SiteConfig,
    /// The content tree.
    pub(crate) content: Section,
    /// Non-Markdown files in `content/`.
    pub(crate) assets: Assets,
    /// Templates and static files.
    pub(crate) theme: Theme,
    /// The interface's words in the site's language.
    pub(crate) strings: Strings,
    /// Each policy of `config.policies` (same order) as it is built.
    pub(crate) policies: Vec<PolicyBuild>,
}

/// One policy of the library as the site builds it.
pub(crate) struct PolicyBuild {
    /// The policy version id of its current content (SPEC §5).
    pub(crate) version_id: String,
    /// Its course's module quizzes, in course order (none: read-only).
    quizzes: Vec<Quiz>,
    /// Its published versions, oldest first (`versions.yaml`).
    published: Vec<PublishedVersion>,
}

/// A site whose pages have been rendered to HTML fragments and checked.
pub(crate) struct Prepared<'a> {
    site: &'a Site,
    /// Pages in reading order.
    entries: Vec<Entry<'a>>,
    /// The rendered Markdown of each entry (same order). When `lean`, a
    /// content page's keeps only its word count and whether it has code
    /// (its HTML, contents and search text are rendered again as the page
    /// is written, see [`Prepared::full`]).
    pub(crate) rendered: Vec<Rendered>,
    /// True when content pages' rendered Markdown was dropped after the
    /// checks ([`Site::prepare`]), so that a build holds one batch of
    /// pages' HTML at a time rather than the whole site's.
    lean: bool,
    /// Warnings found on the way.
    pub(crate) warnings: Vec<Diagnostic>,
    /// The policy (index into `Site::policies`) each entry belongs to.
    entry_policy: Vec<Option<usize>>,
    /// Each policy's front page, as a position in `entries`.
    policy_starts: Vec<Option<usize>>,
    /// Content path → position in `entries`.
    by_source: std::collections::HashMap<&'a str, usize>,
    /// Each entry's URL and title, made once for every page's navigation.
    urls: Vec<String>,
    titles: Vec<String>,
    /// Section folder → the position of its index in `entries`.
    starts: std::collections::HashMap<&'a str, usize>,
    /// For each entry that is a page, its position among its section's
    /// pages (0 for an index).
    in_section: Vec<usize>,
    /// The folders left out of the printable page (`print: false`); the
    /// root's when the policy has no printable page.
    unprinted: Vec<&'a str>,
    /// Each page's tool, by the page's content path.
    tools: std::collections::HashMap<String, Tool>,
}

impl Site {
    /// Loads everything under `root`, reporting all problems at once.
    pub(crate) fn load(root: &Path) -> Result<Site> {
        let config = SiteConfig::load(root);
        // The version ids hash the pages as they are read.
        let mut ids = match &config {
            Ok(config) => Some(crate::versions::VersionIds::new(
                root,
                config.policies.iter().map(|p| p.id.as_str()),
            )),
            Err(_) => None,
        };
        let content = content::load_visiting(root, &mut |source, bytes| {
            if let Some(Ok(ids)) = &mut ids {
                ids.feed(source, bytes);
            }
        });
        let version_ids = match ids {
            Some(ids) => ids.and_then(crate::versions::VersionIds::finish),
            None => Ok(Vec::new()),
        };
        let quizzes = match &config {
            Ok(config) => quiz::load_all(root, config),
            Err(_) => Ok(Vec::new()),
        };
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
        let mut theme = Theme::load(root, &config.theme)?;
        // A logo or favicon outside static/ is copied like static/'s files.
        for (_, path) in config
            .images()
            .filter(|(_, p)| !crate::config::in_static(p))
        {
            let file = root.join(path.trim());
            let bytes = std::fs::read(&file).map_err(|err| Error::reading(&file, err))?;
            theme.statics.insert(crate::config::image_url(path), bytes);
        }
        let strings = Strings::load(root, &theme, &config)?;
        let version_ids = version_ids?;
        let published = crate::versions::load_published(root)?;
        let policies = config
            .policies
            .iter()
            .zip(version_ids)
            .map(|(policy, version_id)| PolicyBuild {
                version_id,
                quizzes: quizzes
                    .iter()
                    .filter(|q| q.policy == policy.id)
                    .cloned()
                    .collect(),
                published: crate::versions::of_policy(&published, &policy.id)
                    .cloned()
                    .collect(),
            })
            .collect();
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            content,
            assets,
            theme,
            strings,
            policies,
        };
        site.order_course();
        Ok(site)
    }

    /// Policy `p`'s settings in site.yaml.
    pub(crate) fn policy(&self, p: usize) -> &crate::config::PolicyConfig {
        &self.config.policies[p]
    }

    /// The policy a content folder (`""`, `parents`, `behaviour/staff` …)
    /// belongs to: the one its top folder names, if any.
    pub(crate) fn policy_of(&self, dir: &str) -> Option<usize> {
        let top = dir.split('/').next().unwrap_or("");
        if top.is_empty() {
            return None;
        }
        self.config.policies.iter().position(|p| p.id == top)
    }

    /// The policy a content path (`behaviour/roles.md`) belongs to.
    pub(crate) fn policy_of_source(&self, source: &str) -> Option<usize> {
        match source.rsplit_once('/') {
            Some((dir, _)) => self.policy_of(dir),
            None => None,
        }
    }

    /// Puts the course's modules in the order of their pages: a module
    /// comes where its first page comes in reading order (a module without
    /// pages, which the checks refuse, goes last).
    fn order_course(&mut self) {
        let mut first: std::collections::HashMap<(usize, String), usize> =
            std::collections::HashMap::new();
        for (i, entry) in self.entries().iter().enumerate() {
            let Some(p) = self.policy_of(&entry.section.dir) else {
                continue;
            };
            if let Some(module) = entry.page.and_then(|p| p.front.module.as_ref()) {
                first.entry((p, module.clone())).or_insert(i);
            }
        }
        for (p, policy) in self.policies.iter_mut().enumerate() {
            policy.quizzes.sort_by(|a, b| {
                let at = |q: &Quiz| {
                    first
                        .get(&(p, q.module.clone()))
                        .copied()
                        .unwrap_or(usize::MAX)
                };
                (at(a), &a.module).cmp(&(at(b), &b.module))
            });
        }
    }

    /// Renders every page's Markdown and checks links and anchors. A
    /// content page keeps only what the checks need (anchors, links,
    /// messages, counts), and once they pass only its counts: its HTML,
    /// contents and search text are rendered again when it is written, so
    /// memory holds the site's sources but never all of its HTML.
    pub(crate) fn prepare(&self) -> Result<Prepared<'_>> {
        self.prepare_checked(self.render_all_markdown(true), true)
    }

    /// Like [`Site::prepare`], keeping every page's HTML and text, as
    /// `serve` does to rebuild one page at a time.
    pub(crate) fn prepare_kept(&self) -> Result<Prepared<'_>> {
        self.prepare_checked(self.render_all_markdown(false), false)
    }

    /// Every entry's Markdown rendered, in parallel (`lean`: content pages
    /// without their HTML and search text).
    fn render_all_markdown(&self, lean_pages: bool) -> Vec<Rendered> {
        self.entries()
            .par_iter()
            .map(|entry| match entry.page {
                Some(page) if lean_pages && !entry.is_index => lean(self.check_markdown(page)),
                Some(page) => self.render_markdown(page),
                None => Rendered::default(),
            })
            .collect()
    }

    /// One page's Markdown, on its own page, with the generator's words
    /// in the site's language.
    pub(crate) fn render_markdown(&self, page: &content::Page) -> Rendered {
        markdown::render(&page.body.text(), page.body_line, &self.own_page())
    }

    /// How a page's Markdown is rendered on its own page: links as
    /// written, the generator's words in the site's language.
    fn own_page(&self) -> RenderOptions<'_> {
        RenderOptions {
            labels: self.strings.markdown_labels(),
            ..RenderOptions::default()
        }
    }

    /// What the checks need of one page's Markdown (its HTML is not
    /// written: see [`markdown::render_for_checks`]).
    fn check_markdown(&self, page: &content::Page) -> Rendered {
        markdown::render_for_checks(&page.body.text(), page.body_line, &self.own_page())
    }

    /// A renderer of the site's theme, in the site's language.
    pub(crate) fn renderer(&self) -> Result<Renderer> {
        Renderer::new(&self.theme, &self.strings)
    }

    /// Like `Site::prepare`, with each page's Markdown already rendered
    /// (`rendered` in [`Site::entries`] order), as `serve` keeps it between
    /// rebuilds.
    pub(crate) fn prepare_rendered(&self, rendered: Vec<Rendered>) -> Result<Prepared<'_>> {
        self.prepare_checked(rendered, false)
    }

    /// Checks the site with its pages' Markdown rendered (`lean`: content
    /// pages without their HTML and search text).
    fn prepare_checked(&self, rendered: Vec<Rendered>, lean: bool) -> Result<Prepared<'_>> {
        let entries = self.entries();
        let entry_policy: Vec<Option<usize>> = entries
            .iter()
            .map(|e| self.policy_of(&e.section.dir))
            .collect();
        let policy_starts = (self.config.policies.iter())
            .map(|p| {
                entries
                    .iter()
                    .position(|e| e.is_index && e.section.dir == p.id)
            })
            .collect();
        let by_source: std::collections::HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| Some((entry.page?.source.as_str(), i)))
            .collect();
        let urls = entries.iter().map(Entry::url).collect();
        let titles = entries.iter().map(Entry::title).collect();
        let starts = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_index)
            .map(|(i, e)| (e.section.dir.as_str(), i))
            .collect();
        let mut in_section = vec![0; entries.len()];
        for entry in entries.iter().filter(|e| e.is_index) {
            for (k, page) in entry.section.pages.iter().enumerate() {
                if let Some(&i) = by_source.get(page.source.as_str()) {
                    in_section[i] = k;
                }
            }
        }
        let unprinted = entries
            .iter()
            .filter(|e| e.is_index && !e.section.dir.is_empty() && !e.section.printed())
            .map(|e| e.section.dir.as_str())
            .collect();
        let mut prepared = Prepared {
            site: self,
            entries,
            entry_policy,
            policy_starts,
            rendered,
            lean,
            warnings: Vec::new(),
            by_source,
            urls,
            titles,
            starts,
            in_section,
            unprinted,
            tools: std::collections::HashMap::new(),
        };
        let mut problems = prepared.validate_links();
        problems.append(&mut prepared.validate_course());
        problems.append(&mut prepared.load_tools());
        problems.append(&mut prepared.validate_outputs());
        prepared.warnings = into_result(problems)?;
        if lean {
            // Checked: a lean page's anchors, links and messages are done
            // with (only the checks, tools' included, resolve references).
            for (entry, rendered) in prepared.entries.iter().zip(&mut prepared.rendered) {
                if !entry.is_index {
                    rendered.anchors = Vec::new();
                    rendered.links = Vec::new();
                    rendered.problems = Vec::new();
                    rendered.warnings = Vec::new();
                }
            }
        }
        Ok(prepared)
    }
}

/// The scripts' words (the `js` group of the theme's i18n file), one file
/// for the whole site.
const STRINGS_SCRIPT: &str = "strings.js";

/// `rendered` without its HTML, search text and table of contents (see
/// [`Site::prepare`]): what the checks need.
fn lean(mut rendered: Rendered) -> Rendered {
    rendered.html = String::new();
    rendered.parts = Vec::new();
    rendered.toc = Vec::new();
    rendered.anchors.shrink_to_fit();
    rendered.links.shrink_to_fit();
    rendered
}

impl Prepared<'_> {
    /// Entry `i`'s rendered Markdown whole: as kept, or rendered again
    /// when the build dropped its HTML and text.
    pub(crate) fn full(&self, i: usize) -> std::borrow::Cow<'_, Rendered> {
        let entry = &self.entries[i];
        match entry.page {
            Some(page) if self.lean && !entry.is_index => {
                std::borrow::Cow::Owned(self.site.render_markdown(page))
            }
            _ => std::borrow::Cow::Borrowed(&self.rendered[i]),
        }
    }
}

/// Where `Prepared::render_all` hands each output file, by its path
/// relative to the output folder. Called from many threads.
pub(crate) trait Sink: Sync {
    /// Takes the file `rel` with its bytes.
    fn file(&self, rel: &str, bytes: &[u8]) -> Result<()>;

    /// Takes the file `rel` as `write` writes it, so that a large file
    /// (the search index) is never held whole in memory.
    fn stream(&self, rel: &str, write: &mut Writer<'_>) -> Result<()>;
}

/// What writes a streamed file (see [`Sink::stream`]).
pub(crate) type Writer<'w> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'w;

/// A sink that keeps nothing, for checking a site without writing it.
struct Discard;

impl Sink for Discard {
    fn file(&self, _rel: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }

    fn stream(&self, rel: &str, write: &mut Writer<'_>) -> Result<()> {
        write(&mut std::io::sink()).map_err(|err| Error::writing(Path::new(rel), err))
    }
}

/// The templates, the variables every page shares, and where pages go.
struct Pages<'r> {
    renderer: &'r Renderer,
    /// The shared variables of each policy's pages (same order as the
    /// policies), then those of the pages of no policy.
    shared: Vec<Shared>,
    sink: &'r dyn Sink,
}

impl Pages<'_> {
    /// The shared variables of the pages of `policy` (or of no policy).
    fn shared(&self, policy: Option<usize>) -> &Shared {
        let none = self.shared.len() - 1;
        &self.shared[policy.unwrap_or(none).min(none)]
    }

    /// Renders `template` with `context` and hands the page to the sink
    /// as `url`; the page belongs to `policy`.
    fn write(
        &self,
        template: &str,
        url: &str,
        policy: Option<usize>,
        context: &impl Serialize,
    ) -> Result<()> {
        let html = self
            .renderer
            .render(template, self.shared(policy), context)
            .map_err(Error::input)?;
        self.sink.file(url, html.as_bytes())
    }

    /// Like [`Pages::write`], streaming the page to the sink as it renders
    /// (a printable page holds a whole policy).
    fn stream(
        &self,
        template: &str,
        url: &str,
        policy: Option<usize>,
        context: &impl Serialize,
    ) -> Result<()> {
        let mut failed = None;
        let written = self.sink.stream(url, &mut |out| {
            use crate::render::RenderError;
            match (self.renderer).render_to(template, self.shared(policy), context, out) {
                Ok(()) => Ok(()),
                Err(RenderError::Io(err)) => Err(err),
                Err(RenderError::Template(d)) => {
                    failed = Some(d);
                    Err(std::io::Error::other("the template failed"))
                }
            }
        });
        match failed {
            Some(d) => Err(Error::input(d)),
            None => written,
        }
    }
}

impl Prepared<'_> {
    /// Renders every output file and hands each to `sink`; returns the
    /// number of pages. Pages are rendered in parallel.
    pub(crate) fn render_all(&self, renderer: &Renderer, sink: &dyn Sink) -> Result<usize> {
        let scopes: Vec<Option<usize>> = (0..self.site.policies.len())
            .map(Some)
            .chain([None])
            .collect();
        let shared = scopes
            .par_iter()
            .map(|&p| renderer.share(&self.common(p)))
            .collect::<Result<Vec<Shared>>>()?;
        let out = Pages {
            renderer,
            shared,
            sink,
        };
        let mut count = self.render_entries(&out)?;
        count += self.render_course(&out)?;
        count += self.render_versions(&out)?;
        count += self.render_generated(&out)?;
        self.copy_files(sink)?;
        Ok(count)
    }

    /// The files copied as they are: the highlighting styles when a page
    /// needs them, the theme's static files and the content's assets
    /// (except tool files, which pages show).
    fn copy_files(&self, sink: &dyn Sink) -> Result<()> {
        if self.rendered.iter().any(|r| r.highlighted) {
            sink.file("syntax.css", markdown::syntax_css().as_bytes())?;
        }
        for (name, bytes) in &self.site.theme.statics {
            sink.file(name, bytes)?;
        }
        sink.file(STRINGS_SCRIPT, self.site.strings.script().as_bytes())?;
        let tool_files: std::collections::HashSet<&str> =
            self.tools.values().map(|t| t.source.as_str()).collect();
        for asset in &self.site.assets.files {
            if tool_files.contains(asset.as_str()) {
                continue;
            }
            let path = self.site.root.join(content::CONTENT_DIR).join(asset);
            let bytes = std::fs::read(&path).map_err(|err| Error::reading(&path, err))?;
            sink.file(asset, &bytes)?;
        }
        Ok(())
    }
}

/// Collects the results of pages rendered in parallel: every page's
/// problems together, or the first other error; otherwise the number of
/// pages.
fn gather(results: Vec<Result<()>>) -> Result<usize> {
    let count = results.len();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(Error::Input(mut d)) => problems.append(&mut d),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(Error::Input(problems))
    }
}

/// The date used for review warnings: today, or `HANDBOOK_TODAY`
/// (YYYY-MM-DD) when set, so that tests and previews can pin it.
pub fn today() -> chrono::NaiveDate {
    std::env::var("HANDBOOK_TODAY")
        .ok()
        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Checks the site under `root` without writing anything: returns its
/// warnings (errors come back as `Err`; with `strict`, warnings too).
pub fn check(root: &Path, strict: bool) -> Result<Vec<Diagnostic>> {
    let site = Site::load(root)?;
    let prepared = site.prepare()?;
    let renderer = site.renderer()?;
    prepared.render_all(&renderer, &Discard)?;
    let mut warnings = prepared.warnings;
    warnings.extend(review_warnings(root, &site.config, today()));
    warnings.extend(office_warning(root, &site.config));
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
    /// Where, as the user wrote it.
    pub out: PathBuf,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// The site's own theme folder, used whole (a theme that is not built
    /// in), if any.
    pub own_theme: Option<PathBuf>,
    /// The site's files used instead of the built-in theme's or added to
    /// it, such as `templates/page.html` (copies identical to the built-in
    /// files and the files of `own_theme` are not listed).
    pub own_files: Vec<PathBuf>,
}

/// Builds the site into `out`, a folder [`output_folder`] approved.
pub fn build(out: &OutputFolder) -> Result<BuildSummary> {
    let root = out.root();
    let site = Site::load(root)?;
    let prepared = site.prepare()?;
    let renderer = site.renderer()?;
    let mut pages = 0;
    output::write_atomically(out.path(), |dir| {
        pages = write_files(&prepared, &renderer, dir)?;
        Ok(())
    })?;
    let mut warnings = prepared.warnings;
    warnings.extend(review_warnings(root, &site.config, today()));
    warnings.extend(office_warning(root, &site.config));
    Ok(BuildSummary {
        pages,
        out: out.as_written().to_path_buf(),
        warnings,
        own_theme: site.theme.own_theme().map(Path::to_path_buf),
        own_files: site.theme.own_files(),
    })
}
