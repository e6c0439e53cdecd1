//! The checks that need the whole site: every link and anchor resolves,
//! the course's modules have pages and its references resolve, every
//! page's tool loads and agrees with the policy; and the warning when the
//! policy's review is due.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::Prepared;
use crate::config::SiteConfig;
use crate::content;
use crate::course::quiz;
use crate::course::tool::{self, PolicyLookup};
use crate::error::{Diagnostic, Resolution};

/// Days before the next review when `check` starts to warn.
const REVIEW_WARNING_DAYS: i64 = 60;

impl Prepared<'_> {
    /// Checks that a `page#anchor` reference (content path without `.md`)
    /// resolves; returns what is wrong and how to fix it if not.
    fn check_reference(&self, from: &str, target: &str) -> Resolution {
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

    /// Every page's Markdown problems and links that do not resolve.
    pub(super) fn validate_links(&self) -> Vec<Diagnostic> {
        let files = Files::new(self);
        let mut problems = Vec::new();
        for (entry, rendered) in self.entries.iter().zip(&self.rendered) {
            let Some(page) = entry.page else { continue };
            for problem in &rendered.problems {
                problems.push(
                    Diagnostic::error(page.file(), Some(problem.line), problem.message.clone())
                        .help(problem.help.clone()),
                );
            }
            for w in &rendered.warnings {
                let warning = Diagnostic::warning(page.file(), Some(w.line), w.message.clone());
                problems.push(warning.help(w.help.clone()));
            }
            for link in &rendered.links {
                for (message, help) in self.check_link(&files, &page.source, &link.target) {
                    let message = format!(
                        "the link `{}` {message}",
                        crate::util::text::terminal_safe(&link.target)
                    );
                    problems
                        .push(Diagnostic::error(page.file(), Some(link.line), message).help(help));
                }
            }
        }
        problems
    }

    /// What is wrong with a link (or image) written in the page `from`,
    /// with how to fix each problem; empty when it reaches its file and
    /// anchor from every page that shows it.
    ///
    /// A link is percent-decoded as a browser and a web server would
    /// (`my%20notes.pdf` finds `my notes.pdf`), and must then name a page
    /// (`x.md`) or a file of `content/` exactly, letter case included.
    fn check_link(&self, files: &Files<'_>, from: &str, target: &str) -> Vec<(String, String)> {
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let with_anchor = |path: &str| match anchor {
            Some(anchor) => format!("{path}#{anchor}"),
            None => path.to_string(),
        };
        if path.is_empty() {
            return self
                .check_reference(from, &with_anchor(""))
                .err()
                .into_iter()
                .collect();
        }
        if let Some(rooted) = path.strip_prefix('/') {
            let suggestion = relative_to(from, &decoded(rooted).unwrap_or_default());
            return vec![(
                "starts with `/`, the top of the web server rather than of the site, so it \
                 breaks when the site is published in a sub-folder or opened from disk"
                    .to_string(),
                format!(
                    "write it relative to this page: `{}`",
                    with_anchor(&suggestion)
                ),
            )];
        }
        let Some(decoded) = decoded(path) else {
            return vec![(
                "has a percent-escape (`%..`) that is not text".to_string(),
                "write the file's name as it is, e.g. `my%20notes.pdf` for `my notes.pdf`"
                    .to_string(),
            )];
        };
        let Some(source) = crate::util::paths::resolve_link(from, &decoded) else {
            return vec![(
                "points outside content/".to_string(),
                "link to a page inside content/, relative to this file".to_string(),
            )];
        };
        if decoded.ends_with('/') || files.folders.contains(source.as_str()) {
            let index = if source.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{source}/_index.md")
            };
            return vec![(
                "points to a folder, which works on some web servers but not from disk (file://)"
                    .to_string(),
                format!(
                    "link to the folder's own page: `{}`",
                    with_anchor(&relative_to(from, &index))
                ),
            )];
        }
        let lower = source.to_lowercase();
        let same_but_case = || {
            files
                .assets
                .iter()
                .chain(self.by_source.keys())
                .find(|f| f.to_lowercase() == lower)
                .map(|file| {
                    vec![(
                        "points to a file that does not exist".to_string(),
                        format!(
                            "there is no content/{source}, but there is content/{file}: letter \
                             case matters on most web servers; link to `{}`",
                            with_anchor(&relative_to(from, file))
                        ),
                    )]
                })
        };
        if decoded.ends_with(".md") {
            if !self.by_source.contains_key(source.as_str())
                && let Some(problem) = same_but_case()
            {
                return problem;
            }
            return self
                .check_reference(from, &with_anchor(&decoded))
                .err()
                .into_iter()
                .collect();
        }
        if files.assets.contains(source.as_str()) {
            return Vec::new();
        }
        if let Some(&j) = files.pages_by_url.get(source.as_str()) {
            let page = self.entries[j].page.map_or("", |p| p.source.as_str());
            let mut problems = vec![(
                "points to a built page (.html) instead of its Markdown file".to_string(),
                format!(
                    "link to the page's file, which handbook turns into the right address \
                     wherever the text is shown: `{}`",
                    with_anchor(&relative_to(from, page))
                ),
            )];
            problems.extend(self.check_reference("", &with_anchor(page)).err());
            return problems;
        }
        same_but_case().unwrap_or_else(|| {
            vec![(
                "points to a file that does not exist".to_string(),
                format!(
                    "links are relative to this page's folder; there is no file content/{source}"
                ),
            )]
        })
    }

    /// Loads and checks every page's tool.
    pub(super) fn load_tools(&mut self) -> Vec<Diagnostic> {
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

    /// Checks each policy's quizzes against its content: modules have
    /// pages of their own policy and every `policy_ref` resolves. Pages
    /// naming a module without a quiz get a warning; a page of no policy
    /// naming a module is an error.
    pub(super) fn validate_course(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let (Some(page), None) = (entry.page, self.entry_policy[i]) else {
                continue;
            };
            if let Some(module) = &page.front.module {
                problems.push(
                    Diagnostic::error(
                        page.file(),
                        page.key_line("module"),
                        format!(
                            "module `{module}`: this page belongs to no policy, so it can be \
                             in no course"
                        ),
                    )
                    .help(format!(
                        "remove `module:`, or move the page into the folder of its policy, \
                         content/<policy>/, where <policy> is one of {}",
                        self.site.config.policy_list()
                    )),
                );
            }
        }
        for p in 0..self.site.policies.len() {
            problems.append(&mut self.validate_policy_course(p));
        }
        problems
    }

    /// [`Prepared::validate_course`] for policy `p`.
    fn validate_policy_course(&self, p: usize) -> Vec<Diagnostic> {
        let quizzes = &self.site.policies[p].quizzes;
        let policy = &self.site.policy(p).id;
        let pages: Vec<&crate::content::Page> = (self.entries.iter().enumerate())
            .filter(|(i, _)| self.entry_policy[*i] == Some(p))
            .filter_map(|(_, e)| e.page)
            .collect();
        let modules: HashSet<String> = pages
            .iter()
            .filter_map(|page| page.front.module.clone())
            .collect();
        let resolve = |reference: &str| PolicyLookup::resolve(self, reference);
        let mut problems = quiz::validate_refs(quizzes, &modules, &resolve);
        problems.extend(weight_warnings(quizzes));
        for page in pages {
            let Some(module) = &page.front.module else {
                continue;
            };
            if !quizzes.iter().any(|q| &q.module == module) {
                problems.push(
                    Diagnostic::warning(
                        page.file(),
                        page.key_line("module"),
                        format!("module `{module}` has no quiz, so this page is not in the course"),
                    )
                    .help(format!(
                        "add quizzes/{policy}/{module}.yaml, or correct the module name"
                    )),
                );
            }
        }
        problems
    }
}

