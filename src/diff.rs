//! "What changed": a readable word-level comparison of two versions of the
//! policy, page by page, as accessible HTML (`<ins>`/`<del>` with the change
//! also said in words for screen readers, never by colour alone).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use similar::{ChangeTag, DiffOp, TextDiff};

use crate::content;
use crate::util::html::escape as escape_html;

/// The words a comparison says, in the site's language (the theme's
/// `diff.*` strings; British English by default). `{count}` is filled in.
#[derive(Debug, Clone)]
pub(crate) struct Words {
    /// The summary of a new page: "new page".
    pub(crate) new_page: String,
    /// Of a page that is gone: "page removed".
    pub(crate) page_removed: String,
    /// Of a page whose text is the same in new lines: "layout changed".
    pub(crate) layout_changed: String,
    /// "{count} passage changed", for 1 and for more.
    pub(crate) changed: [String; 2],
    /// "{count} passage added", for 1 and for more.
    pub(crate) added: [String; 2],
    /// "{count} passage removed", for 1 and for more.
    pub(crate) removed: [String; 2],
    /// Between the parts of a summary: ", ".
    pub(crate) separator: String,
    /// Said before a passage that was added: "Added: ".
    pub(crate) marker_added: String,
    /// Said before a passage that was removed: "Removed: ".
    pub(crate) marker_removed: String,
    /// Said before words added within a passage: " added: ".
    pub(crate) word_added: String,
    /// Said before words removed within a passage: " removed: ".
    pub(crate) word_removed: String,
}

impl Default for Words {
    fn default() -> Self {
        let pair = |what: &str| {
            [
                format!("{{count}} passage {what}"),
                format!("{{count}} passages {what}"),
            ]
        };
        Words {
            new_page: "new page".into(),
            page_removed: "page removed".into(),
            layout_changed: "layout changed".into(),
            changed: pair("changed"),
            added: pair("added"),
            removed: pair("removed"),
            separator: ", ".into(),
            marker_added: "Added: ".into(),
            marker_removed: "Removed: ".into(),
            word_added: " added: ".into(),
            word_removed: " removed: ".into(),
        }
    }
}

/// How a page differs between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PageStatus {
    /// New in the later version.
    Added,
    /// Gone from the later version.
    Removed,
    /// In both, with different text.
    Changed,
}

/// The changes to one page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageChange {
    /// The page title (the later version's, if it has one).
    pub(crate) title: String,
    /// The page's URL in the built site (for pages that still exist).
    pub(crate) url: Option<String>,
    /// Added, removed or changed.
    pub(crate) status: PageStatus,
    /// One HTML fragment per changed passage.
    pub(crate) passages: Vec<String>,
    /// "2 passages changed, 1 added" and the like.
    pub(crate) summary: String,
}

/// Compares two sets of files (path relative to the site root → text) and
/// returns the changes to `content/` pages, in the later version's order of
/// paths, said in `said`.
pub(crate) fn compare(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    said: &Words,
) -> Vec<PageChange> {
    let pages: BTreeSet<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|p| p.starts_with("content/") && p.ends_with(".md"))
        .collect();
    let mut out = Vec::new();
    for path in pages {
        let source = path.trim_start_matches("content/");
        let before = old.get(path).map(|t| page_text(source, t));
        let after = new.get(path).map(|t| page_text(source, t));
        match (before, after) {
            (Some((_, a)), Some((title, b))) if a != b => {
                let (passages, changed, added, removed) = passages(&a, &b, said);
                out.push(PageChange {
                    title,
                    url: Some(content::source_to_url(source)),
                    status: PageStatus::Changed,
                    passages,
                    summary: counts(changed, added, removed, said),
                });
            }
            (None, Some((title, b))) => out.push(PageChange {
                title,
                url: Some(content::source_to_url(source)),
                status: PageStatus::Added,
                passages: vec![inserted(&b, said)],
                summary: said.new_page.clone(),
            }),
            (Some((title, a)), None) => out.push(PageChange {
                title,
                url: None,
                status: PageStatus::Removed,
                passages: vec![deleted(&a, said)],
                summary: said.page_removed.clone(),
            }),
            _ => {}
        }
    }
    out
}

