//! Footnotes, written by handbook rather than by pulldown-cmark's HTML
//! writer: numbered in the order they are first referred to, listed as
//! "Notes" at the end of the page they belong to, each note with a link
//! back to every place that refers to it.
//!
//! Every id is namespaced `fn:` (a note) or `fnref:` (a reference),
//! after the page's id prefix. A heading's slug and an author's `{#id}`
//! can never hold a `:`, so these ids never clash with them, and the page
//! prefix keeps two pages' `[^1]` apart where pages share one document
//! (a course module page, a print page).

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, TagEnd};
use unicase::UniCase;

use crate::util::html;

/// The footnotes of one page, gathered while its events are written.
#[derive(Default)]
pub(super) struct Notes<'a> {
    /// Each note's number, by its label as pulldown-cmark matches labels
    /// (Unicode case folded).
    numbers: HashMap<UniCase<String>, usize>,
    /// How many references each note has had so far, by number - 1.
    references: Vec<usize>,
    /// Each defined note's HTML events, by label; the first definition
    /// of a label is the one shown.
    bodies: HashMap<UniCase<String>, Vec<Event<'a>>>,
    /// The labels in the order they are defined, with the line of each.
    defined: Vec<(UniCase<String>, usize)>,
}

impl<'a> Notes<'a> {
    /// The HTML of a reference to the note `label`, with `prefix` the
    /// page's id prefix: the note's number, linking to the note.
    pub(super) fn reference(&mut self, label: &str, prefix: &str) -> String {
        let key = UniCase::new(label.to_string());
        let next = self.numbers.len() + 1;
        let n = *self.numbers.entry(key).or_insert(next);
        if n > self.references.len() {
            self.references.push(0);
        }
        self.references[n - 1] += 1;
        let k = self.references[n - 1];
        let p = html::escape(prefix);
        format!(
            "<sup class=\"footnote-ref\"><a href=\"#{p}fn:{n}\" id=\"{p}{}\" \
             aria-describedby=\"{p}fn:title\">{n}</a></sup>",
            reference_id(n, k)
        )
    }

    /// Keeps the HTML events of a definition written on `line`; false if
    /// the label was defined before (the events are then dropped).
    pub(super) fn define(&mut self, label: &str, line: usize, events: Vec<Event<'a>>) -> bool {
        let key = UniCase::new(label.to_string());
        if self.bodies.contains_key(&key) {
            return false;
        }
        self.defined.push((key.clone(), line));
        self.bodies.insert(key, events);
        true
    }

    /// True when the page has no note to list.
    pub(super) fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// The notes list, as events to write at the end of the page, and the
    /// labels (with their lines) defined but never referred to: those are
    /// listed after the others, with no way back.
    pub(super) fn finish(
        mut self,
        prefix: &str,
        labels: &super::Labels<'_>,
    ) -> (Vec<Event<'a>>, Vec<(String, usize)>) {
        let mut unreferenced = Vec::new();
        for (key, line) in &self.defined {
            if !self.numbers.contains_key(key) {
                unreferenced.push((key.to_string(), *line));
                let next = self.numbers.len() + 1;
                self.numbers.insert(key.clone(), next);
            }
        }
        let mut order: Vec<(usize, UniCase<String>)> =
            self.numbers.iter().map(|(k, &n)| (n, k.clone())).collect();
        order.sort_by_key(|(n, _)| *n);
        let p = html::escape(prefix).into_owned();
        let title = html::escape(labels.notes);
        let mut out = vec![Event::Html(
            format!(
                "<section class=\"footnotes\" aria-labelledby=\"{p}fn:title\">\n\
                 <p class=\"footnotes-title\" id=\"{p}fn:title\">{title}</p>\n<ol>\n"
            )
            .into(),
        )];
        for (n, key) in order {
            let Some(mut body) = self.bodies.remove(&key) else {
                continue;
            };
            out.push(Event::Html(format!("<li id=\"{p}fn:{n}\">").into()));
            let backlinks = self.backlinks(n, &p, labels);
            if !backlinks.is_empty() {
                match body.last() {
                    Some(Event::End(TagEnd::Paragraph)) => {
                        let end = body.pop();
                        body.push(Event::InlineHtml(CowStr::from(backlinks)));
                        body.extend(end);
                    }
                    _ => body.push(Event::Html(
                        format!("<p>{}</p>\n", backlinks.trim_start()).into(),
                    )),
                }
            }
            out.extend(body);
            out.push(Event::Html("</li>\n".into()));
        }
        out.push(Event::Html("</ol>\n</section>\n".into()));
        (out, unreferenced)
    }

    /// One ↩ per reference to note `n`, each back to its own reference,
    /// in the order of the text. The ↩ alone is seen (a visible number
    /// beside it would have to be part of the link's spoken name too).
    fn backlinks(&self, n: usize, p: &str, labels: &super::Labels<'_>) -> String {
        let count = self.references.get(n - 1).copied().unwrap_or(0);
        let mut out = String::new();
        for k in 1..=count {
            let label = if k == 1 {
                labels.back_to_reference.replace("{n}", &n.to_string())
            } else {
                labels
                    .back_to_reference_again
                    .replace("{n}", &n.to_string())
                    .replace("{k}", &k.to_string())
            };
            let label = html::escape(&label);
            let _ = write!(
                out,
                " <a href=\"#{p}{}\" class=\"footnote-back\" aria-label=\"{label}\">↩</a>",
                reference_id(n, k)
            );
        }
        out
    }
}

/// The id (after the page prefix) of the `k`th reference to note `n`.
fn reference_id(n: usize, k: usize) -> String {
    if k == 1 {
        format!("fnref:{n}")
    } else {
        format!("fnref:{n}:{k}")
    }
}
