//! Rebuilds for `handbook serve`: the last good site stays loaded, so that
//! an edit to one page costs that page's Markdown rather than a whole build.
//!
//! A change to a single content page whose front matter is unchanged
//! reloads and re-renders that page's Markdown only, then validates the
//! site again (links, anchors, quiz references) and renders every output
//! file with the templates already compiled. Every other change (site.yaml,
//! a quiz, a template, a new or removed page, new front matter, several
//! files at once) is a full build. Either way the result is exactly what
//! `handbook build` writes: the policy version id, a hash of all the
//! content, goes into the version history and the course's data, so all
//! the output files are rendered again (templates are cheap; Markdown,
//! loading and compiling are what is saved).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::content::{self, Page, Section};
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::render::Renderer;
use crate::site::{self, Site};

/// The folders and files under the site root that a build reads.
pub(crate) const SOURCES: [&str; 8] = [
    "site.yaml",
    "versions.yaml",
    "content",
    "quizzes",
    "themes",
    "templates",
    "static",
    "versions",
];

/// A site kept in memory between rebuilds.
pub(crate) struct LiveSite {
    root: PathBuf,
    state: Option<State>,
}

/// The last good build.
struct State {
    site: Site,
    renderer: Renderer,
    /// Each entry's rendered Markdown, in [`Site::entries`] order.
    rendered: Vec<Rendered>,
}

/// What a rebuild did.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Pages written.
    pub(crate) pages: usize,
    /// The one page whose Markdown was rendered again, for an incremental
    /// rebuild; `None` for a full build.
    pub(crate) page: Option<String>,
    /// Warnings (errors come back as `Err`).
    pub(crate) warnings: Vec<Diagnostic>,
}

impl LiveSite {
    /// A site under `root`, not yet built.
    pub(crate) fn new(root: &Path) -> LiveSite {
        LiveSite {
            root: root.to_path_buf(),
            state: None,
        }
    }

    /// The site's title, once it has built.
    pub(crate) fn title(&self) -> Option<&str> {
        self.state.as_ref().map(|s| s.site.config.title.as_str())
    }

    /// Builds the whole site into `dir` (an existing, empty folder).
    pub(crate) fn build_full(&mut self, dir: &Path) -> Result<Outcome> {
        self.state = None;
        let site = Site::load(&self.root)?;
        let renderer = site.renderer()?;
        let prepared = site.prepare_kept()?;
        let pages = site::write_files(&prepared, &renderer, dir)?;
        let site::Prepared {
            rendered,
            mut warnings,
            ..
        } = prepared;
        warnings.extend(site::review_warnings(
            &self.root,
            &site.config,
            site::today(),
        ));
        self.state = Some(State {
            site,
            renderer,
            rendered,
        });
        Ok(Outcome {
            pages,
            page: None,
            warnings,
        })
    }

    /// The changed paths (relative to the root) that can change the site:
    /// sources ([`is_source`]) that exist now or that the last build read.
    /// A file that came and went between two builds (an editor's temporary
    /// file, vim's `4913`) does not count.
    pub(crate) fn relevant(&self, changed: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        changed
            .iter()
            .filter(|rel| is_source(rel))
            .filter(|rel| self.root.join(rel).exists() || self.knew(rel))
            .cloned()
            .collect()
    }

    /// True if one of the changed paths is a page of the last build that
    /// is missing now: some editors move the old file aside before they
    /// write the new one, so it may be back in a moment.
    pub(crate) fn lost_page(&self, changed: &BTreeSet<PathBuf>) -> bool {
        changed.iter().any(|rel| {
            rel.starts_with(content::CONTENT_DIR)
                && rel.extension().is_some_and(|e| e == "md")
                && !self.root.join(rel).exists()
                && self.state.is_some()
                && self.knew(rel)
        })
    }

    /// True unless `rel` is under `content/` and the last build had no such
    /// page or file.
    fn knew(&self, rel: &Path) -> bool {
        let (Some(state), Ok(inner)) = (&self.state, rel.strip_prefix(content::CONTENT_DIR)) else {
            return true;
        };
        let source = inner.to_string_lossy().replace('\\', "/");
        state.site.assets.files.contains(&source)
            || state
                .site
                .entries()
                .iter()
                .any(|e| e.page.is_some_and(|p| p.source == source) || e.section.dir == source)
    }

