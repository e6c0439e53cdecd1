//! Which pages the site has and how they link up: the content pages and
//! section indexes in reading order, each page's navigation, the print
//! pages, the search and not-found pages, and the search index.

use rayon::prelude::*;

use super::{Pages, Prepared, Site, gather};
use crate::content::{Page, Section};
use crate::error::{Error, Result};
use crate::markdown::{self, RenderOptions};
use crate::render::context::{
    Common, GeneratedTemplate, Link, Nav, NavPage, NavSection, PageHead, PageInfo, PageTemplate,
    Place, Print, PrintPage, PrintTemplate, SectionInfo, SubSection,
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

    /// What every template receives.
    pub(super) fn common(&self) -> Common<'_> {
        let site = self.site;
        let parents = site
            .content
            .sections
            .iter()
            .find(|s| s.dir == "parents")
            .and_then(|s| self.starts.get(s.dir.as_str()))
            .map(|&j| self.link(j));
        Common::new(
            &site.config,
            &site.version_id,
            site.is_published(),
            self.course_info(),
            parents,
        )
    }

    /// `nav.sections`: the home page and the top-level sections, `current`
    /// for the one holding the page at `url` in folder `top_dir`.
    fn nav_sections(&self, url: &str, top_dir: &str) -> Vec<NavSection<'_>> {
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
        Place {
            section: SectionInfo {
                title: &self.titles[start],
                summary: section
                    .index
                    .as_ref()
                    .and_then(|p| p.front.summary.as_deref()),
                url: &self.urls[start],
                content: &self.rendered[start].html,
                print_url: print_url(section),
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
    fn page_template(&self, i: usize) -> PageTemplate<'_> {
        let entry = &self.entries[i];
        let rendered = &self.rendered[i];
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
    /// it sits in the root section.
    pub(super) fn generated_template<'s>(
        &'s self,
        url: &'s str,
        title: &'s str,
    ) -> GeneratedTemplate<'s> {
        let content = &self.site.content;
        GeneratedTemplate {
            root: root_prefix(url),
            page: PageHead {
                title,
                summary: None,
                url,
            },
            place: Place {
                section: SectionInfo {
                    title: &self.titles[0],
                    summary: None,
                    url: "index.html",
                    content: "",
                    print_url: print_url(content),
                },
                nav: Nav {
                    sections: self.nav_sections(url, ""),
                    pages: Vec::new(),
                    pages_before: 0,
                    pages_after: 0,
                    prev: None,
                    next: None,
                    breadcrumbs: vec![self.link(0)],
                    subsections: Vec::new(),
                },
                page_has_code: false,
            },
        }
    }

    /// Renders every content page and section index in parallel; returns
    /// their number.
    pub(super) fn render_entries(&self, out: &Pages<'_>) -> Result<usize> {
        let results = (0..self.entries.len())
            .into_par_iter()
            .map(|i| {
                let entry = &self.entries[i];
                let html = out
                    .renderer
                    .render(entry.template(), &out.shared, &self.page_template(i))
                    .map_err(|mut d| {
                        if let Some(page) = entry.page {
                            d.message =
                                format!("rendering {}: {}", page.file().display(), d.message);
                        }
                        Error::input(d)
                    })?;
                (out.sink)(&self.urls[i], html.as_bytes())
            })
            .collect();
        gather(results)
    }

    /// The printable page of each section that asks for one; returns how
    /// many.
    pub(super) fn render_print_pages(&self, out: &Pages<'_>) -> Result<usize> {
        let mut count = 0;
        for (i, entry) in self.entries.iter().enumerate() {
            let section = entry.section;
            let Some(url) = print_url(section).filter(|_| entry.is_index) else {
                continue;
            };
            let pages = section
                .pages
                .iter()
                .map(|p| {
                    let stem = p.stem();
                    let prefix = format!("{stem}--");
                    let options = RenderOptions {
                        id_prefix: &prefix,
                        ..RenderOptions::default()
                    };
                    let j = self.by_source[p.source.as_str()];
                    PrintPage {
                        title: &self.titles[j],
                        anchor: stem,
                        url: &self.urls[j],
                        content: markdown::render(&p.body, p.body_line, &options).html,
                    }
                })
                .collect();
            let title = format!("{} (printable)", section.title());
            let mut context = PrintTemplate {
                root: root_prefix(&url),
                page: PageHead {
                    title: &title,
                    summary: None,
                    url: &url,
                },
                place: self.place(i),
                tool: self.tool(i),
                print: Print { pages },
            };
            // The print page shows every page's text, and their code.
            context.place.page_has_code |= (section.pages.iter())
                .any(|p| self.rendered[self.by_source[p.source.as_str()]].highlighted);
            out.write("print.html", &url, &context)?;
            count += 1;
        }
        Ok(count)
    }

    /// The search and not-found pages; returns how many.
    pub(super) fn render_generated(&self, out: &Pages<'_>) -> Result<usize> {
        let pages = [("search.html", "Search"), ("404.html", "Page not found")];
        for (template, title) in pages {
            out.write(
                template,
                template,
                &self.generated_template(template, title),
            )?;
        }
        Ok(pages.len())
    }

    /// The search index as a script.
    pub(super) fn search_script(&self) -> String {
        crate::search::script(
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
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() {
        None
    } else {
        Some(dir.rsplit_once('/').map_or("", |(parent, _)| parent))
    }
}

/// The most of its section's pages a page's navigation lists.
const NAV_PAGES: usize = 25;

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

/// The section's printable page, when its `_index.md` asks for one.
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

    #[test]
    fn folders_have_parents_up_to_the_root() {
        assert_eq!(parent_dir(""), None);
        assert_eq!(parent_dir("parents"), Some(""));
        assert_eq!(parent_dir("a/b"), Some("a"));
    }
}
