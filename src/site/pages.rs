//! Which pages the site has and how they link up: the content pages and
//! section indexes in reading order, each page's navigation, the print
//! pages, the search and not-found pages, and the search index.

use std::borrow::Cow;

use rayon::prelude::*;

use super::elsewhere;
use super::{Pages, Prepared, Site, gather};
use crate::content::{Child, Page, Section};
use crate::error::{Error, Result};
use crate::markdown;
use crate::render::context::{
    Common, GeneratedTemplate, Link, Nav, NavPage, NavSection, NotFoundTemplate, PageHead,
    PageInfo, PageTemplate, Place, PolicyInfo, PolicySummary, Print, PrintPage, PrintTemplate,
    SectionInfo, SiteInfo, SubSection, VersionInfo, readers,
};

/// One page of the site in reading order: a Markdown page, or a section's
/// index (which may have no `_index.md`).
#[derive(Clone, Copy)]
pub(crate) struct Entry<'a> {
    /// The section the entry belongs to (for an index, the section itself).
    pub(crate) section: &'a Section,
    /// The Markdown page, if there is one.
    pub(crate) page: Option<&'a Page>,
    /// True for a section's index page.
    pub(crate) is_index: bool,
}

impl Entry<'_> {
    /// The output path relative to the site root.
    pub(crate) fn url(&self) -> String {
        match self.page {
            Some(page) => page.url(),
            None => self.section.url(),
        }
    }

    /// The title people see.
    pub(crate) fn title(&self) -> String {
        match self.page {
            Some(page) => page.front.title.clone(),
            None => self.section.title(),
        }
    }

    /// The template that makes this page.
    fn template(&self) -> &'static str {
        if !self.is_index {
            "page.html"
        } else if self.section.dir.is_empty() {
            "index.html"
        } else {
            "section.html"
        }
    }
}

impl Site {
    /// Every page in reading order: each section's index, its pages, then
    /// its sub-sections.
    pub(crate) fn entries(&self) -> Vec<Entry<'_>> {
        fn walk<'a>(section: &'a Section, out: &mut Vec<Entry<'a>>) {
            out.push(Entry {
                section,
                page: section.index.as_ref(),
                is_index: true,
            });
            for child in section.children() {
                match child {
                    Child::Page(page) => out.push(Entry {
                        section,
                        page: Some(page),
                        is_index: false,
                    }),
                    Child::Section(sub) => walk(sub, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.content, &mut out);
        out
    }
}

impl<'a> Prepared<'a> {
    /// The rendered page for a content path.
    pub(crate) fn page(&self, source: &str) -> Option<(&Entry<'a>, &markdown::Rendered)> {
        self.by_source
            .get(source)
            .map(|&i| (&self.entries[i], &self.rendered[i]))
    }

    /// The title and URL of entry `j`.
    fn link(&self, j: usize) -> Link<'_> {
        Link {
            title: &self.titles[j],
            url: &self.urls[j],
        }
    }

    /// What every template receives: on the pages of `policy` (an index
    /// into `Site::policies`), that policy's variables too.
    pub(super) fn common(&self, policy: Option<usize>) -> Common<'_> {
        let site = self.site;
        let parents = site
            .content
            .sections
            .iter()
            .find(|s| s.dir == "parents")
            .and_then(|s| self.starts.get(s.dir.as_str()))
            .map(|&j| self.link(j));
        let policies = (0..site.policies.len())
            .map(|p| PolicySummary {
                policy: self.policy_info(p),
                version: VersionInfo::new(
                    (site.policy(p), &site.strings),
                    &site.policies[p].version_id,
                    site.is_published(p),
                ),
                module_count: site.policies[p].quizzes.len(),
            })
            .collect();
        Common {
            site: SiteInfo::new(
                &site.config,
                site.theme
                    .statics
                    .contains_key(DEFAULT_FAVICON)
                    .then_some(DEFAULT_FAVICON),
            ),
            policy: policy.map(|p| self.policy_info(p)),
            version: policy.map(|p| {
                VersionInfo::new(
                    (site.policy(p), &site.strings),
                    &site.policies[p].version_id,
                    site.is_published(p),
                )
            }),
            course: policy.and_then(|p| self.course_info(p)),
            policies,
            parents,
            generator: format!("handbook {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// `policy` for the pages of policy `p`.
    pub(super) fn policy_info(&self, p: usize) -> PolicyInfo<'_> {
        let policy = self.site.policy(p);
        PolicyInfo {
            id: &policy.id,
            title: &policy.title,
            aim: policy.aim.as_deref(),
            owner: &policy.owner,
            readers: readers(policy, &self.site.strings),
            url: format!("{}/index.html", policy.id),
            print_url: self
                .policy_section(p)
                .and_then(|section| self.print_url(section)),
            versions_url: super::history::versions_url(&policy.id),
        }
    }

    /// Policy `p`'s folder, `content/<policy>/`.
    pub(super) fn policy_section(&self, p: usize) -> Option<&'a Section> {
        self.policy_starts[p].map(|j| self.entries[j].section)
    }

