//! Tests of finding tokens: in prose, lists and HTML; through both
//! transfer encodings of e-mail; wrapped at any width, quoted and
//! decorated; and with work (bytes looked at) linear in the input.

use super::*;

const T: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlQwNDIifQ.eyJpc3MiOiJleGFtcGxlLXNjaG9vbC9zb2NpYWwtbWVkaWEiLCJzdWIiOiJUMDQyIiwiaWF0IjoxNzY3MjI1NjAwLCJwdiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJtb2RzIjp7InNjb3BlIjoxMDAsImJlaGF2aW91ciI6ODB9LCJkZWNsIjp0cnVlfQ.AJHXIYBgruQJQEl0-HN6Vgut1XzXS9ju_nErHdUPV4c";

fn tokens(text: &str) -> Vec<(String, usize)> {
    find_tokens(text.as_bytes())
        .into_iter()
        .map(|f| (f.token, f.line))
        .collect()
}

#[test]
fn finds_tokens_in_prose_lists_and_html() {
    let text = format!(
        "Dear office,\n\nHere is my token: {T}.\nThanks!\n\n<p>token=\"{T}\"</p>\n{T},{T}\n"
    );
    let found = tokens(&text);
    assert_eq!(found.len(), 4);
    assert!(found.iter().all(|(t, _)| t == T));
    assert_eq!(
        found.iter().map(|(_, l)| *l).collect::<Vec<_>>(),
        vec![3, 6, 7, 7]
    );
}

#[test]
fn joins_quoted_printable_soft_breaks_and_decodes_escapes() {
    let mut qp = String::from("Content-Transfer-Encoding: quoted-printable\r\n\r\ntoken=3D");
    let mut line_len = 8;
    for c in T.chars() {
        if line_len == 75 {
            qp.push_str("=\r\n");
            line_len = 0;
        }
        qp.push(c);
        line_len += 1;
    }
    qp.push_str("=20\r\nBest wishes=2C Jo\r\n");
    assert_eq!(tokens(&qp), vec![(T.to_string(), 3)]);
}

#[test]
fn joins_hard_wrapped_and_quoted_reply_lines() {
    let (a, b) = T.split_at(70);
    let (b, c) = b.split_at(70);
    let text = format!("> Token:\n> {a}\n> {b}\n> {c}\n> Jo\n");
    assert_eq!(tokens(&text), vec![(T.to_string(), 2)]);
    // A token cut short is still reported, once: a following line of
    // prose only makes it more damaged, and a following token is a
    // token of its own.
    let text = format!("{}\nSecond line\n", &T[..58]);
    assert_eq!(tokens(&text), vec![(format!("{}Second", &T[..58]), 1)]);
    let text = format!("{}\n{T}\n\n{}\n{T}\n", &T[..58], &T[..T.len() - 4]);
    assert_eq!(
        tokens(&text),
        vec![
            (T[..58].to_string(), 1),
            (T.to_string(), 2),
            (T[..T.len() - 4].to_string(), 4),
            (T.to_string(), 5)
        ]
    );
}

/// `text` with the token's line broken every `width` columns after
/// `before` characters of other text (so that each first break falls
/// at a different place), each line starting with `prefix`.
fn wrapped(before: usize, token: &str, width: usize, prefix: &str, newline: &str) -> String {
    let body = format!("{}{token} Thanks", "x".repeat(before));
    let room = width - prefix.len();
    let chars: Vec<char> = body.chars().collect();
    let mut out = format!("{prefix}Token follows:{newline}");
    for line in chars.chunks(room) {
        out.push_str(prefix);
        out.extend(line);
        out.push_str(newline);
    }
    out
}