/// True when any quiz file differs.
pub(crate) fn quizzes_changed(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> bool {
    let quiz = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("quizzes/"))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect()
    };
    quiz(old) != quiz(new)
}

fn counts(changed: usize, added: usize, removed: usize, said: &Words) -> String {
    let mut parts = Vec::new();
    for (n, forms) in [
        (changed, &said.changed),
        (added, &said.added),
        (removed, &said.removed),
    ] {
        if n > 0 {
            let form = if n == 1 { &forms[0] } else { &forms[1] };
            parts.push(form.replace("{count}", &n.to_string()));
        }
    }
    if parts.is_empty() {
        said.layout_changed.clone()
    } else {
        parts.join(&said.separator)
    }
}

/// The page's title and its text as readers see it: front matter and
/// `{#anchor}` markers removed, one passage per line.
fn page_text(source: &str, text: &str) -> (String, String) {
    let (title, body) = match content::parse_page(source, text) {
        Ok(page) => (page.front.title, page.body.text()),
        Err(_) => (source.to_string(), text.to_string()),
    };
    let lines: Vec<String> = body
        .lines()
        .map(|line| strip_anchor(line).trim_end().to_string())
        .filter(|line| !line.trim().is_empty())
        .collect();
    (title, lines.join("\n"))
}

fn strip_anchor(line: &str) -> &str {
    let trimmed = line.trim_end();
    if trimmed.ends_with('}')
        && let Some(open) = trimmed.rfind(" {#")
    {
        return &trimmed[..open];
    }
    line
}

/// Diffs line by line, then word by word within changed lines. Returns the
/// passages and how many were changed, added and removed.
fn passages(old: &str, new: &str, said: &Words) -> (Vec<String>, usize, usize, usize) {
    let diff = TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let mut out = Vec::new();
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for line in &old_lines[old_index..old_index + old_len] {
                    out.push(deleted(line, said));
                    removed += 1;
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for line in &new_lines[new_index..new_index + new_len] {
                    out.push(inserted(line, said));
                    added += 1;
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let olds = &old_lines[old_index..old_index + old_len];
                let news = &new_lines[new_index..new_index + new_len];
                for i in 0..olds.len().max(news.len()) {
                    match (olds.get(i), news.get(i)) {
                        (Some(a), Some(b)) => {
                            out.push(words(a, b, said));
                            changed += 1;
                        }
                        (Some(a), None) => {
                            out.push(deleted(a, said));
                            removed += 1;
                        }
                        (None, Some(b)) => {
                            out.push(inserted(b, said));
                            added += 1;
                        }
                        (None, None) => {}
                    }
                }
            }
        }
    }
    (out, changed, added, removed)
}

fn inserted(text: &str, said: &Words) -> String {
    format!(
        "<ins><span class=\"visually-hidden\">{}</span>{}</ins>",
        escape_html(&said.marker_added),
        escape_html(text).replace('\n', "<br>\n")
    )
}

fn deleted(text: &str, said: &Words) -> String {
    format!(
        "<del><span class=\"visually-hidden\">{}</span>{}</del>",
        escape_html(&said.marker_removed),
        escape_html(text).replace('\n', "<br>\n")
    )
}

