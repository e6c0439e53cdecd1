use super::*;

#[test]
fn kinds_come_from_names_then_contents() {
    assert_eq!(Kind::of("Inbox.MBOX", b""), Kind::Mbox);
    assert_eq!(Kind::of("a/b.eml", b""), Kind::Mail);
    assert_eq!(Kind::of("scan.HEIC", b""), Kind::Image);
    assert_eq!(Kind::of("form.xlsx", b""), Kind::Spreadsheet);
    assert_eq!(Kind::of("letter.docx", b""), Kind::WordDocument);
    assert_eq!(Kind::of("note.msg", b""), Kind::OutlookMessage);
    assert_eq!(Kind::of("saved", b"From a@b Mon Jan 5 2026\n"), Kind::Mbox);
    assert_eq!(
        Kind::of("saved", b"Subject: done\r\nFrom: a@b\r\n\r\nbody"),
        Kind::Mail
    );
    assert_eq!(Kind::of("x", b"%PDF-1.7\n"), Kind::Pdf);
    // A mail saved as `.txt` is still read as mail; other text as text.
    assert_eq!(Kind::of("saved.txt", b"Subject: no\n\n"), Kind::Mail);
    assert_eq!(Kind::of("list.txt", b"eyJ\n"), Kind::Text);
}

#[test]
fn every_kind_without_a_token_has_advice() {
    assert!(Kind::Image.hint().contains("send the token as text"));
    assert!(Kind::Pdf.hint().contains("scanned"));
    assert!(Kind::OldWordDocument.hint().contains(".docx"));
}

#[test]
fn a_picture_gives_nothing_to_search_and_text_gives_itself() {
    let image = read("photo.jpg", vec![0xFF, 0xD8, 0xFF]);
    assert_eq!(image.kind, Kind::Image);
    assert!(image.units.is_empty());
    let text = read("t.txt", b"hello".to_vec());
    assert_eq!(text.units.len(), 1);
    assert_eq!(text.units[0].texts, vec![(1, b"hello".to_vec())]);
}

#[test]
fn mail_info_reads_plainly_and_safely() {
    let info = MailInfo {
        date: Some("2026-01-05 09:14".into()),
        from: Some("Ann <ann@x>".into()),
        subject: Some("Done\u{1b}[31m".into()),
    };
    let shown = info.to_string();
    assert!(shown.starts_with("e-mail of 2026-01-05 09:14 from Ann <ann@x>, subject \u{201c}Done"));
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert_eq!(
        MailInfo::default().to_string(),
        "e-mail from an unknown sender, no subject"
    );
}