/// A warning for each quiz whose `weight:` would put it before a module
/// that comes earlier in the course (which follows the order of the
/// pages, see `Site::order_course`): the weight no longer orders anything.
fn weight_warnings(quizzes: &[quiz::Quiz]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut highest: Option<(i64, &str)> = None;
    for quiz in quizzes {
        let Some(weight) = quiz.weight else { continue };
        match highest {
            Some((top, module)) if weight < top => problems.push(
                Diagnostic::warning(
                    &quiz.file,
                    quiz.weight_line,
                    format!(
                        "`weight: {weight}` would put module `{}` before `{module}` \
                         (weight {top}), but the course follows the order of the pages, \
                         where its pages come later",
                        quiz.module
                    ),
                )
                .help("remove `weight:` from the quiz, or change the pages' weights to move the module"),
            ),
            _ => highest = Some((weight, &quiz.module)),
        }
    }
    problems
}

/// How the course's quizzes and the tools see the policy.
impl PolicyLookup for Prepared<'_> {
    fn resolve(&self, reference: &str) -> Resolution {
        let (page, anchor) = reference.split_once('#').unwrap_or((reference, ""));
        self.check_reference("", &format!("{page}.md#{anchor}"))
    }

    fn page_text(&self, page: &str) -> Option<String> {
        let &i = self.by_source.get(format!("{page}.md").as_str())?;
        let rendered = self.full(i);
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

/// What a link may reach: the files of `content/` that are copied as
/// they are, the folders, and the built pages by address.
struct Files<'p> {
    assets: HashSet<&'p str>,
    folders: HashSet<&'p str>,
    pages_by_url: HashMap<&'p str, usize>,
}

