//! The policy's version history: the published versions (and the current
//! content when it is not published yet), the `versions.html` page and a
//! "what changed" page for every version after the first.

use super::{Pages, Prepared, Site};
use crate::error::Result;
use crate::render::Strings;
use crate::render::context::{Change, ChangesTemplate, HistoryEntry, VersionsTemplate};

impl Site {
    /// True when the current content is a published version.
    pub(crate) fn is_published(&self) -> bool {
        self.published.iter().any(|v| v.id == self.version_id)
    }

    /// Every version oldest first: the published ones, then the current
    /// content if it is not published.
    pub(crate) fn history(&self) -> Vec<HistoryEntry> {
        let mut out: Vec<HistoryEntry> = self
            .published
            .iter()
            .enumerate()
            .map(|(i, v)| HistoryEntry {
                id: v.id.clone(),
                label: v.label.clone(),
                published: Some(v.published.clone()),
                reviewed: display_date(&self.strings, &v.reviewed),
                next_review: display_date(&self.strings, &v.next_review),
                summary: v.summary.clone(),
                minor: v.minor,
                draft: false,
                current: v.id == self.version_id,
                changes_url: (i > 0).then(|| changes_url(&v.id)),
            })
            .collect();
        if !self.is_published() && !self.published.is_empty() {
            out.push(HistoryEntry {
                id: self.version_id.clone(),
                label: self.config.version.clone(),
                published: None,
                reviewed: self.strings.review_date(&self.config.reviewed),
                next_review: self.strings.review_date(&self.config.next_review),
                summary: self.strings.text("versions.draft_summary", &[]),
                minor: false,
                draft: true,
                current: true,
                changes_url: Some(changes_url(&self.version_id)),
            });
        }
        out
    }
}

/// A version's "what changed" page, relative to the site root.
fn changes_url(id: &str) -> String {
    format!("changes/{id}.html")
}

/// A date from versions.yaml as people read it, in the site's language
/// (as written if it is not a date).
fn display_date(strings: &Strings, iso: &str) -> String {
    crate::config::ReviewDate::parse(iso)
        .map_or_else(|| iso.to_string(), |d| strings.review_date(&d))
}

impl Prepared<'_> {
    /// `versions.html` and `changes/<id>.html`, for the templates the
    /// theme has; returns the pages written.
    pub(super) fn render_versions(&self, out: &Pages<'_>) -> Result<usize> {
        let site = self.site;
        if !out.renderer.has("versions.html") {
            return Ok(0);
        }
        let history = site.history();
        let newest_first: Vec<HistoryEntry> = history.iter().rev().cloned().collect();
        let versions_title = site.strings.text("versions.title", &[]);
        let context = VersionsTemplate {
            generated: self.generated_template("versions.html", &versions_title),
            history: &newest_first,
        };
        out.write("versions.html", "versions.html", &context)?;
        let mut count = 1;
        if history.len() < 2 || !out.renderer.has("changes.html") {
            return Ok(count);
        }
        let said = site.strings.diff_words();
        let mut files = Vec::with_capacity(history.len());
        for entry in &history {
            files.push(if entry.draft {
                crate::versions::policy_files(&site.root)?
            } else {
                crate::versions::archived_files(&site.root, &entry.id)?
            });
        }
        for (pair, texts) in history.windows(2).zip(files.windows(2)) {
            let (previous, entry) = (&pair[0], &pair[1]);
            let url = changes_url(&entry.id);
            let title = site
                .strings
                .text("changes.title", &[("label", &entry.label)]);
            let context = ChangesTemplate {
                generated: self.generated_template(&url, &title),
                change: Change {
                    version: entry,
                    previous,
                    pages: crate::diff::compare(&texts[0], &texts[1], &said),
                    quizzes_changed: crate::diff::quizzes_changed(&texts[0], &texts[1]),
                },
            };
            out.write("changes.html", &url, &context)?;
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
