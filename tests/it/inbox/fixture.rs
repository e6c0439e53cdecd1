//! A realistic inbox, written at test time the way mail programs save
//! what they are sent: Outlook's quoted-printable `.eml` (plain text and
//! HTML parts both holding the token), Gmail's and Apple Mail's base64,
//! forwarded mail quoted with `>`, a reply chain, HTML-only mail with the
//! token in a link, an mbox of 20 messages, an Outlook `.msg`, a Microsoft
//! Forms `.xlsx` export, a `.docx`, a text PDF, a scanned PDF, pictures,
//! an old `.doc` and thank-you replies with no token. Tokens are genuine
//! for the test site's master key.

use std::io::{Cursor, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A file of the inbox: its name under `inbox/` and its bytes.
pub type File = (String, Vec<u8>);

/// An e-mail's headers, as the test will expect to see them named.
#[derive(Debug, Clone)]
pub struct Mail {
    /// `Name <address>`.
    pub from: String,
    /// RFC 5322 date, e.g. `Mon, 05 Jan 2026 09:14:00 +0000`.
    pub date: String,
    /// How the importer shows the date: `2026-01-05 09:14`.
    pub shown_date: String,
    /// The subject.
    pub subject: String,
}

impl Mail {
    /// A mail sent on day `day` of January 2026 at 09:`minute`.
    pub fn new(name: &str, address: &str, day: u32, minute: u32, subject: &str) -> Mail {
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(day as usize - 1) % 7];
        Mail {
            from: format!("{name} <{address}>"),
            date: format!("{weekday}, {day:02} Jan 2026 09:{minute:02}:00 +0000"),
            shown_date: format!("2026-01-{day:02} 09:{minute:02}"),
            subject: subject.to_string(),
        }
    }

    fn headers(&self, extra: &str) -> String {
        format!(
            "Return-Path: <{addr}>\r\nReceived: from mail.example.net by mx.test.example; {date}\r\n\
             From: {from}\r\nTo: School Office <office@test.example>\r\nDate: {date}\r\n\
             Subject: {subject}\r\nMessage-ID: <{id}@mail.example.net>\r\nMIME-Version: 1.0\r\n{extra}",
            addr = self
                .from
                .split('<')
                .nth(1)
                .unwrap_or("x>")
                .trim_end_matches('>'),
            from = self.from,
            date = self.date,
            subject = self.subject,
            id = self.shown_date.replace([' ', ':', '-'], ""),
        )
    }
}

