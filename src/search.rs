//! The client-side search index: one entry per heading of every page,
//! shipped as a classic script (`search-index.js`) so that search works
//! opened from disk, where pages cannot fetch local files.

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
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(' ') {
        Some(space) => text[..space].to_string(),
        None => text[..end].to_string(),
    }
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
    fn long_text_is_cut_at_a_word() {
        let text = "word ".repeat(1000);
        let cut = truncate(&text, MAX_TEXT);
        assert!(cut.len() <= MAX_TEXT);
        assert!(cut.ends_with("word"));
    }
}
