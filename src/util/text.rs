//! Untrusted text made safe for where it is printed: a terminal (no control
//! characters, so a crafted token or file name cannot move the cursor, erase
//! lines or fake a summary) and a spreadsheet cell (no formula a spreadsheet
//! program would run); and a file's bytes read as text, or an error at the
//! line and column of the first byte that is not UTF-8.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

use crate::error::Diagnostic;

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

/// `bytes` (the contents of `file`, as named in messages) as text, or an
/// error at the line of the first byte that is not UTF-8, saying which
/// byte it is and what to do.
pub(crate) fn utf8_text(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let at = err.utf8_error().valid_up_to();
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(
            file,
            Some(line),
            format!(
                "is not valid UTF-8 text (byte 0x{:02X} at column {})",
                bytes[at],
                at - line_start + 1
            ),
        )
        .help(
            "save the file as UTF-8 (in most editors: Save As, then choose the encoding \
             UTF-8); the byte is often an accented letter or a curly quote from another program",
        )
    })
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

    #[test]
    fn a_non_utf8_byte_is_named_with_its_line_and_column() {
        let err =
            utf8_text(Path::new("site.yaml"), b"id: a\ntitle: Caf\xe9\n".to_vec()).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("byte 0xE9 at column 11"),
            "{}",
            err.message
        );
        assert!(err.help.unwrap().starts_with("save the file as UTF-8"));
        // The first bad byte, on the first line.
        let err = utf8_text(Path::new("q.yaml"), b"\xff\n\xfe".to_vec()).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("column 1"), "{}", err.message);
        assert_eq!(utf8_text(Path::new("x"), "Zoë\n".into()).unwrap(), "Zoë\n");
    }
}