    /// `nav.sections`: the home page and the top-level sections, `current`
    /// for the one holding the page at `url` in folder `top_dir`.
    fn nav_sections(&self, url: &str, top_dir: &str) -> Vec<NavSection<'_>> {
        let mut sections = vec![NavSection {
            title: self.titles[0].as_str().into(),
            url: "index.html",
            current: url == "index.html",
        }];
        // The policies in site.yaml order, then the other sections. A large
        // library lists only the page's own policy, after a link to the
        // home page's list of them all, so every page's navigation stays
        // the same small size however many policies there are.
        let mut tops: Vec<&Section> = self.site.content.sections.iter().collect();
        tops.sort_by_key(|s| self.site.policy_of(&s.dir).map_or((1, 0), |p| (0, p)));
        let many = self.site.config.policies.len() > NAV_POLICIES;
        if many {
            sections.push(NavSection {
                title: self.site.strings.text("home.policies", &[]).into(),
                url: "index.html#policies",
                current: false,
            });
        }
        for s in tops {
            let current = !top_dir.is_empty() && s.dir == top_dir;
            if many && !current && self.site.policy_of(&s.dir).is_some() {
                continue;
            }
            if let Some(&j) = self.starts.get(s.dir.as_str()) {
                sections.push(NavSection {
                    title: self.titles[j].as_str().into(),
                    url: &self.urls[j],
                    current,
                });
            }
        }
        sections
    }

    /// The trail from the home page to the section holding entry `i`.
    fn breadcrumbs(&self, i: usize) -> Vec<Link<'_>> {
        let entry = &self.entries[i];
        let section = entry.section;
        let own = if entry.is_index {
            parent_dir(&section.dir)
        } else {
            Some(section.dir.as_str())
        };
        let Some(dir) = own else {
            return Vec::new();
        };
        let mut dirs = vec![dir];
        let mut d = dir;
        while let Some(parent) = parent_dir(d) {
            dirs.push(parent);
            d = parent;
        }
        dirs.iter()
            .rev()
            .filter_map(|dir| self.starts.get(dir).map(|&j| self.link(j)))
            .collect()
    }

    /// Entry `i`'s `section`, `nav` and `page_has_code`.
    fn place(&self, i: usize) -> Place<'_> {
        let entry = &self.entries[i];
        let section = entry.section;
        let start = self.starts.get(section.dir.as_str()).copied().unwrap_or(i);
        let top_dir = section.dir.split('/').next().unwrap_or("");
        // A page's sidebar lists a window of its section's pages, so that
        // a page's size does not grow with its section (the section's own
        // page lists them all).
        let (window, pages_before, pages_after) = nav_window(
            section.pages.len(),
            (!entry.is_index).then(|| self.in_section[i]),
        );
        let pages = window
            .map(|k| {
                let j = self.by_source[section.pages[k].source.as_str()];
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
        Place {
            section: SectionInfo {
                title: &self.titles[start],
                summary: section
                    .index
                    .as_ref()
                    .and_then(|p| p.front.summary.as_deref()),
                url: &self.urls[start],
                content: &self.rendered[start].html,
                print_url: self.print_url(section),
            },
            nav: Nav {
                sections: self.nav_sections(&self.urls[i], top_dir),
                pages,
                pages_before,
                pages_after,
                prev: i.checked_sub(1).map(|j| self.link(j)),
                next: (i + 1 < self.entries.len()).then(|| self.link(i + 1)),
                breadcrumbs: self.breadcrumbs(i),
                subsections,
            },
            page_has_code: self.rendered[i].highlighted,
        }
    }

    /// The tool of entry `i`'s page, as its template receives it.
    fn tool(&self, i: usize) -> Option<serde_json::Value> {
        self.entries[i]
            .page
            .and_then(|p| self.tools.get(&p.source))
            .map(|t| t.context(self))
    }

    /// The context of entry `i` (see docs/templates.md).
    fn page_template<'s>(&'s self, i: usize, rendered: &'s markdown::Rendered) -> PageTemplate<'s> {
        let entry = &self.entries[i];
        let url = self.urls[i].as_str();
        let front = entry.page.map(|p| &p.front);
        let words = rendered.word_count;
        PageTemplate {
            root: root_prefix(url),
            page: PageInfo {
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
            place: self.place(i),
            tool: self.tool(i),
        }
    }

    /// The context of a page made by handbook rather than from content:
    /// it sits in the root section, or for a page of policy `policy`, in
    /// that policy's folder.
    pub(super) fn generated_template<'s>(
        &'s self,
        url: &'s str,
        title: &'s str,
        policy: Option<usize>,
    ) -> GeneratedTemplate<'s> {
        let start = policy.and_then(|p| self.policy_starts[p]);
        let section = match start {
            Some(j) => SectionInfo {
                title: &self.titles[j],
                summary: None,
                url: &self.urls[j],
                content: "",
                print_url: self.print_url(self.entries[j].section),
            },
            None => SectionInfo {
                title: &self.titles[0],
                summary: None,
                url: "index.html",
                content: "",
                print_url: None,
            },
        };
        let top_dir = start.map_or("", |j| self.entries[j].section.dir.as_str());
        let mut breadcrumbs = vec![self.link(0)];
        breadcrumbs.extend(start.map(|j| self.link(j)));
        GeneratedTemplate {
            root: root_prefix(url),
            page: PageHead {
                title,
                summary: None,
                url,
            },
            place: Place {
                section,
                nav: Nav {
                    sections: self.nav_sections(url, top_dir),
                    pages: Vec::new(),
                    pages_before: 0,
                    pages_after: 0,
                    prev: None,
                    next: None,
                    breadcrumbs,
                    subsections: Vec::new(),
                },
                page_has_code: false,
            },
        }
    }

    /// Renders every content page and section index, in batches of
    /// [`BATCH`] rendered in parallel, and writes the search index as each
    /// batch is done, from the same rendering; each policy's printable
    /// page is written once its last page is rendered, from the same
    /// rendering too. Returns the number of pages.
    pub(super) fn render_entries(&self, out: &Pages<'_>) -> Result<usize> {
        let count = self.entries.len();
        let plan = PrintPlan::new(self);
        let mut prints = PrintParts::new(&plan);
        let mut results = Vec::with_capacity(count);
        let mut printed = Vec::new();
        let render = |range: std::ops::Range<usize>| -> Vec<Rendering<'_>> {
            (range.into_par_iter())
                .map(|i| self.render_entry(out, i, plan.part(i)))
                .collect()
        };
        out.sink.stream("search-index.js", &mut |w| {
            let mut index = crate::search::IndexWriter::start(w)?;
            let mut start = 0;
            let mut batch = render(0..BATCH.min(count));
            // Each batch is added to the index (and to the printable
            // pages) while the next one renders.
            while !batch.is_empty() {
                let next = start + batch.len();
                let mut following = Vec::new();
                let added = rayon::in_place_scope(|scope| {
                    scope.spawn(|_| following = render(next..(next + BATCH).min(count)));
                    for (i, rendering) in (start..).zip(batch) {
                        let entry = &self.entries[i];
                        if entry.page.is_some() {
                            let from = self.from(i, entry);
                            let parts = &rendering.rendered.parts;
                            index.page(&self.titles[i], &self.urls[i], from, parts)?;
                        }
                        results.push(rendering.written);
                        if let Some(p) = prints.add(self, i, rendering.shown) {
                            printed.push(self.render_print_page(out, p, prints.take(p)));
                        }
                    }
                    std::io::Result::Ok(())
                });
                added?;
                (start, batch) = (next, following);
            }
            index.finish()
        })?;
        // A printable page with no part after its start, written empty.
        for p in prints.unwritten() {
            printed.push(self.render_print_page(out, p, Vec::new()));
        }
        let pages = gather(results)?;
        let mut prints = 0;
        for result in printed {
            prints += result?;
        }
        Ok(pages + prints)
    }

    /// Renders and writes entry `i`; gives back its rendered Markdown, for
    /// its search text, and, when `print` names its part of a printable
    /// page (the page's address and the part's anchor), its text as shown
    /// there.
    fn render_entry(
        &self,
        out: &Pages<'_>,
        i: usize,
        print: Option<(&str, &str)>,
    ) -> Rendering<'_> {
        let entry = &self.entries[i];
        let (rendered, shown) = match (entry.page, print) {
            (Some(page), Some((url, anchor))) => {
                let (rendered, shown) = self.render_with_print(i, page, url, anchor);
                (rendered, Some(shown))
            }
            _ => (self.full(i), None),
        };
        let written = out
            .renderer
            .render(
                entry.template(),
                out.shared(self.entry_policy[i]),
                &self.page_template(i, &rendered),
            )
            .map_err(|mut d| {
                if let Some(page) = entry.page {
                    d.message = format!("rendering {}: {}", page.file().display(), d.message);
                }
                Error::input(d)
            })
            .and_then(|html| out.sink.file(&self.urls[i], html.as_bytes()));
        Rendering {
            written,
            rendered,
            shown,
        }
    }

    /// Entry `i`'s page rendered whole and as its part of the printable
    /// page at `url` (ids starting `anchor--`, headings one level down):
    /// from one parse when the build dropped its HTML, otherwise from the
    /// rendering kept.
    fn render_with_print(
        &self,
        i: usize,
        page: &Page,
        url: &str,
        anchor: &str,
    ) -> (Cow<'_, markdown::Rendered>, String) {
        let labels = self.site.strings.markdown_labels();
        let place = (self.urls[i].as_str(), url);
        if self.lean && !self.entries[i].is_index {
            let (rendered, shown) = elsewhere::render_with_part(page, place, anchor, labels);
            (Cow::Owned(rendered), shown)
        } else {
            let shown = elsewhere::render_part(page, place, anchor, false, labels);
            (Cow::Borrowed(&self.rendered[i]), shown)
        }
    }

    /// Policy `p`'s printable page, with its `pages` (every page of the
    /// policy in reading order after its start, sub-folders included but
    /// not a section that says `print: false`, each a part whose headings
    /// sit one level below its title). Returns how many pages (0 or 1).
    fn render_print_page(
        &self,
        out: &Pages<'_>,
        p: usize,
        pages: Vec<PrintPage<'_>>,
    ) -> Result<usize> {
        let (Some(start), Some(policy)) = (self.policy_starts[p], self.policy_section(p)) else {
            return Ok(0);
        };
        let Some(url) = self.print_url(policy) else {
            return Ok(0);
        };
        let printed = self.printed_entries(p);
        let title = format!("{} (printable)", self.titles[start]);
        let mut context = PrintTemplate {
            root: root_prefix(&url),
            page: PageHead {
                title: &title,
                summary: None,
                url: &url,
            },
            place: self.place(start),
            tool: self.tool(start),
            print: Print {
                pages,
                page_css: super::print::running_footer(
                    &self.site.strings,
                    &self.site.policy(p).title,
                    &self.site.policy(p).version,
                ),
            },
        };
        // The print page shows every page's text, and their code.
        context.place.page_has_code |= (printed.iter())
            .any(|&j| self.entries[j].page.is_some() && self.rendered[j].highlighted);
        out.stream("print.html", &url, Some(p), &context)?;
        Ok(1)
    }

    /// The entries policy `p`'s printable page holds, in reading order:
    /// every one of the policy with a Markdown page, except those in (or
    /// under) a section that says `print: false`.
    pub(super) fn printed_entries(&self, p: usize) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&j| {
                let entry = &self.entries[j];
                self.entry_policy[j] == Some(p)
                    && entry.page.is_some()
                    && self.is_printed(&entry.section.dir)
            })
            .collect()
    }

    /// Whether the pages of the folder `dir` are on their policy's
    /// printable page.
    fn is_printed(&self, dir: &str) -> bool {
        !self.unprinted.iter().any(|left_out| within(dir, left_out))
    }

    /// The printable page of the policy holding `section`: `None` for a
    /// section of no policy, or when the policy has none (`print: false`
    /// on its `_index.md`) or the section is left out of it.
    pub(super) fn print_url(&self, section: &Section) -> Option<String> {
        let p = self.site.policy_of(&section.dir)?;
        self.is_printed(&section.dir)
            .then(|| print_url(&self.site.policy(p).id))
    }

    /// The search and not-found pages; returns how many.
    /// The site's icon as a `data:` address, for the 404 page, where a
    /// relative link to the file would miss.
    fn inline_favicon(&self) -> Option<String> {
        use base64::Engine as _;
        let site = self.site;
        let name = match &site.config.favicon {
            Some(path) => crate::config::image_url(path),
            None => DEFAULT_FAVICON.to_string(),
        };
        let bytes = site.theme.statics.get(&name)?;
        let mime = crate::config::image_type(&name)?;
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        Some(format!("data:{mime};base64,{data}"))
    }

    pub(super) fn render_generated(&self, out: &Pages<'_>) -> Result<usize> {
        out.write(
            "search.html",
            "search.html",
            None,
            &self.generated_template(
                "search.html",
                &self.site.strings.text("search.title", &[]),
                None,
            ),
        )?;
        let style = self
            .site
            .theme
            .statics
            .get("style.css")
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_default();
        let not_found_title = self.site.strings.text("not_found.title", &[]);
        let context = NotFoundTemplate {
            generated: self.generated_template("404.html", &not_found_title, None),
            // `</style>` (or any `</`) would end the element early.
            inline_style: style.replace("</", "<\\/"),
            inline_favicon: self.inline_favicon(),
        };
        out.write("404.html", "404.html", None, &context)?;
        Ok(2)
    }

    /// Where entry `i` is from, as search results say: its policy's
    /// title, or its top-level section's (empty for the home page).
    fn from(&self, i: usize, entry: &Entry<'_>) -> &str {
        if let Some(p) = self.entry_policy[i] {
            return &self.site.policy(p).title;
        }
        let top = entry.section.dir.split('/').next().unwrap_or("");
        match self.starts.get(top) {
            Some(&j) if !top.is_empty() => &self.titles[j],
            _ => "",
        }
    }
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        None
    } else {
        Some(dir.rsplit_once('/').map_or("", |(parent, _)| parent))
    }
}