/// Splits text into words, runs of spaces and single punctuation marks, so
/// that "staff." → "staff and governors." marks only " and governors".
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let class = |c: char| {
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut previous: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let kind = class(c);
        if previous.is_some_and(|p| p != kind || kind == 2) {
            out.push(&text[start..i]);
            start = i;
        }
        previous = Some(kind);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// One passage with the words that changed marked up.
pub(crate) fn words(old: &str, new: &str, said: &Words) -> String {
    let old_tokens = tokens(old);
    let new_tokens = tokens(new);
    let diff = TextDiff::from_slices(&old_tokens, &new_tokens);
    let mut html = String::new();
    let mut run: Option<ChangeTag> = None;
    let close = |html: &mut String, tag: Option<ChangeTag>| match tag {
        Some(ChangeTag::Insert) => html.push_str("</ins>"),
        Some(ChangeTag::Delete) => html.push_str("</del>"),
        _ => {}
    };
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        let value = change.value();
        if run != Some(tag) {
            close(&mut html, run);
            match tag {
                ChangeTag::Insert => {
                    html.push_str("<ins><span class=\"visually-hidden\">");
                    html.push_str(&escape_html(&said.word_added));
                    html.push_str("</span>");
                }
                ChangeTag::Delete => {
                    html.push_str("<del><span class=\"visually-hidden\">");
                    html.push_str(&escape_html(&said.word_removed));
                    html.push_str("</span>");
                }
                ChangeTag::Equal => {}
            }
            run = Some(tag);
        }
        html.push_str(&escape_html(value));
    }
    close(&mut html, run);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn word_changes_are_marked_and_said() {
        let html = words(
            "Staff must report it to the DSL.",
            "Staff must report it to the headteacher.",
            &Words::default(),
        );
        assert!(
            html.contains("<del><span class=\"visually-hidden\"> removed: </span>DSL</del>"),
            "{html}"
        );
        assert!(
            html.contains("<ins><span class=\"visually-hidden\"> added: </span>headteacher</ins>."),
            "{html}"
        );
        assert!(html.starts_with("Staff must report it to the "), "{html}");
        let html = words("all staff.", "all staff and governors.", &Words::default());
        assert_eq!(
            html,
            "all staff<ins><span class=\"visually-hidden\"> added: </span> and governors</ins>."
        );
        // A replaced word keeps the space after it outside both marks.
        let html = words(
            "This policy should be read.",
            "This policy must be read.",
            &Words::default(),
        );
        assert!(html.contains("</ins> be read."), "{html}");
        assert!(html.contains("should</del><ins>"), "{html}");
    }

    #[test]
    fn pages_added_removed_and_changed() {
        let old = files(&[
            ("content/a.md", "---\ntitle: A\n---\nOne. {#one}\n\nTwo.\n"),
            ("content/b.md", "---\ntitle: B\n---\nGone.\n"),
        ]);
        let new = files(&[
            (
                "content/a.md",
                "---\ntitle: A\n---\nOne. {#one}\n\nTwo changed.\n\nThree.\n",
            ),
            ("content/c.md", "---\ntitle: C\n---\nNew.\n"),
        ]);
        let changes = compare(&old, &new, &Words::default());
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].status, PageStatus::Changed);
        assert_eq!(changes[0].summary, "1 passage changed, 1 passage added");
        assert!(changes[0].passages[0].contains("changed"));
        assert_eq!(changes[1].status, PageStatus::Removed);
        assert_eq!(changes[1].url, None);
        assert_eq!(changes[2].status, PageStatus::Added);
        assert_eq!(changes[2].url.as_deref(), Some("c.html"));
    }

    #[test]
    fn anchors_and_front_matter_alone_are_no_change() {
        let old = files(&[(
            "content/a.md",
            "---\ntitle: A\nweight: 1\n---\nOne. {#one}\n",
        )]);
        let new = files(&[(
            "content/a.md",
            "---\ntitle: A\nweight: 2\n---\nOne. {#first}\n",
        )]);
        assert!(compare(&old, &new, &Words::default()).is_empty());
    }

    #[test]
    fn html_in_the_text_is_escaped() {
        let html = words("a <b>", "a <i>", &Words::default());
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
        assert!(html.starts_with("a &lt;"), "{html}");
    }
}
