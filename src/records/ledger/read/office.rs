//! Office files: spreadsheets (a Microsoft Forms export, read with
//! `calamine`), Word documents (`zip` and `quick-xml`), Outlook messages
//! (`cfb`) and PDFs with text (`lopdf`). Each gives its text to search; a
//! file that cannot be opened gives why, in words for the office.

use std::io::{Cursor, Read as _};

use super::{MailInfo, Unit, attachment_texts};

/// A spreadsheet: one unit per row that has anything in it. When the first
/// row names the columns (as a Forms export's does), each row is told by
/// its respondent's name or e-mail and its completion time.
pub(super) fn spreadsheet(bytes: &[u8]) -> (Vec<Unit>, Option<String>) {
    use calamine::Reader as _;
    let mut book = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(err) => {
            return (
                Vec::new(),
                Some(format!("it could not be opened as a spreadsheet ({err})")),
            );
        }
    };
    let names = book.sheet_names();
    let many = names.len() > 1;
    let mut units = Vec::new();
    for name in names {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let mut rows = range.rows();
        let header: Vec<String> = rows
            .next()
            .map(|row| row.iter().map(cell_text).collect())
            .unwrap_or_default();
        let columns = Columns::of(&header);
        units.push(row_unit(&header, 1, None, many.then_some(&name)));
        for (i, row) in rows.enumerate() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let who = columns.describe(&cells);
            units.push(row_unit(&cells, i + 2, who, many.then_some(&name)));
        }
    }
    (units, None)
}

fn row_unit(cells: &[String], row: usize, who: Option<String>, sheet: Option<&String>) -> Unit {
    let mut within = format!("row {row}");
    if let Some(sheet) = sheet {
        within.push_str(&format!(" of sheet {sheet}"));
    }
    if let Some(who) = who {
        within.push_str(&format!(" ({who})"));
    }
    Unit {
        line: 0,
        within: Some(within),
        mail: None,
        texts: vec![(0, cells.join("\n").into_bytes())],
    }
}

/// A cell as text; dates and times as `2026-01-05 09:14`.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::{Data, DataType as _};
    match cell {
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| cell.to_string()),
        _ => cell.to_string(),
    }
}

/// The columns of a form's export that say who answered, and when.
#[derive(Debug, Default)]
struct Columns {
    name: Option<usize>,
    email: Option<usize>,
    time: Option<usize>,
}

impl Columns {
    fn of(header: &[String]) -> Columns {
        let find = |test: &dyn Fn(&str) -> bool| {
            header
                .iter()
                .position(|h| test(&h.trim().to_ascii_lowercase()))
        };
        Columns {
            name: find(&|h| h == "name" || h == "full name" || h == "your name"),
            email: find(&|h| h.contains("email") || h.contains("e-mail")),
            time: find(&|h| h == "completion time" || h == "timestamp" || h.contains("submitted")),
        }
    }

    fn describe(&self, cells: &[String]) -> Option<String> {
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
        };
        let parts: Vec<&str> = [get(self.name), get(self.email), get(self.time)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A Word document's text: its body, footnotes, headers and footers, one
/// line per paragraph.
pub(super) fn word(bytes: &[u8]) -> Result<Unit, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "it could not be opened as a Word document (.docx)".to_string())?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| {
            n.starts_with("word/")
                && n.ends_with(".xml")
                && ["document", "footnotes", "endnotes", "header", "footer"]
                    .iter()
                    .any(|part| n[5..].starts_with(part))
        })
        .collect();
    if names.is_empty() {
        return Err("it is not a Word document: it has no word/document.xml".to_string());
    }
    let mut texts = Vec::new();
    for name in names {
        let mut xml = String::new();
        let Ok(mut file) = archive.by_name(&name) else {
            continue;
        };
        // A part of a real document is at most a few MiB.
        if (&mut file)
            .take(64 * 1024 * 1024)
            .read_to_string(&mut xml)
            .is_err()
        {
            return Err(format!("its part {name} is damaged"));
        }
        texts.push((0, word_text(&xml).into_bytes()));
    }
    Ok(Unit {
        line: 0,
        texts,
        ..Unit::default()
    })
}