/// One entry rendered and written.
struct Rendering<'s> {
    /// Whether its page was written.
    written: Result<()>,
    /// Its rendered Markdown (for the search index).
    rendered: Cow<'s, markdown::Rendered>,
    /// Its text as shown on its policy's printable page, if it is there.
    shown: Option<String>,
}

/// Which entries each policy's printable page holds.
struct PrintPlan {
    /// Each entry's policy and part anchor, when it is printed.
    of_entry: Vec<Option<(usize, String)>>,
    /// Each policy's printable page's address, when it has one.
    urls: Vec<Option<String>>,
    /// Each policy's last printed entry.
    last: Vec<Option<usize>>,
}

impl PrintPlan {
    fn new(prepared: &Prepared<'_>) -> PrintPlan {
        let policies = prepared.site.policies.len();
        let mut plan = PrintPlan {
            of_entry: vec![None; prepared.entries.len()],
            urls: vec![None; policies],
            last: vec![None; policies],
        };
        for p in 0..policies {
            let start = prepared.policy_starts[p];
            let url = prepared
                .policy_section(p)
                .and_then(|s| prepared.print_url(s));
            let (Some(start), Some(url)) = (start, url) else {
                continue;
            };
            let mut anchors = std::collections::HashSet::new();
            for j in prepared.printed_entries(p) {
                if j == start {
                    continue;
                }
                let page = prepared.entries[j]
                    .page
                    .expect("printed entries have a page");
                let anchor = elsewhere::part_anchor(&page.source, &mut anchors);
                plan.of_entry[j] = Some((p, anchor));
                plan.last[p] = Some(j);
            }
            plan.urls[p] = Some(url);
        }
        plan
    }

