//! Reading inputs of every kind the office is sent tokens in. Takes a
//! file's name and bytes; gives its [`Kind`] and its units of text to
//! search: one per e-mail (a saved `.eml`, each message of an `.mbox`, an
//! Outlook `.msg`), one per row of a spreadsheet (a Microsoft Forms
//! export), one for a Word document or a PDF, and the file itself for
//! plain text, HTML and CSV.
//!
//! E-mails are parsed with `mail-parser`, so that quoted-printable and
//! base64 parts are decoded and each message is one unit with its date,
//! sender and subject, however many parts (plain text, HTML) repeat the
//! token. Attachments of a kind that can be read (a Word document, a PDF,
//! a spreadsheet, a forwarded message) are searched as part of the e-mail
//! they came with.
//!
//! The formats are read with well-kept crates (`mail-parser`, `calamine`,
//! `zip` and `quick-xml`, `cfb`, `lopdf`); `mail` and `office` hold the
//! code for each. Nothing here judges a token: that is `import`'s job.

mod mail;
mod office;

use std::fmt;

use crate::util::text::terminal_safe;

/// What kind of file an input is, from its name and (for mail saved
/// without a telling name) its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text, HTML, CSV or anything not known: searched as it is.
    Text,
    /// One saved e-mail (`.eml`, or mail headers at the start).
    Mail,
    /// A mailbox of many e-mails (`.mbox`, or `From ` at the start).
    Mbox,
    /// An Outlook message (`.msg`).
    OutlookMessage,
    /// A spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`).
    Spreadsheet,
    /// A Word document (`.docx`).
    WordDocument,
    /// An old Word document (`.doc`), which cannot be read.
    OldWordDocument,
    /// A PDF.
    Pdf,
    /// A picture (`.png`, `.jpg`, `.heic`, …): a token in it cannot be read.
    Image,
}

impl Kind {
    /// The kind of the file `name` whose contents start `bytes`.
    pub fn of(name: &str, bytes: &[u8]) -> Kind {
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "eml" | "emlx" => return Kind::Mail,
            "mbox" | "mbx" => return Kind::Mbox,
            "msg" => return Kind::OutlookMessage,
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => return Kind::Spreadsheet,
            "docx" | "docm" => return Kind::WordDocument,
            "doc" => return Kind::OldWordDocument,
            "pdf" => return Kind::Pdf,
            "png" | "jpg" | "jpeg" | "heic" | "heif" | "gif" | "bmp" | "tif" | "tiff" | "webp" => {
                return Kind::Image;
            }
            _ => {}
        }
        if bytes.starts_with(b"From ") {
            Kind::Mbox
        } else if mail::looks_like_mail(bytes) {
            Kind::Mail
        } else if bytes.starts_with(b"%PDF-") {
            Kind::Pdf
        } else {
            Kind::Text
        }
    }

    /// What to do about a file of this kind in which no token was found.
    pub fn hint(self) -> &'static str {
        match self {
            Kind::Text | Kind::Mail | Kind::Mbox | Kind::OutlookMessage => {
                "a token is a long line of letters and digits starting `eyJ`; check that this \
                 is the right file, or ask the sender to send the token again, pasted as text"
            }
            Kind::Spreadsheet => {
                "no cell of this spreadsheet holds a token; check that the form asked for the \
                 token and that this is its export"
            }
            Kind::WordDocument => {
                "no token in this Word document's text (a token in a picture or a text box \
                 drawn as a shape cannot be read); ask the person to paste the token into an \
                 e-mail as text"
            }
            Kind::OldWordDocument => {
                "an old Word document (.doc) cannot be read; open it and save it as .docx, or \
                 copy the token into a text file"
            }
            Kind::Pdf => {
                "no text token in this PDF (a scanned or printed page is a picture, which cannot \
                 be read); ask the person to send the token as text"
            }
            Kind::Image => {
                "a photo or screenshot of a token cannot be read; ask the person to send the \
                 token as text (copy it from the course page and paste it into an e-mail)"
            }
        }
    }
}

