//! Each policy's version history: the published versions (and the current
//! content when it is not published yet), the `<policy>/versions.html`
//! page and a "what changed" page, `<policy>/changes/<id>.html`, for every
//! version after the first.

use super::{Pages, Prepared, Site};
use crate::error::Result;
use crate::render::Strings;
use crate::render::context::{Change, ChangesTemplate, HistoryEntry, VersionsTemplate};

impl Site {
    /// True when policy `p`'s current content is a published version.
    pub(crate) fn is_published(&self, p: usize) -> bool {
        let policy = &self.policies[p];
        policy.published.iter().any(|v| v.id == policy.version_id)
    }

    /// Every version of policy `p`, oldest first: the published ones, then
    /// the current content if it is not published.
    pub(crate) fn history(&self, p: usize) -> Vec<HistoryEntry> {
        let built = &self.policies[p];
        let policy = self.policy(p);
        let mut out: Vec<HistoryEntry> = built
            .published
            .iter()
            .enumerate()
            .map(|(i, v)| HistoryEntry {
                id: v.id.clone(),
                label: v.label.clone(),
                published: Some(v.published.clone()),
                published_on: Some(display_date(&self.strings, &v.published)),
                reviewed: display_date(&self.strings, &v.reviewed),
                next_review: display_date(&self.strings, &v.next_review),
                summary: v.summary.clone(),
                minor: v.minor,
                draft: false,
                current: v.id == built.version_id,
                changes_url: (i > 0).then(|| changes_url(&policy.id, &v.id)),
            })
            .collect();
        if !self.is_published(p) && !built.published.is_empty() {
            out.push(HistoryEntry {
                id: built.version_id.clone(),
                label: policy.version.clone(),
                published: None,
                published_on: None,
                reviewed: self.strings.review_date(&policy.reviewed),
                next_review: self.strings.review_date(&policy.next_review),
                summary: self.strings.text("versions.draft_summary", &[]),
                minor: false,
                draft: true,
                current: true,
                changes_url: Some(changes_url(&policy.id, &built.version_id)),
            });
        }
        out
    }
}

/// A version's "what changed" page, relative to the site root.
fn changes_url(policy: &str, id: &str) -> String {
    format!("{policy}/changes/{id}.html")
}

/// A policy's version history, relative to the site root.
pub(super) fn versions_url(policy: &str) -> String {
    format!("{policy}/versions.html")
}

/// A date from versions.yaml as people read it, in the site's language
/// (as written if it is not a date).
fn display_date(strings: &Strings, iso: &str) -> String {
    crate::config::ReviewDate::parse(iso)
        .map_or_else(|| iso.to_string(), |d| strings.review_date(&d))
}

impl Prepared<'_> {
    /// Every policy's `versions.html` and `changes/<id>.html`, for the
    /// templates the theme has; returns the pages written.
    pub(super) fn render_versions(&self, out: &Pages<'_>) -> Result<usize> {
        let mut count = 0;
        for p in 0..self.site.policies.len() {
            count += self.render_policy_versions(out, p)?;
        }
        Ok(count)
    }

    /// Policy `p`'s version history and "what changed" pages.
    fn render_policy_versions(&self, out: &Pages<'_>, p: usize) -> Result<usize> {
        let site = self.site;
        if !out.renderer.has("versions.html") {
            return Ok(0);
        }
        let policy = site.policy(p);
        let history = site.history(p);
        let newest_first: Vec<HistoryEntry> = history.iter().rev().cloned().collect();
        let url = versions_url(&policy.id);
        let title = site
            .strings
            .text("versions.title_of", &[("title", &policy.title)]);
        let context = VersionsTemplate {
            generated: self.generated_template(&url, &title, Some(p)),
            history: &newest_first,
        };
        out.write("versions.html", &url, Some(p), &context)?;
        let mut count = 1;
        if history.len() < 2 || !out.renderer.has("changes.html") {
            return Ok(count);
        }
        let said = site.strings.diff_words();
        let mut files = Vec::with_capacity(history.len());
        for entry in &history {
            files.push(if entry.draft {
                crate::versions::policy_files(&site.root, &policy.id)?
            } else {
                crate::versions::archived_files(&site.root, &policy.id, &entry.id)?
            });
        }
        for (pair, texts) in history.windows(2).zip(files.windows(2)) {
            let (previous, entry) = (&pair[0], &pair[1]);
            let url = changes_url(&policy.id, &entry.id);
            let title = site
                .strings
                .text("changes.title", &[("label", &entry.label)]);
            let context = ChangesTemplate {
                generated: self.generated_template(&url, &title, Some(p)),
                change: Change {
                    version: entry,
                    previous,
                    pages: crate::diff::compare(&texts[0], &texts[1], &said),
                    quizzes_changed: crate::diff::quizzes_changed(&texts[0], &texts[1]),
                },
            };
            out.write("changes.html", &url, Some(p), &context)?;
            count += 1;
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_versions_yaml_read_as_dates() {
        let strings = Strings::reference();
        assert_eq!(display_date(&strings, "2026-01"), "January 2026");
        assert_eq!(display_date(&strings, "2026-01-15"), "15 January 2026");
        assert_eq!(display_date(&strings, "soon"), "soon");
    }
}