    /// Rebuilds into `dir` (an existing, empty folder) after the files
    /// `changed` (paths relative to the root) changed: incrementally when
    /// only one page's text changed, else in full.
    pub(crate) fn rebuild(&mut self, changed: &BTreeSet<PathBuf>, dir: &Path) -> Result<Outcome> {
        if let Some(source) = single_page(&self.relevant(changed))
            && let Some(outcome) = self.rebuild_page(&source, dir)?
        {
            return Ok(outcome);
        }
        self.build_full(dir)
    }

    /// Re-renders one page; `None` when that needs a full build.
    fn rebuild_page(&mut self, source: &str, dir: &Path) -> Result<Option<Outcome>> {
        let Some(state) = self.state.as_mut() else {
            return Ok(None);
        };
        let path = self.root.join(content::CONTENT_DIR).join(source);
        if !path.is_file() {
            return Ok(None);
        }
        let Some(index) = state
            .site
            .entries()
            .iter()
            .position(|e| e.page.is_some_and(|p| p.source == source))
        else {
            return Ok(None);
        };
        // A broken page is reported like a full build would; the site in
        // memory is left as it was.
        let page = content::read_page(source, &path).map_err(Error::Input)?;
        let Some(old) = page_mut(&mut state.site.content, source) else {
            return Ok(None);
        };
        if old.front_text != page.front_text || old.body_line != page.body_line {
            return Ok(None);
        }
        old.body = page.body;
        let options = RenderOptions {
            labels: state.site.strings.markdown_labels(),
            ..RenderOptions::default()
        };
        let rendered = markdown::render(&old.body.text(), old.body_line, &options);
        // Only the page's own policy changes version (none for a page of
        // no policy).
        let policy = state.site.policy_of_source(source);
        let version_id = match policy {
            Some(p) => {
                crate::versions::policy_version_id(&self.root, &state.site.policy(p).id).map(Some)
            }
            None => Ok(None),
        };
        let mut all = std::mem::take(&mut state.rendered);
        all[index] = rendered;
        let result = version_id.and_then(|id| {
            if let (Some(p), Some(id)) = (policy, id) {
                state.site.policies[p].version_id = id;
            }
            let prepared = state.site.prepare_rendered(all)?;
            let pages = site::write_files(&prepared, &state.renderer, dir)?;
            let site::Prepared {
                rendered, warnings, ..
            } = prepared;
            Ok((pages, rendered, warnings))
        });
        match result {
            Ok((pages, rendered, mut warnings)) => {
                state.rendered = rendered;
                warnings.extend(site::review_warnings(
                    &self.root,
                    &state.site.config,
                    site::today(),
                ));
                Ok(Some(Outcome {
                    pages,
                    page: Some(source.to_string()),
                    warnings,
                }))
            }
            Err(err) => {
                // The site in memory now holds the broken page: start
                // afresh next time.
                self.state = None;
                Err(err)
            }
        }
    }
}

/// True if a change to `rel` (relative to the site root) can change the
/// site: it is one of [`SOURCES`] or inside one, and no part of it is
/// hidden (every loader skips hidden files, such as editors' swap files).
pub(crate) fn is_source(rel: &Path) -> bool {
    let mut parts = rel.components();
    let Some(std::path::Component::Normal(first)) = parts.next() else {
        return false;
    };
    let first = first.to_string_lossy();
    if !SOURCES.contains(&first.as_ref()) {
        return false;
    }
    rel.components().all(|c| match c {
        std::path::Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
        _ => false,
    })
}

/// The content path of the changed page, when the change is to one
/// Markdown file in `content/` and nothing else.
fn single_page(changed: &BTreeSet<PathBuf>) -> Option<String> {
    let mut sources = changed.iter().filter(|p| is_source(p));
    let only = sources.next()?;
    if sources.next().is_some() {
        return None;
    }
    let rel = only.strip_prefix(content::CONTENT_DIR).ok()?;
    let source = rel.to_str()?.replace('\\', "/");
    source.ends_with(".md").then_some(source)
}