/// The date, sender and subject of an e-mail, as far as it gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailInfo {
    /// When it was sent, as `2026-01-05 09:14`.
    pub date: Option<String>,
    /// Who sent it: `Name <address>`, or either alone.
    pub from: Option<String>,
    /// Its subject.
    pub subject: Option<String>,
}

impl fmt::Display for MailInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("e-mail")?;
        if let Some(date) = &self.date {
            write!(f, " of {}", terminal_safe(date))?;
        }
        match &self.from {
            Some(from) => write!(f, " from {}", terminal_safe(from))?,
            None => f.write_str(" from an unknown sender")?,
        }
        match &self.subject {
            Some(subject) if !subject.trim().is_empty() => {
                write!(
                    f,
                    ", subject \u{201c}{}\u{201d}",
                    terminal_safe(subject.trim())
                )
            }
            _ => f.write_str(", no subject"),
        }
    }
}

/// One unit of an input: an e-mail, a spreadsheet row, a document, or the
/// whole of a text file. A token found twice in one unit (an e-mail's
/// plain text and HTML parts) is one token.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// The line of the file it starts on (1 for a whole file; 0 where a
    /// file has no lines, as in a spreadsheet).
    pub line: usize,
    /// Where in the file it is when lines say little: `message 3`, `row 5
    /// of sheet Form1`.
    pub within: Option<String>,
    /// For an e-mail: its date, sender and subject.
    pub mail: Option<MailInfo>,
    /// The texts to search, each with the line of the file it starts on
    /// (0 when not known).
    pub texts: Vec<(usize, Vec<u8>)>,
}

/// An input read: its kind, its units, and what could not be read of it.
#[derive(Debug, Clone)]
pub struct Read {
    /// Its kind.
    pub kind: Kind,
    /// Its units, in order.
    pub units: Vec<Unit>,
    /// Why (part of) it could not be read, if so: a damaged spreadsheet, a
    /// PDF with no text.
    pub problem: Option<String>,
}

/// Attachments inside attachments are read this deep and no deeper.
const MAX_DEPTH: usize = 3;

/// Reads the input `name` whose bytes are `bytes`.
pub fn read(name: &str, bytes: Vec<u8>) -> Read {
    read_at_depth(name, bytes, 0)
}

fn read_at_depth(name: &str, bytes: Vec<u8>, depth: usize) -> Read {
    let kind = Kind::of(name, &bytes);
    let (units, problem) = match kind {
        Kind::Text => (vec![whole(bytes)], None),
        Kind::Mail => (vec![mail::message(&bytes, 1, None, depth)], None),
        Kind::Mbox => (mail::mailbox(&bytes, depth), None),
        Kind::OutlookMessage => one(office::outlook(&bytes, depth)),
        Kind::Spreadsheet => office::spreadsheet(&bytes),
        Kind::WordDocument => one(office::word(&bytes)),
        Kind::Pdf => one(office::pdf(&bytes)),
        Kind::OldWordDocument | Kind::Image => (Vec::new(), None),
    };
    Read {
        kind,
        units,
        problem,
    }
}

/// A whole text file as one unit.
fn whole(bytes: Vec<u8>) -> Unit {
    Unit {
        line: 1,
        texts: vec![(1, bytes)],
        ..Unit::default()
    }
}

fn one(result: Result<Unit, String>) -> (Vec<Unit>, Option<String>) {
    match result {
        Ok(unit) => (vec![unit], None),
        Err(problem) => (Vec::new(), Some(problem)),
    }
}

/// The texts of an attachment `name`, when it is of a kind that can be
/// read (for an e-mail that carries it).
fn attachment_texts(name: &str, bytes: &[u8], depth: usize) -> Vec<(usize, Vec<u8>)> {
    if depth >= MAX_DEPTH {
        return Vec::new();
    }
    let read = read_at_depth(name, bytes.to_vec(), depth + 1);
    if matches!(read.kind, Kind::Image | Kind::OldWordDocument) {
        return Vec::new();
    }
    read.units
        .into_iter()
        .flat_map(|unit| unit.texts.into_iter().map(|(_, text)| (0, text)))
        .collect()
}

#[cfg(test)]
mod tests;
