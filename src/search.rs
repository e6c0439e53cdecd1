//! The client-side search index: one entry per heading of every page,
//! shipped as a classic script (`search-index.js`) so that search works
//! opened from disk, where pages cannot fetch local files.

use std::io::Write as _;

use crate::util::html::ScriptSafe;
use serde::Serialize;

use crate::markdown::TextPart;

/// The most text kept per entry; enough to find a paragraph by its words
/// while keeping the index small.
const MAX_TEXT: usize = 1200;

/// One searchable part of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Page title.
    pub t: String,
    /// Page URL relative to the site root.
    pub u: String,
    /// Heading text, or empty for the page's opening text.
    pub h: String,
    /// Heading anchor, or empty.
    pub a: String,
    /// Plain text.
    pub x: String,
}

/// The entries for one page.
pub fn entries(title: &str, url: &str, parts: &[TextPart]) -> Vec<Entry> {
    parts
        .iter()
        .map(|part| Entry {
            t: title.to_string(),
            u: url.to_string(),
            h: part.heading.clone(),
            a: part.anchor.clone(),
            x: truncate(&part.text, MAX_TEXT),
        })
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    cut(text, max).to_string()
}

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

/// [`Entry`], borrowed.
#[derive(Serialize)]
struct EntryRef<'a> {
    t: &'a str,
    u: &'a str,
    h: &'a str,
    a: &'a str,
    x: &'a str,
}

/// The same script as [`to_script`] over the [`entries`] of each page
/// (title, URL, parts), written straight from the pages' text: for a large
/// site that saves copying the whole index twice.
pub fn script<'a>(pages: impl Iterator<Item = (&'a str, &'a str, &'a [TextPart])>) -> String {
    let mut out = ScriptSafe::new(b"window.HANDBOOK_SEARCH = [".to_vec());
    let mut first = true;
    for (title, url, parts) in pages {
        for part in parts {
            if !first {
                let _ = out.write_all(b",");
            }
            first = false;
            let entry = EntryRef {
                t: title,
                u: url,
                h: &part.heading,
                a: &part.anchor,
                x: cut(&part.text, MAX_TEXT),
            };
            // Writing to memory cannot fail.
            let _ = serde_json::to_writer(&mut out, &entry);
        }
    }
    let _ = out.write_all(b"];\n");
    String::from_utf8(out.into_inner()).unwrap_or_default()
}

/// The index as a classic script that sets `window.HANDBOOK_SEARCH`.
pub fn to_script(entries: &[Entry]) -> String {
    let json = serde_json::to_string(entries).unwrap_or_else(|_| "[]".to_string());
    // `</` could end the script element if the file were ever inlined.
    format!("window.HANDBOOK_SEARCH = {};\n", json.replace("</", "<\\/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_sets_a_global_and_cannot_close_a_script_tag() {
        let parts = vec![TextPart {
            heading: "Tone".into(),
            anchor: "tone".into(),
            text: "Use </script> carefully".into(),
        }];
        let script = to_script(&entries("Tone", "tone.html", &parts));
        assert!(script.starts_with("window.HANDBOOK_SEARCH = [{"));
        assert!(!script.contains("</script>"));
    }

    #[test]
    fn the_borrowed_script_is_the_same() {
        let parts = [
            TextPart {
                heading: String::new(),
                anchor: String::new(),
                text: "Intro with </script> and <</ and \"quotes\" é".into(),
            },
            TextPart {
                heading: "Tone <".into(),
                anchor: "tone".into(),
                text: "/ starts here ".repeat(200),
            },
        ];
        let pages = [
            ("A </b>", "a.html", &parts[..]),
            ("B", "b/c.html", &parts[1..]),
            ("C", "c.html", &[][..]),
        ];
        let mut all = Vec::new();
        for (t, u, p) in pages {
            all.extend(entries(t, u, p));
        }
        assert_eq!(script(pages.into_iter()), to_script(&all));
        assert_eq!(script(std::iter::empty()), to_script(&[]));
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "word ".repeat(1000);
        let cut = truncate(&text, MAX_TEXT);
        assert!(cut.len() <= MAX_TEXT);
        assert!(cut.ends_with("word"));
    }
}