/// The text of one part of a Word document: `w:t` runs, a line per
/// paragraph or break.
fn word_text(xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_text = true,
            Ok(Event::End(e)) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => text.push('\n'),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.name().as_ref() {
                "w:br" | "w:cr" => text.push('\n'),
                "w:tab" => text.push('\t'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    text
}

/// A PDF's text, page by page. A PDF of scanned pages has none.
pub(super) fn pdf(bytes: &[u8]) -> Result<Unit, String> {
    let document = lopdf::Document::load_mem(bytes)
        .map_err(|err| format!("it could not be opened as a PDF ({err})"))?;
    if document.is_encrypted() {
        return Err("it is protected with a password, so its text cannot be read".to_string());
    }
    let mut texts = Vec::new();
    for page in document.get_pages().into_keys() {
        if let Ok(text) = document.extract_text(&[page]) {
            texts.push((0, text.into_bytes()));
        }
    }
    Ok(Unit {
        line: 0,
        texts,
        ..Unit::default()
    })
}

/// An Outlook message: its body (plain and HTML), its sender, subject and
/// date, and the attachments that can be read.
pub(super) fn outlook(bytes: &[u8], depth: usize) -> Result<Unit, String> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| "it could not be opened as an Outlook message (.msg)".to_string())?;
    let mut texts = Vec::new();
    for id in ["1000", "1013"] {
        if let Some(body) = property_text(&mut file, "", id) {
            texts.push((0, body.into_bytes()));
        } else if let Some(html) = stream(&mut file, &format!("/__substg1.0_{id}0102")) {
            texts.push((0, html));
        }
    }
    let attachments: Vec<String> = file
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_"))
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    for storage in attachments {
        let name = property_text(&mut file, &storage, "3707")
            .or_else(|| property_text(&mut file, &storage, "3704"))
            .unwrap_or_default();
        if let Some(data) = stream(&mut file, &format!("{storage}/__substg1.0_37010102")) {
            texts.extend(attachment_texts(&name, &data, depth));
        }
    }
    let sender = property_text(&mut file, "", "0C1A");
    let address = property_text(&mut file, "", "5D01")
        .or_else(|| property_text(&mut file, "", "0C1F"))
        .filter(|a| a.contains('@'));
    let from = match (sender, address) {
        (Some(name), Some(address)) if name != address => Some(format!("{name} <{address}>")),
        (name, address) => address.or(name),
    };
    let date = property_text(&mut file, "", "007D")
        .and_then(|headers| {
            let headers = format!("{headers}\r\n\r\n");
            mail_parser::MessageParser::default()
                .parse(headers.as_bytes())
                .and_then(|m| m.date().map(|d| (d.year, d.month, d.day, d.hour, d.minute)))
        })
        .map(|(y, mo, d, h, mi)| format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}"))
        .or_else(|| submit_time(&mut file));
    Ok(Unit {
        line: 0,
        within: None,
        mail: Some(MailInfo {
            date,
            from,
            subject: property_text(&mut file, "", "0037"),
        }),
        texts,
    })
}

type Msg<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// A stream's bytes (at most 64 MiB of them).
fn stream(file: &mut Msg<'_>, path: &str) -> Option<Vec<u8>> {
    let mut stream = file.open_stream(path).ok()?;
    let mut bytes = Vec::new();
    (&mut stream)
        .take(64 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// A text property `id` (four hex digits) of the storage `storage` ("" for
/// the message itself), stored as UTF-16 (`001F`) or 8-bit text (`001E`).
fn property_text(file: &mut Msg<'_>, storage: &str, id: &str) -> Option<String> {
    if let Some(bytes) = stream(file, &format!("{storage}/__substg1.0_{id}001F")) {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let text = String::from_utf16_lossy(&units);
        return Some(text.trim_end_matches('\0').to_string());
    }
    let bytes = stream(file, &format!("{storage}/__substg1.0_{id}001E"))?;
    Some(
        String::from_utf8_lossy(&bytes)
            .trim_end_matches('\0')
            .to_string(),
    )
}

/// When the message was sent (or else delivered), from its fixed-length
/// properties: 16-byte entries after a 32-byte header, each a tag, flags
/// and a value, the times as Windows FILETIMEs.
fn submit_time(file: &mut Msg<'_>) -> Option<String> {
    let bytes = stream(file, "/__properties_version1.0")?;
    const SUBMIT: u32 = 0x0039_0040;
    const DELIVERY: u32 = 0x0E06_0040;
    let entries: Vec<(u32, u64)> = bytes
        .get(32..)?
        .chunks_exact(16)
        .map(|e| {
            let tag = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
            let value = u64::from_le_bytes([e[8], e[9], e[10], e[11], e[12], e[13], e[14], e[15]]);
            (tag, value)
        })
        .collect();
    let filetime = [SUBMIT, DELIVERY]
        .iter()
        .find_map(|&want| entries.iter().find(|(tag, _)| *tag == want))?
        .1;
    let unix = (filetime / 10_000_000) as i64 - 11_644_473_600;
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.format("%Y-%m-%d %H:%M").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_text_keeps_paragraphs_and_entities() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>Token:</w:t></w:r></w:p>
            <w:p><w:r><w:t>eyJa</w:t></w:r><w:r><w:t xml:space="preserve">b&amp;c&#46;d</w:t></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(word_text(xml), "Token:\neyJab&c.d\n");
    }

    #[test]
    fn form_columns_say_who_answered() {
        let header: Vec<String> = [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Token",
        ]
        .map(String::from)
        .to_vec();
        let columns = Columns::of(&header);
        let row: Vec<String> = [
            "3",
            "x",
            "2026-01-05 10:00",
            "ann@t.example",
            "Ann Able",
            "eyJ",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            columns.describe(&row).as_deref(),
            Some("Ann Able, ann@t.example, 2026-01-05 10:00")
        );
    }

    #[test]
    fn damaged_files_say_so() {
        assert!(word(b"not a zip").unwrap_err().contains("Word document"));
        assert!(pdf(b"%PDF-1.4 nothing").unwrap_err().contains("PDF"));
        assert!(outlook(b"nope", 0).unwrap_err().contains("Outlook"));
        let (units, problem) = spreadsheet(b"nope");
        assert!(units.is_empty());
        assert!(problem.unwrap().contains("spreadsheet"));
    }
}
