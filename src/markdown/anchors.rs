//! The ids a page defines: heading slugs, the `{#id}` markers an author
//! puts after a paragraph, a list item or a heading, and heading
//! `{.class}`es. Every id is checked against one rule and made unique on
//! its page; the ids an author wrote are claimed first, so that slugs step
//! around them.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Events, LineIndex, Problem};
use crate::util::text::terminal_safe;

/// Turns heading text into a readable anchor: lower case, runs of other
/// characters become one `-` (`Staff and Volunteers` → `staff-and-volunteers`).
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Splits a trailing ` {#id}` off a paragraph's or list item's text. The
/// id comes back as written, valid or not (see [`is_anchor_id`]); text
/// whose braces hold a space is prose, not an anchor. `source` is the
/// Markdown the text comes from: the marker must be written there as it
/// reads, not escaped (`\{#id}`, `{\#id}`) nor made of entities
/// (`&#123;#id}`), for CommonMark says those are text.
fn trailing_anchor<'t>(text: &'t str, source: &str) -> Option<(&'t str, &'t str)> {
    let trimmed = text.trim_end();
    let inner = trimmed.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    if id.is_empty() || id.contains(char::is_whitespace) {
        return None;
    }
    let before = source.trim_end().strip_suffix(&trimmed[open..])?;
    // An odd run of backslashes escapes the `{`; an even one is escaped
    // backslashes, and the marker stands.
    let backslashes = before.len() - before.trim_end_matches('\\').len();
    (backslashes % 2 == 0).then(|| (trimmed[..open].trim_end(), id))
}

/// True for an id an author may give a heading, paragraph or list item
/// with `{#id}`: an ASCII letter or digit, then ASCII letters, digits, `-`
/// and `_` (so `{#staff-duties}`, `{#para_3}`). The same rule for every
/// kind of anchor; it keeps ids plain in HTML, in URLs and in a quiz's
/// `policy_ref`.
fn is_anchor_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// True for a class a heading may carry with `{.class}`: an ASCII letter,
/// then ASCII letters, digits, `-` and `_` (a CSS class name that needs
/// no escaping in a stylesheet).
fn is_class_name(class: &str) -> bool {
    class
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && class
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

const ANCHOR_HELP: &str = "an anchor id starts with a letter or digit and holds only letters \
     (a-z, A-Z), digits, `-` and `_`, e.g. {#staff-duties}";

/// The ids used on one page. Hands out unique ids in time linear in the
/// number of headings: each base remembers the last suffix it gave, so
/// the thousandth `## Notes` does not try `notes-1` … `notes-999` again.
#[derive(Debug, Default)]
struct Anchors {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Anchors {
    /// Claims `id` exactly as written; false if the page already uses it.
    fn claim(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// `base` if it is free, else the first free of `base-1`, `base-2`, …;
    /// claims and returns it. A suffix is never tried twice for one base
    /// (the ones skipped were taken, and taken ids stay taken).
    fn unique(&mut self, base: String) -> String {
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(0);
        loop {
            *n += 1;
            let id = format!("{base}-{n}");
            if !self.used.contains(&id) {
                self.used.insert(id.clone());
                return id;
            }
        }
    }

    /// Every id claimed, sorted.
    fn into_sorted(self) -> Vec<String> {
        let mut out: Vec<String> = self.used.into_iter().collect();
        out.sort();
        out
    }
}

/// The ids of one page, decided before any HTML is written. Events are
/// named by their index in the page's event list.
#[derive(Debug, Default)]
pub(super) struct PageIds {
    /// The `{#id}` of a paragraph or list item, by its start event.
    pub(super) blocks: HashMap<usize, String>,
    /// A text event's text with its ` {#id}` marker taken off.
    pub(super) stripped: HashMap<usize, String>,
    /// Every heading's id (its own `{#id}` or a slug), by its start event.
    pub(super) headings: HashMap<usize, String>,
    /// A heading's checked `{.class}`es, space separated.
    pub(super) classes: HashMap<usize, String>,
    /// Every id the page defines, sorted.
    pub(super) all: Vec<String>,
}

/// Gives every block and heading of the page its id, reporting markers
/// that are not valid ids, ids used twice and attributes that are not
/// allowed.
pub(super) fn assign(
    events: &Events<'_>,
    markdown: &str,
    lines: &LineIndex,
    problems: &mut Vec<Problem>,
) -> PageIds {
    let mut claims = Claims {
        ids: PageIds::default(),
        anchors: Anchors::default(),
        lines,
        problems,
    };
    let mut open_blocks = Vec::new();
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => open_blocks.push(i),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                if let (Some(start), Some((Event::Text(text), text_range))) =
                    (open_blocks.pop(), events.get(i - 1))
                {
                    let source = markdown.get(text_range.clone()).unwrap_or("");
                    claims.block_marker(start, i - 1, (text, source), range.start);
                }
            }
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) => {
                if let Some(id) = id {
                    claims.heading_id(i, id, range.start);
                }
                claims.heading_classes(i, classes, range.start);
                for (key, _) in attrs {
                    claims.problem(
                        range.start,
                        format!(
                            "the heading attribute `{}` is not allowed",
                            terminal_safe(key)
                        ),
                        "a heading takes only {#id} and {.class} in its braces, e.g. \
                         `## Staff {#staff .note}`",
                    );
                }
            }
            _ => {}
        }
    }
    claims.slug_headings(events);
    let mut ids = claims.ids;
    ids.all = claims.anchors.into_sorted();
    ids
}