fn page_mut<'a>(section: &'a mut Section, source: &str) -> Option<&'a mut Page> {
    if section.index.as_ref().is_some_and(|p| p.source == source) {
        return section.index.as_mut();
    }
    if let Some(i) = section.pages.iter().position(|p| p.source == source) {
        return section.pages.get_mut(i);
    }
    section
        .sections
        .iter_mut()
        .find_map(|sub| page_mut(sub, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &[(&str, &str)] = &[
        (
            "site.yaml",
            "id: t\ntitle: Handbook\norganisation: School\nschools: []\noffice_email: \"\"\n\
             theme: default\nlanguage: en-GB\npolicies:\n  p:\n    title: Policy\n    \
             aim: \"Safe.\"\n    version: One\n    reviewed: 2026-01\n    next_review: 2099-01\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Policy\nprint: true\n---\nIntro. {#intro}\n",
        ),
        (
            "content/p/_index.md",
            "---\ntitle: Policy\n---\nThe policy.\n",
        ),
        (
            "content/p/scope.md",
            "---\ntitle: Scope\nweight: 10\nmodule: scope\n---\nAll staff. {#all}\n\n## Volunteers\n\nThem too.\n",
        ),
        (
            "content/p/roles.md",
            "---\ntitle: Roles\nweight: 20\n---\nSee [scope](scope.md#all).\n",
        ),
        (
            "content/parents/_index.md",
            "---\ntitle: Parents\nprint: true\n---\nFor families.\n",
        ),
        (
            "content/parents/a.md",
            "---\ntitle: A\n---\nBack to [roles](../p/roles.md).\n",
        ),
        (
            "quizzes/p/scope.yaml",
            "module: scope\ntitle: Scope\nquestions:\n  - id: who\n    prompt: Who?\n    \
             kind: true_false\n    answer: true\n    explain: All.\n    policy_ref: p/scope#all\n",
        ),
    ];

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in SITE {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    /// An empty new folder `name` in `out`, for one build.
    fn fresh(out: &Path, name: &str) -> PathBuf {
        let dir = out.join(name);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    /// The test site, a folder for outputs, and the site built once into
    /// its folder `0`.
    fn built() -> (tempfile::TempDir, tempfile::TempDir, LiveSite) {
        let root = site();
        let out = tempfile::tempdir().unwrap();
        let mut live = LiveSite::new(root.path());
        live.build_full(&fresh(out.path(), "0")).unwrap();
        (root, out, live)
    }

    fn changed(paths: &[&str]) -> BTreeSet<PathBuf> {
        paths.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_lean_build_writes_the_same_files_as_one_that_keeps_every_page() {
        // `build` drops each page's HTML and text after the checks and
        // renders them again as it writes; `serve` keeps them. The files
        // must be the same byte for byte.
        let (root, out, _live) = built();
        let site = Site::load(root.path()).unwrap();
        let renderer = site.renderer().unwrap();
        let (lean, kept) = (fresh(out.path(), "lean"), fresh(out.path(), "kept"));
        site::write_files(&site.prepare().unwrap(), &renderer, &lean).unwrap();
        site::write_files(&site.prepare_kept().unwrap(), &renderer, &kept).unwrap();
        let (a, b) = (files(&lean), files(&kept));
        assert!(a.len() > 10, "{} files", a.len());
        assert_eq!(
            a.iter().map(|f| &f.0).collect::<Vec<_>>(),
            b.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{name} differs");
        }
        let search = String::from_utf8(
            a.iter()
                .find(|f| f.0 == "search-index.js")
                .unwrap()
                .1
                .clone(),
        )
        .unwrap();
        assert!(search.contains("All staff"), "{search}");
    }

    #[test]
    fn an_edit_to_one_page_gives_the_same_files_as_a_full_build() {
        let (root, out, mut live) = built();

        for (file, text) in [
            (
                "content/p/scope.md",
                "---\ntitle: Scope\nweight: 10\nmodule: scope\n---\nAll staff, always. {#all}\n\n\
                 ## Volunteers\n\nThem too.\n\n## Visitors\n\nAnd visitors.\n",
            ),
            (
                "content/_index.md",
                "---\ntitle: Policy\nprint: true\n---\nA new introduction. {#intro}\n",
            ),
            (
                "content/parents/a.md",
                "---\ntitle: A\n---\nBack to [the roles](../p/roles.md) and [scope](../p/scope.md#visitors).\n",
            ),
        ] {
            std::fs::write(root.path().join(file), text).unwrap();
            let incremental = fresh(out.path(), &format!("inc-{}", file.replace('/', "-")));
            let outcome = live.rebuild(&changed(&[file]), &incremental).unwrap();
            let source = file.strip_prefix("content/").unwrap();
            assert_eq!(
                outcome.page.as_deref(),
                Some(source),
                "{file} is incremental"
            );

            let full = fresh(out.path(), &format!("full-{}", file.replace('/', "-")));
            LiveSite::new(root.path()).build_full(&full).unwrap();
            let (a, b) = (files(&incremental), files(&full));
            assert_eq!(
                a.iter().map(|f| &f.0).collect::<Vec<_>>(),
                b.iter().map(|f| &f.0).collect::<Vec<_>>()
            );
            for ((name, x), (_, y)) in a.iter().zip(&b) {
                assert!(x == y, "{name} differs after editing {file}");
            }
        }
        let scope = std::fs::read_to_string(out.path().join("inc-content-p-scope.md/p/scope.html"))
            .unwrap();
        assert!(scope.contains("All staff, always."));
    }

    #[test]
    fn front_matter_and_other_changes_build_in_full() {
        let (root, out, mut live) = built();
        let dir = |n: &str| fresh(out.path(), n);
        std::fs::write(
            root.path().join("content/p/roles.md"),
            "---\ntitle: Roles and duties\nweight: 20\n---\nSee [scope](scope.md#all).\n",
        )
        .unwrap();
        let outcome = live
            .rebuild(&changed(&["content/p/roles.md"]), &dir("1"))
            .unwrap();
        assert_eq!(
            outcome.page, None,
            "a new title changes other pages' navigation"
        );
        let outcome = live.rebuild(&changed(&["site.yaml"]), &dir("2")).unwrap();
        assert_eq!(outcome.page, None);
        let outcome = live
            .rebuild(
                &changed(&["content/p/roles.md", "content/p/scope.md"]),
                &dir("3"),
            )
            .unwrap();
        assert_eq!(outcome.page, None);
        // Hidden files (editor swap files) and files that came and went
        // do not count as a second change.
        let outcome = live
            .rebuild(
                &changed(&[
                    "content/p/roles.md",
                    "content/p/.roles.md.swp",
                    "content/p/roles.md.tmp~",
                    "content/4913",
                ]),
                &dir("4"),
            )
            .unwrap();
        assert_eq!(outcome.page.as_deref(), Some("p/roles.md"));
        assert!(live.relevant(&changed(&["content/4913"])).is_empty());
        assert!(!live.lost_page(&changed(&["content/p/roles.md"])));
        std::fs::rename(
            root.path().join("content/p/roles.md"),
            root.path().join("content/p/roles.md~"),
        )
        .unwrap();
        assert!(live.lost_page(&changed(&["content/p/roles.md", "content/p/roles.md~"])));
        assert_eq!(live.relevant(&changed(&["content/p/scope.md"])).len(), 1);
    }

    #[test]
    fn a_broken_edit_is_an_error_and_the_fix_builds() {
        let (root, out, mut live) = built();
        let dir = |n: &str| fresh(out.path(), n);
        std::fs::write(
            root.path().join("content/p/roles.md"),
            "---\ntitle: Roles\nweight: 20\n---\nSee [scope](scope.md#nowhere).\n",
        )
        .unwrap();
        let err = live
            .rebuild(&changed(&["content/p/roles.md"]), &dir("1"))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("content/p/roles.md:5"), "{text}");
        assert!(text.contains("#nowhere"), "{text}");
        std::fs::write(
            root.path().join("content/p/roles.md"),
            "---\ntitle: Roles\nweight: 20\n---\nSee [scope](scope.md#all), fixed.\n",
        )
        .unwrap();
        live.rebuild(&changed(&["content/p/roles.md"]), &dir("2"))
            .unwrap();
        assert!(
            std::fs::read_to_string(out.path().join("2/p/roles.html"))
                .unwrap()
                .contains("fixed.")
        );
    }

    #[test]
    fn only_site_sources_count() {
        assert!(is_source(Path::new("site.yaml")));
        assert!(is_source(Path::new("content/a/b.md")));
        assert!(is_source(Path::new("themes/default/templates/page.html")));
        assert!(!is_source(Path::new("output/index.html")));
        assert!(!is_source(Path::new("content/.b.md.swp")));
        assert!(!is_source(Path::new(".handbook/roster.csv")));
        assert!(!is_source(Path::new("README.md")));
    }
}