impl<'p> Files<'p> {
    fn new(prepared: &'p Prepared<'_>) -> Files<'p> {
        let assets: HashSet<&str> = prepared
            .site
            .assets
            .files
            .iter()
            .map(String::as_str)
            .collect();
        let mut folders: HashSet<&str> = prepared
            .entries
            .iter()
            .map(|e| e.section.dir.as_str())
            .collect();
        for asset in &assets {
            let mut path = *asset;
            while let Some((dir, _)) = path.rsplit_once('/') {
                folders.insert(dir);
                path = dir;
            }
        }
        let pages_by_url = prepared
            .urls
            .iter()
            .enumerate()
            .filter(|(j, _)| prepared.entries[*j].page.is_some())
            .map(|(j, url)| (url.as_str(), j))
            .collect();
        Files {
            assets,
            folders,
            pages_by_url,
        }
    }
}

/// A link's path percent-decoded, as the browser asks for it; `None` when
/// the escapes do not make UTF-8 text.
fn decoded(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|p| p.into_owned())
}

/// How the page `from` links to the content path `to`, both relative to
/// `content/`: `devices/staff.md` to `purpose.md` is `../purpose.md`.
fn relative_to(from: &str, to: &str) -> String {
    let prefix = super::elsewhere::folder_prefix(from, to);
    let name = to.rsplit('/').next().unwrap_or(to);
    format!("{prefix}{name}")
}

/// Whether two content paths differ only by a few characters at the end.
fn strsim_close(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches(".md");
    let b = b.trim_end_matches(".md");
    a.len().abs_diff(b.len()) <= 2 && (a.starts_with(b) || b.starts_with(a))
}

/// A warning when site.yaml gives no `office_email`: staff then have
/// nowhere to send their tokens but what someone tells them, and the
/// completion page cannot offer to e-mail it.
pub(crate) fn office_warning(root: &Path, config: &SiteConfig) -> Option<Diagnostic> {
    if !config.office_email.trim().is_empty() {
        return None;
    }
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    Some(
        Diagnostic::warning(
            crate::config::CONFIG_FILE,
            crate::util::yaml::top_key_line(&text, "office_email"),
            "office_email is empty: the course cannot tell staff where to send their \
             completion tokens, nor offer to e-mail them",
        )
        .help(
            "set office_email to the address that receives tokens, e.g. `office_email: \
             office@school.example`; `handbook publish` refuses until it is set",
        ),
    )
}

/// A warning for each policy whose next review is within
/// [`REVIEW_WARNING_DAYS`] or past, pointing at its `next_review` line in
/// `root`'s site.yaml.
pub(crate) fn review_warnings(
    root: &Path,
    config: &SiteConfig,
    today: chrono::NaiveDate,
) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let entries = crate::util::yaml::children(&text, "policies");
    let mut out = Vec::new();
    for policy in &config.policies {
        let due = policy.next_review.date();
        let days = (due - today).num_days();
        if days > REVIEW_WARNING_DAYS {
            continue;
        }
        let line = entries.iter().find(|e| e.key == policy.id).map(|e| {
            crate::util::yaml::field_line(&text, e.line, e.end, "next_review").unwrap_or(e.line)
        });
        let next = policy.next_review;
        let when = if days < 0 {
            format!("was due {next} ({}), {} days ago", next.iso(), -days)
        } else {
            format!("is due {next} ({}), in {days} days", next.iso())
        };
        let which = if days < 0 { "review" } else { "next review" };
        out.push(
            Diagnostic::warning(
                crate::config::CONFIG_FILE,
                line,
                format!("{}: the {which} {when}", policy.title),
            )
            .help(format!(
                "review the policy, publish the new version and set its next_review in \
                 site.yaml (policies: {}:)",
                policy.id
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_warning_says_how_far_off_the_review_is() {
        let text = "id: a\norganisation: O\npolicies:\n  one:\n    title: One\n    \
                    version: V\n    reviewed: 2026-01\n    next_review: 2026-03\n  two:\n    \
                    title: Two\n    version: V\n    reviewed: 2026-01\n    next_review: 2029-03\n";
        let config = SiteConfig::parse(text).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.yaml"), text).unwrap();
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert!(review_warnings(dir.path(), &config, day("2025-12-01")).is_empty());
        let soon = review_warnings(dir.path(), &config, day("2026-02-01"));
        assert_eq!(soon.len(), 1, "only the policy due soon");
        assert_eq!(
            soon[0].message,
            "One: the next review is due March 2026 (2026-03), in 28 days"
        );
        assert_eq!(soon[0].line, Some(8), "its own next_review line");
        let late = review_warnings(dir.path(), &config, day("2026-03-11"));
        assert_eq!(
            late[0].message,
            "One: the review was due March 2026 (2026-03), 10 days ago"
        );
    }

    #[test]
    fn similar_paths_are_close() {
        assert!(strsim_close("roles.md", "role.md"));
        assert!(!strsim_close("roles.md", "scope.md"));
    }
}
