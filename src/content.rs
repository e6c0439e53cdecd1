//! Loading `content/`: pages and sections, with their YAML front matter
//! typed and validated.
//!
//! A section is a folder; its optional `_index.md` holds the section's own
//! front matter and introduction. Errors name the file and the line within
//! the whole file (not within the front matter block).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::error::Diagnostic;
use crate::util::yaml;

/// The folder under the site root that holds the pages.
pub(crate) const CONTENT_DIR: &str = "content";

/// Who a page is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Audience {
    /// Staff and volunteers.
    Staff,
    /// Parents and carers.
    Parents,
    /// Pupils.
    Pupils,
    /// Senior leaders.
    Slt,
}

/// A page's front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    /// The page title (required).
    pub title: String,
    /// Order within its section; lower comes first.
    #[serde(default)]
    pub weight: i64,
    /// Who the page is for (`audience: staff` is short for `[staff]`).
    #[serde(default, deserialize_with = "one_or_many")]
    pub audience: Vec<Audience>,
    /// The course module this page belongs to.
    #[serde(default)]
    pub module: Option<String>,
    /// One sentence saying what the page is about.
    #[serde(default)]
    pub summary: Option<String>,
    /// On a section's `_index.md`: whether the section is part of the
    /// policy's printable page (yes unless `print: false`). On the home
    /// page's `_index.md`, `false` means the policy has no printable page.
    #[serde(default = "printed")]
    pub print: bool,
    /// An interactive tool shown on the page: its YAML file, relative to
    /// the page (see docs/tools.md).
    #[serde(default)]
    pub tool: Option<String>,
}

/// Sections are printed unless they say `print: false`.
fn printed() -> bool {
    true
}

/// Accepts one audience or a list of them.
fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<Audience>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<Audience>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("staff, parents, pupils or slt, or a list of them")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Audience::deserialize(serde::de::value::StrDeserializer::<E>::new(value))
                .map(|one| vec![one])
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(one) = seq.next_element()? {
                out.push(one);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// One Markdown file.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// Path relative to `content/`, with `/` separators, e.g. `parents/x.md`.
    pub source: String,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// The Markdown after the front matter, line endings normalised to LF
    /// (kept compressed: [`Body::text`] gives it).
    pub body: Body,
    /// The line of the file on which the body starts (1-based).
    pub body_line: usize,
    /// The front matter as written (it starts on line 2 of the file), for
    /// finding the line of a key in later messages.
    pub front_text: String,
}

impl Page {
    /// The output path relative to the site root: `x.md` → `x.html`,
    /// `dir/_index.md` → `dir/index.html`.
    pub(crate) fn url(&self) -> String {
        source_to_url(&self.source)
    }

    /// The page's name without folder or extension (`_index` for sections).
    pub(crate) fn stem(&self) -> &str {
        let name = self.source.rsplit('/').next().unwrap_or(&self.source);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The file as it is named in messages: `content/x.md`.
    pub(crate) fn file(&self) -> PathBuf {
        Path::new(CONTENT_DIR).join(&self.source)
    }

    /// The line of the file on which the front matter writes `key:`.
    pub(crate) fn key_line(&self, key: &str) -> Option<usize> {
        front_line(&self.front_text, key)
    }
}

/// The line of the file on which the front matter begins (after `---`).
const FRONT_MATTER_LINE: usize = 2;

/// The line of the file on which `front` (a page's front matter) writes
/// `key:`.
fn front_line(front: &str, key: &str) -> Option<usize> {
    yaml::key_line(front, key).map(|line| line + FRONT_MATTER_LINE - 1)
}

/// Maps a content path to its output path (both relative, `/` separated).
pub(crate) fn source_to_url(source: &str) -> String {
    match source.strip_suffix("_index.md") {
        Some(dir) => format!("{dir}index.html"),
        None => match source.strip_suffix(".md") {
            Some(stem) => format!("{stem}.html"),
            None => source.to_string(),
        },
    }
}

/// A folder of pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    /// Folder relative to `content/` (`""` for the root, `parents` …).
    pub dir: String,
    /// The `_index.md`, if there is one.
    pub index: Option<Page>,
    /// The pages in order (weight, then title).
    pub pages: Vec<Page>,
    /// Sub-folders in order.
    pub sections: Vec<Section>,
}

