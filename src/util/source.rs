//! Source files read as text: a file's bytes as UTF-8, or an error at the
//! line and column of the first byte that is not (a page saved by another
//! program in Windows-1252, say), with what to do about it.

use std::path::Path;

use crate::error::Diagnostic;

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