/// The first pass over a page: what has been claimed so far.
struct Claims<'p> {
    ids: PageIds,
    anchors: Anchors,
    lines: &'p LineIndex,
    problems: &'p mut Vec<Problem>,
}

impl Claims<'_> {
    fn problem(&mut self, offset: usize, message: String, help: &str) {
        self.problems.push(Problem {
            line: self.lines.line(offset),
            message,
            help: help.to_string(),
        });
    }

    /// A paragraph's or list item's trailing ` {#id}`, in its last text
    /// event (event `text_at`: its text and the Markdown it comes from);
    /// the block starts at event `start`.
    fn block_marker(&mut self, start: usize, text_at: usize, text: (&str, &str), offset: usize) {
        let Some((rest, id)) = trailing_anchor(text.0, text.1) else {
            return;
        };
        if self.ids.blocks.contains_key(&start) {
            return;
        }
        if !is_anchor_id(id) {
            self.problem(
                offset,
                format!("the anchor `{{#{}}}` is not a valid id", terminal_safe(id)),
                ANCHOR_HELP,
            );
            return;
        }
        if !self.anchors.claim(id) {
            self.problem(
                offset,
                format!("the anchor `{{#{id}}}` is used twice on this page"),
                "give each anchor on a page a different name",
            );
        }
        self.ids.blocks.insert(start, id.to_string());
        self.ids.stripped.insert(text_at, rest.to_string());
    }

    /// A heading's own `{#id}`.
    fn heading_id(&mut self, heading: usize, id: &str, offset: usize) {
        if !is_anchor_id(id) {
            self.problem(
                offset,
                format!(
                    "the heading id `{{#{}}}` is not a valid id",
                    terminal_safe(id)
                ),
                ANCHOR_HELP,
            );
            return;
        }
        if !self.anchors.claim(id) {
            self.problem(
                offset,
                format!("the anchor `{id}` is used twice on this page"),
                "give each heading on a page a different {#id}",
            );
        }
        self.ids.headings.insert(heading, id.to_string());
    }

    /// A heading's `{.class}`es: kept only if every one is valid.
    fn heading_classes<S: AsRef<str>>(&mut self, heading: usize, classes: &[S], offset: usize) {
        let mut valid = true;
        for class in classes {
            if !is_class_name(class.as_ref()) {
                valid = false;
                self.problem(
                    offset,
                    format!(
                        "the heading class `{{.{}}}` is not a valid class name",
                        terminal_safe(class.as_ref())
                    ),
                    "a class starts with a letter and holds only letters (a-z, A-Z), \
                     digits, `-` and `_`, e.g. {.note}",
                );
            }
        }
        if valid && !classes.is_empty() {
            let list: Vec<&str> = classes.iter().map(AsRef::as_ref).collect();
            self.ids.classes.insert(heading, list.join(" "));
        }
    }

    /// Each heading without an id of its own gets one from its text.
    fn slug_headings(&mut self, events: &Events<'_>) {
        let mut heading_start = None;
        let mut heading_text = String::new();
        for (i, (event, _)) in events.iter().enumerate() {
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    heading_start = Some(i);
                    heading_text.clear();
                }
                Event::Text(text) | Event::Code(text) if heading_start.is_some() => {
                    heading_text.push_str(text);
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(start) = heading_start.take()
                        && !self.ids.headings.contains_key(&start)
                    {
                        let id = self.anchors.unique(slugify(&heading_text));
                        self.ids.headings.insert(start, id);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slugify("Staff and Volunteers"), "staff-and-volunteers");
        assert_eq!(
            slugify("Administrators / Moderators"),
            "administrators-moderators"
        );
        assert_eq!(
            slugify("Roles & Responsibilities"),
            "roles-responsibilities"
        );
        assert_eq!(slugify("  ?? "), "section");
    }

    #[test]
    fn anchor_ids_follow_one_rule() {
        for good in ["staff", "Staff-2", "para_3", "1-2", "x"] {
            assert!(is_anchor_id(good), "{good}");
        }
        for bad in ["", "-x", "_x", "x y", "x\"y", "zoë", "a/b", "a.b", "<x>"] {
            assert!(!is_anchor_id(bad), "{bad}");
        }
        assert!(is_class_name("note") && is_class_name("call-out_2"));
        for bad in ["", "2col", "-x", "x\"y", "a b", "a.b"] {
            assert!(!is_class_name(bad), "{bad}");
        }
    }

    #[test]
    fn unique_hands_out_each_suffix_once() {
        let mut anchors = Anchors::default();
        assert!(anchors.claim("a-2"));
        assert!(!anchors.claim("a-2"));
        let got: Vec<String> = (0..4).map(|_| anchors.unique("a".to_string())).collect();
        assert_eq!(got, ["a", "a-1", "a-3", "a-4"]);
        assert_eq!(anchors.next["a"], 4, "the counter only moves forward");
    }

    #[test]
    fn a_trailing_marker_is_split_off_and_prose_in_braces_is_not() {
        let plain = |text| trailing_anchor(text, text);
        assert_eq!(plain("Some text. {#intro} "), Some(("Some text.", "intro")));
        assert_eq!(plain("Bad {#x\"y}"), Some(("Bad", "x\"y")));
        assert_eq!(plain("Sets {#a, #b}"), None);
        assert_eq!(plain("Empty {#}"), None);
        assert_eq!(plain("No marker"), None);
    }

    #[test]
    fn an_escaped_or_encoded_marker_is_text() {
        // The text as CommonMark reads it, and the Markdown it came from.
        let text = "foo {#bar}";
        assert_eq!(trailing_anchor(text, "foo \\{#bar}"), None);
        assert_eq!(trailing_anchor(text, "foo {\\#bar}"), None);
        assert_eq!(trailing_anchor(text, "foo {#bar\\}"), None);
        assert_eq!(trailing_anchor(text, "foo &#123;#bar}"), None);
        assert_eq!(trailing_anchor(text, "foo \\\\\\{#bar}"), None, "three");
        // An escaped backslash before the marker leaves the marker whole.
        assert_eq!(
            trailing_anchor("foo \\{#bar}", "foo \\\\{#bar}"),
            Some(("foo \\", "bar"))
        );
        assert_eq!(trailing_anchor(text, "foo {#bar}\n"), Some(("foo", "bar")));
    }
}
