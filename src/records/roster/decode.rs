//! A roster file's bytes made rows of text: the encoding (UTF-8 with or
//! without a byte-order mark, UTF-16 as Excel's "Unicode text" saves it,
//! or Windows-1252 as Excel's plain "CSV" saves it, converted with a
//! warning) and the delimiter (comma, semicolon or tab: the one that makes
//! the best header row).

use std::path::Path;

use crate::config::RosterColumns;
use crate::error::Diagnostic;

use super::headers;

/// One row of the file: its line (or spreadsheet row) and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    /// The 1-based line the row starts on.
    pub(super) line: usize,
    /// The cells, as written.
    pub(super) cells: Vec<String>,
}

/// The text encoding a CSV roster was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 (Excel's "Unicode Text").
    Utf16,
    /// Windows-1252 (Excel's "CSV (Comma delimited)" on a UK computer),
    /// converted.
    Windows1252,
}

impl TextEncoding {
    /// As people read it.
    pub fn describe(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with a byte-order mark",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Windows1252 => "Windows-1252 (converted to UTF-8)",
        }
    }
}

/// A file's bytes as text.
pub(super) struct Decoded {
    /// The text, without any byte-order mark.
    pub(super) text: String,
    /// What it was written in.
    pub(super) encoding: TextEncoding,
    /// For Windows-1252, the first line that was not UTF-8.
    pub(super) first_converted_line: Option<usize>,
}

/// `bytes` as text: UTF-8 (a byte-order mark taken off), UTF-16 when it
/// has a byte-order mark or looks like it (every other byte zero), and
/// otherwise Windows-1252, the only other encoding a spreadsheet in a UK
/// school saves CSV in.
pub(super) fn decode(bytes: &[u8]) -> Decoded {
    let decoded = |text: String, encoding| Decoded {
        text,
        encoding,
        first_converted_line: None,
    };
    if let Some((encoding, skip)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[skip..]);
        let kind = if encoding == encoding_rs::UTF_8 {
            TextEncoding::Utf8Bom
        } else {
            TextEncoding::Utf16
        };
        return decoded(text.into_owned(), kind);
    }
    if let Some(utf16) = bare_utf16(bytes) {
        let (text, _) = utf16.decode_without_bom_handling(bytes);
        return decoded(text.into_owned(), TextEncoding::Utf16);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => decoded(text.to_string(), TextEncoding::Utf8),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: TextEncoding::Windows1252,
                first_converted_line: Some(line),
            }
        }
    }
}

/// UTF-16 without a byte-order mark, when most of the even or odd bytes
/// of the start of `bytes` are zero.
fn bare_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let start = &bytes[..bytes.len().min(400)];
    let zeros = |parity: usize| {
        start
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = start.len() / 2;
    if half < 4 {
        None
    } else if zeros(1) * 10 >= half * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if zeros(0) * 10 >= half * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The warning that a file was converted from Windows-1252, with an
/// accented word from it so the office can check it came out right.
pub(super) fn converted_warning(decoded: &Decoded, shown: &Path) -> Option<Diagnostic> {
    let line = decoded.first_converted_line?;
    let example = decoded
        .text
        .lines()
        .skip(line - 1)
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || ",;\t\"".contains(c)))
        .find(|word| !word.is_ascii());
    let example = example.map_or(String::new(), |w| format!(" (such as `{w}`)"));
    Some(
        Diagnostic::warning(
            shown,
            Some(line),
            format!(
                "this file is not UTF-8 (from this line on): it was read as Windows-1252, the \
                 encoding Excel's \"CSV (Comma delimited)\" uses; check that accented \
                 names{example} look right"
            ),
        )
        .help(
            "to be sure, save the staff list from Excel as \"CSV UTF-8 (Comma delimited)\" \
             instead, or give the .xlsx file itself",
        ),
    )
}

/// The delimiters a roster may use.
pub(super) const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How a delimiter is written in messages.
pub(super) fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "commas",
    }
}

/// The rows of CSV `text` split at `delimiter`; blank rows are left out.
pub(super) fn csv_rows(
    text: &str,
    delimiter: u8,
    shown: &Path,
) -> Result<Vec<Row>, Vec<Diagnostic>> {
    let bytes = text.as_bytes();
    if let Some(line) = unclosed_quote(bytes, delimiter) {
        return Err(vec![
            Diagnostic::error(
                shown,
                Some(line),
                "a double quote on this line is not closed, so the rest of the file runs on \
                 from it",
            )
            .help("put a closing \" after the value, or remove the opening one"),
        ]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| vec![csv_problem(shown, bytes, &err)])?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| line_at(bytes, p.byte()));
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(rows)
}