/// Quoted-printable as Outlook writes it: `=` as `=3D`, non-ASCII as
/// `=XX`, lines broken at 76 characters with a soft `=`.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let mut column = 0;
        let line = line.trim_end_matches('\r');
        for byte in line.bytes() {
            let piece = if byte == b'=' || !(32..127).contains(&byte) {
                format!("={byte:02X}")
            } else {
                (byte as char).to_string()
            };
            if column + piece.len() > 75 {
                out.push_str("=\r\n");
                column = 0;
            }
            column += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

/// Base64 in lines of 76, as Gmail and Apple Mail write it.
pub fn base64_lines(text: &str) -> String {
    STANDARD
        .encode(text)
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// `text` hard-wrapped at `width` with each line quoted by `prefix`.
fn wrapped(text: &str, width: usize, prefix: &str) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| format!("{prefix}{}", String::from_utf8_lossy(c)))
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Outlook: multipart/alternative, both parts quoted-printable, the token
/// in each.
pub fn outlook_eml(mail: &Mail, token: &str) -> Vec<u8> {
    let plain = format!(
        "Hi,\r\n\r\nI have finished the online safety course. My token is:\r\n\r\n{token}\r\n\r\n\
         Kind regards\r\n{}\r\n",
        mail.from.split(" <").next().unwrap_or_default()
    );
    let html = format!(
        "<html xmlns:o=3D\"urn:schemas-microsoft-com:office:office\"><head><meta charset=\"utf-8\"></head>\
         <body lang=\"EN-GB\"><div class=\"WordSection1\"><p class=\"MsoNormal\">Hi,</p>\
         <p class=\"MsoNormal\">I have finished the course. My token is:</p>\
         <p class=\"MsoNormal\">{token}</p><p class=\"MsoNormal\">Kind regards</p></div></body></html>"
    );
    let boundary = "_000_DB9PR01MB1234ABCDEFprod_";
    format!(
        "{}Content-Type: multipart/alternative;\r\n\tboundary=\"{boundary}\"\r\n\
         X-MS-Has-Attach:\r\nThread-Topic: {}\r\n\r\n--{boundary}\r\n\
         Content-Type: text/plain; charset=\"iso-8859-1\"\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n--{boundary}\r\n\
         Content-Type: text/html; charset=\"iso-8859-1\"\r\n\
         Content-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n--{boundary}--\r\n",
        mail.headers(""),
        mail.subject,
        quoted_printable(&plain),
        quoted_printable(&html.replace("=3D", "=")),
    )
    .into_bytes()
}

/// Gmail: multipart/alternative, both parts base64.
pub fn gmail_eml(mail: &Mail, token: &str) -> Vec<u8> {
    let plain = format!("Bonjour, voilà mon jeton\u{a0}:\r\n{token}\r\nMerci !\r\n");
    let html = format!(
        "<div dir=\"ltr\"><div>Bonjour, voilà mon jeton\u{a0}:</div><div>{token}</div>\
         <div>Merci !</div></div>\r\n"
    );
    let boundary = "000000000000a1b2c3d4e5f60718";
    format!(
        "{}Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n\
         Content-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
         {}\r\n--{boundary}\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
        mail.headers(""),
        base64_lines(&plain),
        base64_lines(&html),
    )
    .into_bytes()
}

/// Apple Mail on an iPhone: one base64 text part.
pub fn apple_eml(mail: &Mail, token: &str) -> Vec<u8> {
    let body = format!("Here’s my token\r\n\r\n{token}\r\n\r\nSent from my iPhone\r\n");
    format!(
        "{}Content-Type: text/plain;\r\n\tcharset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\
         X-Mailer: iPhone Mail (21F90)\r\n\r\n{}\r\n",
        mail.headers("")
            .replace("MIME-Version: 1.0", "Mime-Version: 1.0 (1.0)"),
        base64_lines(&body)
    )
    .into_bytes()
}

/// A forwarded message: the original quoted with `>` and its token
/// hard-wrapped at 64 characters.
pub fn forwarded_eml(mail: &Mail, original: &Mail, token: &str) -> Vec<u8> {
    format!(
        "{}Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
         Forwarding this one from my colleague.\r\n\r\n> ---------- Forwarded message ---------\r\n\
         > From: {}\r\n> Date: {}\r\n> Subject: {}\r\n>\r\n> My certificate token:\r\n>\r\n{}\r\n>\r\n\
         > Thanks\r\n",
        mail.headers(""),
        original.from,
        original.date,
        original.subject,
        wrapped(token, 64, "> ")
    )
    .into_bytes()
}

/// A reply chain: a new token at the top, an earlier message (with its
/// own token) quoted below.
pub fn reply_chain_eml(mail: &Mail, token: &str, earlier: &Mail, earlier_token: &str) -> Vec<u8> {
    format!(
        "{}In-Reply-To: <earlier@mail.example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\nAnd here is mine:\r\n{token}\r\n\r\n\
         On {}, {} wrote:\r\n> Done it, token below.\r\n> {earlier_token}\r\n> \r\n\
         > > On Fri, 2 Jan 2026, School Office wrote:\r\n> > Please send your tokens.\r\n",
        mail.headers(""),
        earlier.date,
        earlier.from,
    )
    .into_bytes()
}

/// HTML only, quoted-printable, the token in a link's address.
pub fn html_link_eml(mail: &Mail, token: &str) -> Vec<u8> {
    let html = format!(
        "<html><body><p>Finished! Here is <a href=\"https://handbook.test.example/course/done.html\
         #token={token}&amp;policy=online-safety\">my completion link</a>.</p></body></html>"
    );
    format!(
        "{}Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
        mail.headers(""),
        quoted_printable(&html)
    )
    .into_bytes()
}

/// A reply with no token at all.
pub fn thanks_eml(mail: &Mail) -> Vec<u8> {
    format!(
        "{}Content-Type: text/plain; charset=utf-8\r\n\r\nThanks, I'll do the course next week.\r\n",
        mail.headers("")
    )
    .into_bytes()
}

/// An mbox (as Thunderbird exports one) of `messages`: each an e-mail and
/// the body it carries.
pub fn mbox(messages: &[(Mail, String)]) -> Vec<u8> {
    let mut out = String::new();
    for (mail, body) in messages {
        let address = mail.from.split('<').nth(1).unwrap_or("x>");
        out.push_str(&format!(
            "From {} Mon Jan  5 09:00:00 2026\r\nX-Mozilla-Status: 0001\r\n{}\
             Content-Type: text/plain; charset=UTF-8; format=flowed\r\n\
             Content-Transfer-Encoding: 7bit\r\n\r\n{}\r\n\r\n",
            address.trim_end_matches('>'),
            mail.headers(""),
            body.replace("\nFrom ", "\n>From ")
        ));
    }
    out.into_bytes()
}

/// A Microsoft Forms export: ID, times, e-mail, name and the token asked
/// for, one row per answer.
pub fn forms_xlsx(rows: &[(&str, &str, String)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1").unwrap();
    let header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Paste your completion token",
    ];
    for (col, text) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    for (i, (name, email, token)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, f64::from(row)).unwrap();
        sheet
            .write_string(row, 1, format!("1/{}/26 10:02:11", i + 6))
            .unwrap();
        sheet
            .write_string(row, 2, format!("1/{}/26 10:05:43", i + 6))
            .unwrap();
        sheet.write_string(row, 3, *email).unwrap();
        sheet.write_string(row, 4, *name).unwrap();
        sheet.write_string(row, 5, token).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// A Word document whose token is split over two runs, as Word splits
/// text it has spell-checked.
pub fn docx(token: &str) -> Vec<u8> {
    let (first, rest) = token.split_at(40);
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body><w:p><w:r><w:t>Online safety course: my completion token</w:t></w:r></w:p>\
         <w:p><w:r><w:rPr><w:lang w:val=\"en-GB\"/></w:rPr><w:t>{first}</w:t></w:r>\
         <w:proofErr w:type=\"spellStart\"/><w:r><w:t>{rest}</w:t></w:r></w:p>\
         <w:sectPr/></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A one-page PDF with `lines` of text (none makes a "scanned" page
/// with nothing but a picture's worth of drawing).
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Courier",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut operations = Vec::new();
    if lines.is_empty() {
        operations.push(Operation::new(
            "re",
            vec![50.into(), 50.into(), 400.into(), 600.into()],
        ));
        operations.push(Operation::new("f", vec![]));
    } else {
        operations.push(Operation::new("BT", vec![]));
        operations.push(Operation::new("Tf", vec!["F1".into(), 6.into()]));
        operations.push(Operation::new("TL", vec![10.into()]));
        operations.push(Operation::new("Td", vec![30.into(), 780.into()]));
        for line in lines {
            operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
    }
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// An Outlook `.msg` (a compound file with MAPI property streams): the
/// subject, sender, transport headers with the date, and the body.
pub fn outlook_msg(mail: &Mail, token: &str) -> Vec<u8> {
    let utf16 =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let (name, address) = mail.from.split_once(" <").unwrap();
    let address = address.trim_end_matches('>');
    let streams = [
        ("/__substg1.0_0037001F", utf16(&mail.subject)),
        ("/__substg1.0_0C1A001F", utf16(name)),
        ("/__substg1.0_5D01001F", utf16(address)),
        (
            "/__substg1.0_007D001F",
            utf16(&format!(
                "Received: from x\r\nDate: {}\r\nFrom: {}\r\nSubject: {}\r\n",
                mail.date, mail.from, mail.subject
            )),
        ),
        (
            "/__substg1.0_1000001F",
            utf16(&format!(
                "Hello,\r\n\r\nMy token: {token}\r\n\r\nThanks\r\n"
            )),
        ),
        ("/__properties_version1.0", vec![0; 32]),
    ];
    for (path, bytes) in streams {
        file.create_stream(path).unwrap().write_all(&bytes).unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// Bytes that start as a JPEG, a PNG, a HEIC photo and an old Word file
/// do; `seed` makes one picture differ from another.
pub fn picture(kind: &str, seed: u32) -> Vec<u8> {
    let mut bytes = match kind {
        "jpg" => vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'],
        "png" => b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        "heic" => b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
        _ => vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
    };
    bytes.extend((0..2000u32).map(|i| ((i + seed) * 7 % 251) as u8));
    bytes
}