impl Section {
    /// The section's title: its `_index.md` title, else its folder name.
    pub(crate) fn title(&self) -> String {
        match &self.index {
            Some(index) => index.front.title.clone(),
            None if self.dir.is_empty() => "Home".to_string(),
            None => self
                .dir
                .rsplit('/')
                .next()
                .unwrap_or(&self.dir)
                .replace('-', " "),
        }
    }

    /// The section's own page, relative to the site root.
    pub(crate) fn url(&self) -> String {
        if self.dir.is_empty() {
            "index.html".to_string()
        } else {
            format!("{}/index.html", self.dir)
        }
    }

    fn weight(&self) -> i64 {
        self.index.as_ref().map_or(0, |p| p.front.weight)
    }

    /// Whether the section's `_index.md` leaves it out of the printable
    /// page (`print: false`).
    pub(crate) fn printed(&self) -> bool {
        self.index.as_ref().is_none_or(|p| p.front.print)
    }

    /// The section's pages and sub-sections together, in reading order:
    /// by weight, then title, then path, so that a sub-section of weight
    /// 20 comes between pages of weight 10 and 30.
    pub(crate) fn children(&self) -> Vec<Child<'_>> {
        let mut out: Vec<Child<'_>> = self
            .pages
            .iter()
            .map(Child::Page)
            .chain(self.sections.iter().map(Child::Section))
            .collect();
        out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        out
    }
}

/// A page or a sub-section of a section.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Child<'a> {
    /// A page of the section.
    Page(&'a Page),
    /// A folder inside it.
    Section(&'a Section),
}

impl Child<'_> {
    /// What reading order sorts by: weight, title, then the path (which
    /// is unique).
    fn order_key(&self) -> (i64, String, &str) {
        match self {
            Child::Page(page) => (page.front.weight, page.front.title.clone(), &page.source),
            Child::Section(section) => (section.weight(), section.title(), &section.dir),
        }
    }
}

/// Other files found in `content/` (images, PDFs), copied to the output as
/// they are.
#[derive(Debug, Clone, Default)]
pub(crate) struct Assets {
    /// Paths relative to `content/`, `/` separated.
    pub files: Vec<String>,
}

/// Loads every page under `root/content`, collecting all problems.
pub(crate) fn load(root: &Path) -> Result<(Section, Assets), Vec<Diagnostic>> {
    load_visiting(root, &mut |_, _| {})
}