/// The delimiter of CSV `text`: the one under which some row among the
/// first has the most known headings; failing that (a file whose
/// headings are all unknown), the one that splits the first row into the
/// most cells; failing that, a comma.
pub(super) fn detect_delimiter(text: &str, columns: &RosterColumns) -> u8 {
    let mut best = (0, 0, b',');
    for delimiter in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map_while(std::result::Result::ok)
            .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
            .take(HEADER_SEARCH)
            .map(|r| r.iter().map(str::to_string).collect())
            .collect();
        let known = rows
            .iter()
            .map(|cells| headers::score(cells, columns))
            .max()
            .unwrap_or(0);
        let width = rows.first().map_or(0, Vec::len);
        if (known, width) > (best.0, best.1) {
            best = (known, width, delimiter);
        }
    }
    best.2
}

/// How many rows from the top may hold the header row (a title and a
/// few blank or note rows may come first).
pub(super) const HEADER_SEARCH: usize = 20;

/// The 1-based line of the first quoted value that is still open at the end
/// of `bytes`, when there is one. (A quoted value may hold line breaks, so
/// only the end of the file shows that a quote was never closed.)
fn unclosed_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::FieldStart;
    let mut line = 1;
    let mut opened = 0;
    for &b in bytes {
        at = match (at, b) {
            (At::FieldStart, b'"') => {
                opened = line;
                At::Quoted
            }
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            // `""` inside quotes is a quote character: still inside.
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b'\n' | b'\r') => At::FieldStart,
            (_, b) if b == delimiter => At::FieldStart,
            (_, _) => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (at == At::Quoted).then_some(opened)
}

/// The 1-based line of the record the csv reader places at byte `offset`.
/// (csv's own line count is off by one on CRLF files, and its offset may
/// point at the previous line's end, so both are corrected here.)
fn line_at(bytes: &[u8], offset: u64) -> usize {
    let mut at = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

fn csv_problem(shown: &Path, bytes: &[u8], err: &csv::Error) -> Diagnostic {
    let line = err.position().map(|p| line_at(bytes, p.byte()));
    Diagnostic::error(shown, line, format!("cannot be read as CSV: {err}"))
        .help("save the roster as \"CSV UTF-8\" from your spreadsheet program")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let plain = decode("id,name\nT1,Zoë\n".as_bytes());
        assert_eq!(plain.encoding, TextEncoding::Utf8);
        assert_eq!(plain.text, "id,name\nT1,Zoë\n");
        let bom = decode("\u{feff}id,name\n".as_bytes());
        assert_eq!(
            (bom.encoding, bom.text.as_str()),
            (TextEncoding::Utf8Bom, "id,name\n")
        );
        let cp1252 = decode(b"id,name\r\nT1,Ann\r\nT2,Zo\xeb Si\xe2n\r\n");
        assert_eq!(cp1252.encoding, TextEncoding::Windows1252);
        assert_eq!(cp1252.text, "id,name\r\nT1,Ann\r\nT2,Zoë Siân\r\n");
        assert_eq!(cp1252.first_converted_line, Some(3));
        let warning = converted_warning(&cp1252, Path::new("r.csv")).unwrap();
        assert!(!warning.is_error());
        assert!(
            warning.to_string().starts_with(
                "warning: r.csv:3: this file is not UTF-8 (from this line on): it was read as \
                 Windows-1252"
            ),
            "{warning}"
        );
        assert!(warning.to_string().contains("(such as `Zoë`)"), "{warning}");
        assert!(converted_warning(&plain, Path::new("r.csv")).is_none());
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("id\tname\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16 = decode(&utf16);
        assert_eq!(
            (utf16.encoding, utf16.text.as_str()),
            (TextEncoding::Utf16, "id\tname\n")
        );
        let bare: Vec<u8> = "id\tname\nT1\tAnn\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bare).text, "id\tname\nT1\tAnn\n");
    }

    #[test]
    fn the_delimiter_is_the_one_that_finds_the_headings() {
        let none = RosterColumns::default();
        assert_eq!(detect_delimiter("id,name\nT1,\"A; B\"\n", &none), b',');
        assert_eq!(
            detect_delimiter(
                "Staff list; Hill School\n\nStaff ID;Surname;Forename\n1;Lee, Jo;Jo\n",
                &none
            ),
            b';'
        );
        assert_eq!(
            detect_delimiter("Staff ID\tSurname\tEmail\n1\tLee\tx@y\n", &none),
            b'\t'
        );
        // Nothing known: the one that splits the first row most.
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n", &none), b';');
        let columns = RosterColumns {
            id: Some("Code".into()),
            ..RosterColumns::default()
        };
        assert_eq!(detect_delimiter("Code\tWho,Where\n", &columns), b'\t');
    }

    #[test]
    fn rows_keep_their_lines() {
        let rows = csv_rows(
            "Title\r\n\r\nid;name\r\nT1;\"Ann\nLee\"\r\n;;\r\nT2;Bo\r\n",
            b';',
            Path::new("r.csv"),
        )
        .unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 3, 4, 7]);
        assert_eq!(rows[2].cells, ["T1", "Ann\nLee"]);
        let err = csv_rows("id;name\nT1;\"Ann\n", b';', Path::new("r.csv")).unwrap_err();
        assert!(
            err[0].to_string().contains("r.csv:2: a double quote"),
            "{err:?}"
        );
    }
}