#[test]
fn finds_tokens_wrapped_at_any_width_and_break() {
    // A 20-character id, as in `alice.abler@ppat.org`, whose token
    // failed at most break positions of a 76-column wrap before.
    let key = crate::records::token::MasterKey::from_bytes([9; 32])
        .staff_key("alice.abler@ppat.org", 1)
        .signing_key();
    let claims = crate::records::token::Claims {
        iss: "ppat/social-media".to_string(),
        sub: "alice.abler@ppat.org".to_string(),
        iat: 1_767_225_600,
        pv: "0123456789abcdef".to_string(),
        mods: crate::records::token::Scores(vec![("scope".into(), 100), ("behaviour".into(), 80)]),
        decl: true,
    };
    let alice = crate::records::token::sign(&key, "alice.abler@ppat.org", &claims);
    let mut cases = 0;
    for token in [T, alice.as_str()] {
        for width in 20..=200 {
            for (prefix, newline) in [("", "\n"), ("> ", "\r\n"), ("> > ", "\n")] {
                for before in 0..=(width - prefix.len()) {
                    let text = wrapped(before, token, width, prefix, newline);
                    let found = find_tokens(text.as_bytes());
                    assert_eq!(
                        found.len(),
                        1,
                        "width {width}, prefix {prefix:?}, {before} before:\n{text}"
                    );
                    // Also when other text is glued to its start.
                    assert_eq!(
                        found[0].token, token,
                        "width {width}, {before} before:\n{text}"
                    );
                    assert_eq!(found[0].line, 2 + before / (width - prefix.len()));
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 60_000, "{cases}");
}

#[test]
fn finds_tokens_with_invisible_characters_and_entities_inside() {
    let (a, b) = T.split_at(40);
    let (b, c) = b.split_at(60);
    for (name, joiner) in [
        ("<wbr>", "<wbr>"),
        ("<wbr/>", "<WBR />"),
        ("&shy;", "&shy;"),
        ("U+00AD", "\u{ad}"),
        ("U+200B", "\u{200b}"),
        ("U+200C", "\u{200c}"),
        ("U+200D", "\u{200d}"),
        ("U+2060", "\u{2060}"),
        ("U+FEFF", "\u{feff}"),
        ("&#8203;", "&#8203;"),
        ("&#x200B;", "&#x200B;"),
        ("&ZeroWidthSpace;", "&ZeroWidthSpace;"),
        ("&zwnj;", "&zwnj;"),
    ] {
        let text = format!("<p>Token: {a}{joiner}{b}{joiner}{c}</p>\n");
        assert_eq!(tokens(&text), vec![(T.to_string(), 1)], "{name}");
    }
    // Entities for the token's own characters: the dots, and a letter.
    let dotted = T.replacen('.', "&#46;", 1).replacen('.', "&#x2e;", 1);
    assert_eq!(tokens(&format!("{dotted}\n")), vec![(T.to_string(), 1)]);
    let dotted = T.replace('.', "&period;");
    assert_eq!(tokens(&format!("{dotted}\n")), vec![(T.to_string(), 1)]);
    let lettered = T.replacen('J', "&#74;", 2).replace('_', "&lowbar;");
    assert_eq!(
        tokens(&format!("x {lettered} y\n")),
        vec![(T.to_string(), 1)]
    );
    // Entities that are neither stay what they are.
    let text = format!("&amp; &nbsp;{T}&nbsp;\n");
    assert_eq!(tokens(&text), vec![(T.to_string(), 1)]);
    // Decorations and wrapping together, in a quoted-printable reply.
    let decorated = format!("{a}=C2=AD{b}&shy;{c}");
    let mut mail = String::from("> ");
    for (i, ch) in decorated.chars().enumerate() {
        if i > 0 && i % 30 == 0 {
            mail.push_str("=\r\n");
        }
        mail.push(ch);
    }
    mail.push_str("\r\n");
    assert_eq!(tokens(&mail), vec![(T.to_string(), 1)]);
}

#[test]
fn padding_and_foreign_characters_are_kept_for_the_importer_to_reject() {
    let (header, rest) = T.split_once('.').unwrap();
    let padded = format!("{header}==.{rest}");
    assert_eq!(tokens(&format!("{padded}\n")), vec![(padded.clone(), 1)]);
    // A token split over two lines by its own padding (`=` then a line
    // break reads as a quoted-printable soft break) is still one token.
    let text = format!("{header}=\n.{rest}\n");
    assert_eq!(tokens(&text), vec![(T.to_string(), 1)]);
}

fn steps(input: &[u8]) -> usize {
    let mut meter = Meter::default();
    find_tokens_metered(input, &mut meter);
    meter.steps
}

/// Base64url lines of pseudo-random text, 76 columns, from a fixed
/// seed: the shape of input that took the old scanner 24 s at 3.4 MB.
fn base64url_lines(bytes: usize, header_every_line: bool) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".to_vec();
    let mut column = out.len();
    while out.len() < bytes {
        if column == 76 {
            out.push(b'\n');
            column = 0;
            if header_every_line {
                out.extend_from_slice(b"eyJ");
                column = 3;
            }
            continue;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.push(ALPHABET[(seed % 64) as usize]);
        column += 1;
    }
    out
}

/// The scanner's work (bytes looked at) grows in proportion to the
/// input: four times the input, at most a little over four times the
/// work, and never more than a few looks per byte, for each kind of
/// crafted input that was slow before and for ordinary mail.
#[test]
fn scanning_is_linear_in_the_input() {
    type Maker = Box<dyn Fn(usize) -> Vec<u8>>;
    fn dots(n: usize) -> Vec<u8> {
        format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9{}", ".".repeat(n)).into_bytes()
    }
    fn mail(n: usize) -> Vec<u8> {
        let (a, b) = T.split_at(37);
        format!("> > Dear office,\n> > {a}\n> > {b}&shy;\u{200b}\n> > Jo\n")
            .repeat(n / 150)
            .into_bytes()
    }
    let inputs: [(&str, Maker); 4] = [
        ("a header and dots", Box::new(dots)),
        (
            "76-column base64url lines",
            Box::new(|n| base64url_lines(n, false)),
        ),
        (
            "every line starting eyJ",
            Box::new(|n| base64url_lines(n, true)),
        ),
        ("wrapped, quoted, decorated mail", Box::new(mail)),
    ];
    for (name, make) in &inputs {
        let small = make(160_000);
        let large = make(640_000);
        let (s, l) = (steps(&small), steps(&large));
        let per_byte = l as f64 / large.len() as f64;
        let growth = l as f64 / s as f64;
        let size_growth = large.len() as f64 / small.len() as f64;
        assert!(per_byte < 12.0, "{name}: {per_byte:.1} steps per byte");
        assert!(
            growth < size_growth * 1.05,
            "{name}: input ×{size_growth:.2}, work ×{growth:.2}"
        );
    }
}

#[test]
fn keeps_damaged_candidates_and_unsigned_tokens() {
    let cut = &T[..T.len() - 10];
    let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJUMDQyIn0.";
    let text = format!("{cut}\n\n{none}\n\nheyJames, eyJ. no.\n");
    assert_eq!(
        tokens(&text),
        vec![(cut.to_string(), 1), (none.to_string(), 3)]
    );
}

#[test]
fn decodes_base64_mime_parts() {
    use base64::Engine as _;
    let body = format!("Bonjour, voici mon jeton\u{2019}: {T}\r\nMerci\r\n");
    let encoded = base64::engine::general_purpose::STANDARD.encode(body);
    let mut wrapped = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        wrapped.push_str(std::str::from_utf8(chunk).unwrap());
        wrapped.push_str("\r\n");
    }
    let mail = format!(
        "Subject: done\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{wrapped}\r\n--b--\r\n"
    );
    assert_eq!(tokens(&mail), vec![(T.to_string(), 7)]);
}

#[test]
fn nothing_in_binary_or_empty_input() {
    assert!(find_tokens(b"").is_empty());
    assert!(find_tokens(&[0xff, 0xfe, b'=', b'\n', b'=', b'Z']).is_empty());
}