/// Like [`load`], and hands `visit` the bytes of each page read (its
/// content path, its bytes) in path order, so that what needs them too
/// (the version ids) need not read the file again.
pub(crate) fn load_visiting(
    root: &Path,
    visit: &mut (dyn FnMut(&str, &[u8]) + Send),
) -> Result<(Section, Assets), Vec<Diagnostic>> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(vec![
            Diagnostic::error(CONTENT_DIR, None, "there is no content/ folder")
                .help("create content/ with at least content/_index.md"),
        ]);
    }
    // Walk first (in name order), then read and parse the pages in
    // parallel; the results keep the walk's order.
    enum Found {
        Page(String, PathBuf),
        Problem(Diagnostic),
    }
    let mut found = Vec::new();
    let mut assets = Assets::default();
    // Links are followed (a page may be shared from elsewhere in the site),
    // but each one is checked first, and a refused folder is not entered.
    let mut walker = walkdir::WalkDir::new(&content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&content_dir).to_path_buf();
                let file = relative(root, &path);
                found.push(Found::Problem(match link_problem(root, &path) {
                    Some(message) => Diagnostic::error(file, None, message).help(LINK_HELP),
                    None => Diagnostic::error(file, None, format!("cannot be read: {err}")),
                }));
                continue;
            }
        };
        if entry.path_is_symlink()
            && let Some(message) = link_problem(root, entry.path())
        {
            found.push(Found::Problem(
                Diagnostic::error(relative(root, entry.path()), None, message).help(LINK_HELP),
            ));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(&content_dir, entry.path());
        let source = rel.to_string_lossy().replace('\\', "/");
        if !source.ends_with(".md") {
            assets.files.push(source);
            continue;
        }
        found.push(Found::Page(source, entry.into_path()));
    }
    // Read in path order, a chunk at a time in parallel; each chunk's
    // bytes go to `visit` while the next chunk is read, then are dropped.
    let source_of = |i: usize| match &found[i] {
        Found::Page(source, _) => source.as_str(),
        Found::Problem(_) => "",
    };
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| source_of(a).cmp(source_of(b)));
    let mut slots: Vec<Option<Result<Page, Vec<Diagnostic>>>> = Vec::new();
    slots.resize_with(found.len(), || None);
    let mut read: Vec<(usize, Option<String>)> = Vec::new();
    for chunk in order.chunks(256).map(Some).chain([None]) {
        let (next, ()) = rayon::join(
            || match chunk {
                Some(chunk) => (chunk.par_iter())
                    .map(|&i| match &found[i] {
                        Found::Page(source, path) => (i, read_page_text(source, path)),
                        Found::Problem(problem) => (i, Err(vec![problem.clone()])),
                    })
                    .collect(),
                None => Vec::new(),
            },
            || {
                for (i, text) in &read {
                    if let Some(text) = text {
                        visit(source_of(*i), text.as_bytes());
                    }
                }
            },
        );
        read = (next.into_iter())
            .map(|(i, result)| match result {
                Ok((page, text)) => {
                    slots[i] = Some(Ok(page));
                    (i, Some(text))
                }
                Err(problems) => {
                    slots[i] = Some(Err(problems));
                    (i, None)
                }
            })
            .collect();
    }
    let results: Vec<_> = slots.into_iter().flatten().collect();
    let mut problems = Vec::new();
    let mut pages = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(page) => pages.push(page),
            Err(mut errs) => problems.append(&mut errs),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((assemble(pages), assets))
}

/// Reads and parses the page at `path`, whose content path is `source`.
/// A page that has become a link out of the site since the folder was
/// walked (as `serve` re-reads one page) is refused here too.
pub(crate) fn read_page(source: &str, path: &Path) -> Result<Page, Vec<Diagnostic>> {
    read_page_text(source, path).map(|(page, _)| page)
}

/// Like [`read_page`], with the file's text as it was read.
fn read_page_text(source: &str, path: &Path) -> Result<(Page, String), Vec<Diagnostic>> {
    let file = Path::new(CONTENT_DIR).join(source);
    // `path` is `<root>/content/<source>`.
    let root = path.ancestors().nth(source.split('/').count() + 1);
    if let Some(message) = root.and_then(|root| link_problem(root, path)) {
        return Err(vec![Diagnostic::error(file, None, message).help(LINK_HELP)]);
    }
    match std::fs::read(path) {
        Ok(bytes) => match crate::util::source::utf8_text(&file, bytes) {
            Ok(text) => parse_page(source, &text).map(|page| (page, text)),
            Err(problem) => Err(vec![problem]),
        },
        Err(err) => Err(vec![Diagnostic::error(
            file,
            None,
            format!("cannot be read: {err}"),
        )]),
    }
}