    /// Entry `i`'s printable page and part anchor, when it is printed.
    fn part(&self, i: usize) -> Option<(&str, &str)> {
        let (p, anchor) = self.of_entry[i].as_ref()?;
        Some((self.urls[*p].as_deref()?, anchor))
    }
}

/// The printable pages put together as the pages are rendered: the parts
/// of each policy's rendered so far.
struct PrintParts<'s> {
    plan: &'s PrintPlan,
    /// Each policy's parts so far.
    parts: Vec<Vec<PrintPage<'s>>>,
    /// Whether each policy's page was handed over (by `take`).
    taken: Vec<bool>,
}

impl<'s> PrintParts<'s> {
    fn new(plan: &'s PrintPlan) -> PrintParts<'s> {
        PrintParts {
            plan,
            parts: plan.urls.iter().map(|_| Vec::new()).collect(),
            taken: vec![false; plan.urls.len()],
        }
    }

    /// Adds entry `i`'s part (its text as `shown`); gives its policy when
    /// that was the policy's last, so its printable page can be written.
    fn add(
        &mut self,
        prepared: &'s Prepared<'_>,
        i: usize,
        shown: Option<String>,
    ) -> Option<usize> {
        let (Some((p, anchor)), Some(content)) = (&self.plan.of_entry[i], shown) else {
            return None;
        };
        self.parts[*p].push(PrintPage {
            title: &prepared.titles[i],
            anchor: anchor.clone(),
            url: &prepared.urls[i],
            content,
        });
        (self.plan.last[*p] == Some(i)).then_some(*p)
    }

    /// Policy `p`'s parts, handed over to be written.
    fn take(&mut self, p: usize) -> Vec<PrintPage<'s>> {
        self.taken[p] = true;
        std::mem::take(&mut self.parts[p])
    }

