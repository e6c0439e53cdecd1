//! Saved e-mails (`.eml`, Apple Mail's `.emlx`) and mailboxes (`.mbox`),
//! parsed with `mail-parser`: each message one unit with its date, sender
//! and subject, its text and HTML parts decoded, and the attachments that
//! can be read searched with it.

use mail_parser::{Message, MessageParser, MimeHeaders as _, PartType};

use super::{MailInfo, Unit, attachment_texts};

/// Headers that a saved e-mail starts with.
const MAIL_HEADERS: &[&str] = &[
    "from:",
    "date:",
    "subject:",
    "received:",
    "return-path:",
    "mime-version:",
    "message-id:",
    "to:",
    "delivered-to:",
    "x-mozilla-status:",
];

/// True when `bytes` start like a saved e-mail: header lines, among them
/// one that every e-mail has, before the first blank line.
pub(super) fn looks_like_mail(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8 * 1024)];
    let text = String::from_utf8_lossy(head);
    let mut known = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            return known;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        let name = format!("{}:", name.to_ascii_lowercase());
        known |= MAIL_HEADERS.contains(&name.as_str());
        if i > 200 {
            break;
        }
    }
    known
}

/// One saved e-mail starting on line `line` of its file, as a unit.
pub(super) fn message(bytes: &[u8], line: usize, within: Option<String>, depth: usize) -> Unit {
    // Apple Mail's `.emlx` starts with the message's length on a line.
    let (bytes, line) = match bytes.iter().position(|&b| b == b'\n') {
        Some(end) if end > 0 && bytes[..end].trim_ascii().iter().all(u8::is_ascii_digit) => {
            (&bytes[end + 1..], line + 1)
        }
        _ => (bytes, line),
    };
    let Some(parsed) = MessageParser::default().parse(bytes) else {
        return Unit {
            line,
            within,
            texts: vec![(line, bytes.to_vec())],
            ..Unit::default()
        };
    };
    let starts = LineStarts::new(bytes);
    let mut texts = Vec::new();
    texts_of(&parsed, Some((&starts, line)), depth, &mut texts);
    if texts.is_empty() {
        texts.push((line, bytes.to_vec()));
    }
    Unit {
        line,
        within,
        mail: Some(info(&parsed)),
        texts,
    }
}

/// Every message of a mailbox, each a unit.
pub(super) fn mailbox(bytes: &[u8], depth: usize) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut line = 1;
    let messages = mail_parser::mailbox::mbox::MessageIterator::new(std::io::Cursor::new(bytes));
    for (n, message) in messages.enumerate() {
        // Reading from memory cannot fail.
        let Ok(message) = message else { break };
        let contents = message.contents();
        let lines = memchr::memchr_iter(b'\n', contents).count();
        units.push(self::message(
            contents,
            line + 1,
            Some(format!("message {}", n + 1)),
            depth,
        ));
        line += 1 + lines;
    }
    units
}

/// The texts of `message`: its text and HTML parts, and those of the
/// attachments that can be read and of forwarded messages. With `lines`
/// (the message's line starts and its first line in the file), each text
/// gets the line it starts on.
fn texts_of(
    message: &Message<'_>,
    lines: Option<(&LineStarts, usize)>,
    depth: usize,
    texts: &mut Vec<(usize, Vec<u8>)>,
) {
    for part in &message.parts {
        let line = lines.map_or(0, |(starts, first)| {
            first + starts.line_of(part.offset_body as usize)
        });
        match &part.body {
            PartType::Text(text) | PartType::Html(text) => {
                texts.push((line, text.as_bytes().to_vec()));
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                let name = part.attachment_name().unwrap_or_default();
                texts.extend(attachment_texts(name, bytes, depth));
            }
            PartType::Message(inner) => texts_of(inner, None, depth + 1, texts),
            PartType::Multipart(_) => {}
        }
    }
}

/// The date, sender and subject of `message`.
fn info(message: &Message<'_>) -> MailInfo {
    let date = message.date().map(|d| {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            d.year, d.month, d.day, d.hour, d.minute
        )
    });
    let from = message.from().and_then(|from| from.first()).map(|addr| {
        match (addr.name(), addr.address()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (Some(name), None) => name.to_string(),
            (None, Some(address)) => address.to_string(),
            (None, None) => String::new(),
        }
    });
    MailInfo {
        date,
        from: from.filter(|f| !f.is_empty()),
        subject: message.subject().map(str::to_string),
    }
}

/// Where each line of a text starts, to tell the line of an offset.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(bytes: &[u8]) -> LineStarts {
        LineStarts(memchr::memchr_iter(b'\n', bytes).collect())
    }

    /// How many lines come before `offset` (0 on the first line).
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_mail_from_other_text() {
        assert!(looks_like_mail(
            b"Return-Path: <a@b>\r\nReceived: x\r\n\tmore\r\nSubject: hi\r\n\r\nbody"
        ));
        assert!(!looks_like_mail(b"Dear office,\n\nhere is my token\n"));
        assert!(!looks_like_mail(b"X-Custom: 1\n\nno known header\n"));
        assert!(!looks_like_mail(b"id,name\nT1,Ann\n"));
    }

    #[test]
    fn a_multipart_message_is_one_unit_with_its_details() {
        let mail = "From: \"Able, Ann\" <ann@test.example>\r\nDate: Mon, 5 Jan 2026 09:14:00 +0000\r\n\
             Subject: =?utf-8?q?Course_done_=E2=9C=93?=\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
             token=3D eyJabc\r\n--b\r\nContent-Type: text/html\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nPHA+ZXlKYWJjPC9wPg==\r\n--b--\r\n";
        let unit = message(mail.as_bytes(), 1, None, 0);
        let info = unit.mail.clone().unwrap();
        assert_eq!(info.date.as_deref(), Some("2026-01-05 09:14"));
        assert_eq!(info.from.as_deref(), Some("Able, Ann <ann@test.example>"));
        assert_eq!(info.subject.as_deref(), Some("Course done \u{2713}"));
        let texts: Vec<String> = unit
            .texts
            .iter()
            .map(|(_, t)| String::from_utf8_lossy(t).into_owned())
            .collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].contains("token= eyJabc"), "{texts:?}");
        assert!(texts[1].contains("<p>eyJabc</p>"), "{texts:?}");
        // The plain part's text starts on line 11 of the file.
        assert_eq!(unit.texts[0].0, 11);
    }

    #[test]
    fn a_mailbox_is_one_unit_per_message() {
        let mbox = "From a@b Mon Jan  5 09:00:00 2026\nFrom: A <a@b>\nSubject: one\n\nfirst\n\n\
                    From c@d Tue Jan  6 09:00:00 2026\nFrom: C <c@d>\nSubject: two\n\n>From here\n";
        let units = mailbox(mbox.as_bytes(), 0);
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].within.as_deref(), Some("message 2"));
        assert_eq!(
            units[1].mail.as_ref().unwrap().subject.as_deref(),
            Some("two")
        );
        assert_eq!(units[1].line, 8);
    }
}