/// Why the symbolic link at `path` (under the site at `root`) may not be
/// followed, if it may not: it points outside the site, into the site's
/// private `.handbook/` folder, or nowhere. `None` for a link that stays
/// inside the site, and for anything that is not a link. A page, quiz or
/// asset read through such a link could publish, or print in an error,
/// a file that was never meant to be part of the site.
pub(crate) fn link_problem(root: &Path, path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let Ok(target) = std::fs::canonicalize(path) else {
        return Some("is a symbolic link to something that does not exist".to_string());
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let what = if target.is_dir() { "folder" } else { "file" };
    if !target.starts_with(&root) {
        return Some(format!(
            "is a symbolic link to a {what} outside the site ({})",
            crate::util::text::terminal_safe(&target.display().to_string())
        ));
    }
    if target.starts_with(root.join(PRIVATE_DIR)) {
        return Some(format!(
            "is a symbolic link into the site's private {PRIVATE_DIR}/ folder"
        ));
    }
    None
}

/// The help for a link that [`link_problem`] refuses.
pub(crate) const LINK_HELP: &str = "handbook reads only files inside the site's folder and never its \
     private .handbook/ folder: copy the file into the site instead of linking to it, or remove the link";

/// The site's private folder (keys, roster, ledger), never read as content.
pub(crate) const PRIVATE_DIR: &str = ".handbook";

fn relative(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// Builds the section tree from a flat list of pages.
fn assemble(pages: Vec<Page>) -> Section {
    let mut root = Section::default();
    for page in pages {
        let dir = page
            .source
            .rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_string());
        let section = section_for(&mut root, &dir);
        if page.stem() == "_index" {
            section.index = Some(page);
        } else {
            section.pages.push(page);
        }
    }
    sort(&mut root);
    root
}

fn section_for<'a>(root: &'a mut Section, dir: &str) -> &'a mut Section {
    if dir.is_empty() {
        return root;
    }
    let mut current = root;
    let mut path = String::new();
    for part in dir.split('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(part);
        let i = match current.sections.iter().position(|s| s.dir == path) {
            Some(i) => i,
            None => {
                current.sections.push(Section {
                    dir: path.clone(),
                    ..Section::default()
                });
                current.sections.len() - 1
            }
        };
        current = &mut current.sections[i];
    }
    current
}

fn sort(section: &mut Section) {
    section.pages.sort_by(|a, b| {
        (a.front.weight, &a.front.title, &a.source).cmp(&(
            b.front.weight,
            &b.front.title,
            &b.source,
        ))
    });
    for sub in &mut section.sections {
        sort(sub);
    }
    section
        .sections
        .sort_by(|a, b| (a.weight(), a.title(), &a.dir).cmp(&(b.weight(), b.title(), &b.dir)));
}

/// Splits a file into front matter and body and validates the front matter.
pub(crate) fn parse_page(source: &str, text: &str) -> Result<Page, Vec<Diagnostic>> {
    let file = Path::new(CONTENT_DIR).join(source);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(vec![
            Diagnostic::error(&file, Some(1), "couldn't find front matter")
                .help("start the file with a line `---`, then `title: …`, then a closing `---`"),
        ]);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut close = None;
    for line in lines {
        if line.trim_end() == "---" {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = close else {
        return Err(vec![
            Diagnostic::error(
                &file,
                Some(1),
                "front matter is opened with `---` but never closed",
            )
            .help("add a line `---` after the front matter"),
        ]);
    };
    let yaml = &text[yaml_start..yaml_end];
    if yaml.trim().is_empty() {
        return Err(vec![
            Diagnostic::error(&file, Some(FRONT_MATTER_LINE), "front matter is empty")
                .help("give the page at least a `title: …`"),
        ]);
    }
    let front: FrontMatter =
        yaml::parse_from_line(&file, yaml, FRONT_MATTER_LINE).map_err(|problem| {
            vec![problem.help(
                "front matter takes: title, weight, audience, module, summary, print, tool \
                 (audience is a list of staff, parents, pupils, slt); put a value that \
                 contains `: ` or starts with a quote mark in double quotes",
            )]
        })?;
    let mut problems = Vec::new();
    if front.title.trim().is_empty() {
        problems.push(
            Diagnostic::error(&file, front_line(yaml, "title"), "the title is empty")
                .help("give the page a title, e.g. `title: Scope`"),
        );
    }
    if let Some(module) = &front.module
        && !is_slug(module)
    {
        problems.push(
            Diagnostic::error(
                &file,
                front_line(yaml, "module"),
                format!("module id `{module}` is not valid"),
            )
            .help("use lower-case letters, digits and `-`, e.g. `module: behaviour`"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Page {
        source: source.to_string(),
        front,
        body: Body::new(&text[body_start..]),
        body_line: crate::error::line_of(&text, body_start),
        front_text: yaml.to_string(),
    })
}

/// True for ids made of lower-case letters, digits and single `-`.
pub(crate) fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

mod body;

pub(crate) use body::Body;

#[cfg(test)]
mod tests;