    /// The policies with a printable page not yet handed over.
    fn unwritten(&self) -> Vec<usize> {
        (0..self.taken.len())
            .filter(|&p| self.plan.urls[p].is_some() && !self.taken[p])
            .collect()
    }
}

/// How many pages are rendered at a time (in parallel) before their search
/// text is added to the index: enough to keep every thread busy, few
/// enough that memory holds only their text.
const BATCH: usize = 256;

/// The most of its section's pages a page's navigation lists.
const NAV_PAGES: usize = 15;

/// The most policies the navigation bar lists; a larger library's bar
/// lists the page's own policy and links to the home page's list.
const NAV_POLICIES: usize = 8;

/// The built-in theme's icon, used when site.yaml names none.
const DEFAULT_FAVICON: &str = "favicon.svg";

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

/// A policy's printable page, relative to the site root.
pub(super) fn print_url(policy: &str) -> String {
    format!("{policy}/print.html")
}

/// True when the folder `dir` is `section` or inside it.
fn within(dir: &str, section: &str) -> bool {
    section.is_empty()
        || dir == section
        || dir
            .strip_prefix(section)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The relative prefix from a page at `url` back to the site root.
pub(super) fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_navigation_is_a_window_of_its_section() {
        assert_eq!(nav_window(10, Some(3)), (0..10, 0, 0));
        assert_eq!(nav_window(500, None), (0..500, 0, 0));
        assert_eq!(nav_window(500, Some(0)), (0..NAV_PAGES, 0, 500 - NAV_PAGES));
        let last = 500 - NAV_PAGES;
        assert_eq!(nav_window(500, Some(499)), (last..500, last, 0));
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

    #[test]
    fn folders_have_parents_up_to_the_root() {
        assert_eq!(parent_dir(""), None);
        assert_eq!(parent_dir("parents"), Some(""));
        assert_eq!(parent_dir("a/b"), Some("a"));
    }
}
