//! Untrusted text made safe for where it is printed: a terminal (no control
//! characters, so a crafted token or file name cannot move the cursor, erase
//! lines or fake a summary) and a spreadsheet cell (no formula a spreadsheet
//! program would run).

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1, and the Unicode
/// bidirectional overrides that reorder what a terminal shows) written as a
/// visible `\u{..}` escape, so that printing it cannot change the terminal.
/// Newlines and tabs are escaped too: an untrusted string stays on its line.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A cell for a CSV file that people open in a spreadsheet: a value that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run
/// as a formula, so it gets a leading `'` (OWASP's advice), which
/// spreadsheets show as plain text.
pub fn csv_cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_alone() {
        assert!(matches!(terminal_safe("T042 Zoë"), Cow::Borrowed(_)));
        assert!(matches!(csv_cell("Zoë Adams"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            terminal_safe("a\u{1b}[2K\rb\nc\u{7f}\u{9b}"),
            "a\\u{1b}[2K\\rb\\nc\\u{7f}\\u{9b}"
        );
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(csv_cell(bad), format!("'{bad}"));
        }
        assert_eq!(csv_cell(""), "");
        assert_eq!(csv_cell("a=b"), "a=b");
    }
}
