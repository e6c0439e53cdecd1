//! The client-side search index: one entry per heading of every page,
//! shipped as a classic script (`search-index.js`) so that search works
//! opened from disk, where pages cannot fetch local files.

use std::io::Write;

use crate::util::html::ScriptSafe;
use serde::Serialize;

use crate::markdown::TextPart;

/// The most text kept per entry; enough to find a paragraph by its words
/// while keeping the index small.
const MAX_TEXT: usize = 1200;

/// `text` cut to at most `max` bytes, at a space when there is one.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(' ') {
        Some(space) => &text[..space],
        None => &text[..end],
    }
}

/// One searchable part of a page, as `search.js` reads it
/// (docs/templates.md).
#[derive(Serialize)]
struct Entry<'a> {
    /// Page title.
    t: &'a str,
    /// Page URL relative to the site root.
    u: &'a str,
    /// The policy (or section) the page is from, or empty.
    s: &'a str,
    /// Heading text, or empty for the page's opening text.
    h: &'a str,
    /// Heading anchor, or empty.
    a: &'a str,
    /// Plain text, cut to [`MAX_TEXT`].
    x: &'a str,
}

/// Writes the index of the pages (title, URL, the policy or section it is
/// from, parts) to `out` as a classic script that sets
/// `window.HANDBOOK_SEARCH`, unable to end a `<script>` element.
#[cfg(test)]
fn write_script<'a, W: Write>(
    out: W,
    pages: impl Iterator<Item = (&'a str, &'a str, &'a str, &'a [TextPart])>,
) -> std::io::Result<()> {
    let mut index = IndexWriter::start(out)?;
    for (title, url, from, parts) in pages {
        index.page(title, url, from, parts)?;
    }
    index.finish()
}

/// Writes the index (a classic script that sets `window.HANDBOOK_SEARCH`
/// to a list of [`Entry`]s) page by page as the pages are made, so that
/// it is never held whole.
pub(crate) struct IndexWriter<W: Write> {
    out: ScriptSafe<W>,
    first: bool,
}

impl<W: Write> IndexWriter<W> {
    /// Starts the script.
    pub(crate) fn start(out: W) -> std::io::Result<Self> {
        let mut out = ScriptSafe::new(out);
        out.write_all(b"window.HANDBOOK_SEARCH = [")?;
        Ok(IndexWriter { out, first: true })
    }

    /// Adds one page: its title, URL, the policy or section it is from,
    /// and its parts.
    pub(crate) fn page(
        &mut self,
        title: &str,
        url: &str,
        from: &str,
        parts: &[TextPart],
    ) -> std::io::Result<()> {
        for part in parts {
            if !self.first {
                self.out.write_all(b",")?;
            }
            self.first = false;
            let entry = Entry {
                t: title,
                u: url,
                s: from,
                h: &part.heading,
                a: &part.anchor,
                x: cut(&part.text, MAX_TEXT),
            };
            serde_json::to_writer(&mut self.out, &entry)?;
        }
        Ok(())
    }

    /// Ends the script.
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(b"];\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script written for `pages`, as text.
    fn script<'a>(
        pages: impl Iterator<Item = (&'a str, &'a str, &'a str, &'a [TextPart])>,
    ) -> String {
        let mut out = Vec::new();
        write_script(&mut out, pages).expect("writing to memory cannot fail");
        String::from_utf8(out).expect("the script is UTF-8")
    }

    /// The entries a script sets, read back as a browser would.
    fn entries(script: &str) -> serde_json::Value {
        let json = script
            .strip_prefix("window.HANDBOOK_SEARCH = ")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .expect("a script that sets the global");
        serde_json::from_str(json).expect("the value is JSON")
    }

    fn part(heading: &str, anchor: &str, text: &str) -> TextPart {
        TextPart {
            heading: heading.into(),
            anchor: anchor.into(),
            text: text.into(),
        }
    }

    #[test]
    fn one_entry_per_part_of_every_page_in_order() {
        let a = [
            part("", "", "Intro with \"quotes\" é"),
            part("Tone <", "tone", "Be kind."),
        ];
        let b = [part("Scope", "scope", "All staff.")];
        let pages = [
            ("A </b>", "a.html", "Behaviour Policy", &a[..]),
            ("B", "b/c.html", "Family learning", &b[..]),
            ("C", "c.html", "", &[][..]),
        ];
        let written = script(pages.into_iter());
        assert_eq!(
            entries(&written),
            serde_json::json!([
                {"t": "A </b>", "u": "a.html", "s": "Behaviour Policy", "h": "", "a": "", "x": "Intro with \"quotes\" é"},
                {"t": "A </b>", "u": "a.html", "s": "Behaviour Policy", "h": "Tone <", "a": "tone", "x": "Be kind."},
                {"t": "B", "u": "b/c.html", "s": "Family learning", "h": "Scope", "a": "scope", "x": "All staff."},
            ])
        );
        assert_eq!(entries(&script(std::iter::empty())), serde_json::json!([]));
    }

    #[test]
    fn the_script_cannot_close_a_script_tag() {
        let parts = [part("Tone", "tone", "Use </script> carefully <</")];
        let written = script([("T </script>", "t.html", "", &parts[..])].into_iter());
        assert!(!written.contains("</"), "{written}");
        assert_eq!(
            entries(&written)[0]["x"],
            "Use </script> carefully <</",
            "`<\\/` reads back as `</`"
        );
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "word ".repeat(1000);
        let parts = [part("", "", &text)];
        let written = script([("T", "t.html", "", &parts[..])].into_iter());
        let x = entries(&written)[0]["x"].as_str().unwrap().to_string();
        assert!(x.len() <= MAX_TEXT && x.len() > MAX_TEXT - 5, "{}", x.len());
        assert!(x.ends_with("word"));
        assert_eq!(cut("short", MAX_TEXT), "short");
        // A cut inside a character backs off to its start.
        assert_eq!(cut("ééé", 3), "é");
    }
}
