//! Finding tokens in any text: saved e-mails (including quoted-printable
//! ones, whose lines are broken with `=` and whose `=` signs are written
//! `=3D`), pasted lists, HTML, CSV exports.
//!
//! Parts of a saved e-mail sent as base64 (`Content-Transfer-Encoding:
//! base64`, common for messages with non-English characters) are decoded
//! and searched too; their tokens are placed on the line the part starts.
//!
//! A candidate is a run of base64url characters and dots that starts with
//! `eyJ` (the base64url of `{"`, how every JWT header begins) and has at
//! least one dot. Candidates are not judged here: a truncated or garbled one
//! is still returned, so that the importer can say it was damaged rather
//! than pass over it in silence.

/// A token-shaped string and the line it starts on (1-based, in the
/// original text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The candidate text.
    pub token: String,
    /// The line of the input it starts on.
    pub line: usize,
}

/// A header shorter than this is not worth reporting (real ones are ~60).
const MIN_HEADER: usize = 16;

/// A line at least this long that ends inside a token was probably wrapped
/// by a mail program, so the token continues on the next line.
const WRAPPED_LINE: usize = 60;

/// The length of an HS256 signature in base64url.
const SIGNATURE_LEN: usize = 43;

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// Text with quoted-printable soft line breaks (`=` at the end of a line)
/// removed and `=XX` escapes decoded, and a map back to original lines.
struct Normalised {
    bytes: Vec<u8>,
    /// (offset in `bytes`, original line from there on), ascending.
    lines: Vec<(usize, usize)>,
}

impl Normalised {
    fn new(input: &[u8]) -> Normalised {
        let mut bytes = Vec::with_capacity(input.len());
        let mut lines = vec![(0, 1)];
        let mut line = 1;
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            if b == b'=' {
                let next = input.get(i + 1).copied();
                if next == Some(b'\n') {
                    i += 2;
                    line += 1;
                    lines.push((bytes.len(), line));
                    continue;
                }
                if next == Some(b'\r') && input.get(i + 2) == Some(&b'\n') {
                    i += 3;
                    line += 1;
                    lines.push((bytes.len(), line));
                    continue;
                }
                if let (Some(hi), Some(lo)) = (
                    next.and_then(hex_digit),
                    input.get(i + 2).copied().and_then(hex_digit),
                ) {
                    bytes.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
            }
            bytes.push(b);
            i += 1;
            if b == b'\n' {
                line += 1;
                lines.push((bytes.len(), line));
            }
        }
        Normalised { bytes, lines }
    }

    fn line_at(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|&(o, _)| o <= offset);
        self.lines[i.saturating_sub(1)].1
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Every token-shaped string in `input`, in order.
pub fn find_tokens(input: &[u8]) -> Vec<Found> {
    let mut found = find_in_text(input);
    let parts = base64_parts(input);
    if !parts.is_empty() {
        for (line, bytes) in parts {
            found.extend(find_in_text(&bytes).into_iter().map(|f| Found {
                token: f.token,
                line,
            }));
        }
        found.sort_by_key(|f| f.line);
    }
    found
}

/// The decoded body of each base64 MIME part, with the line it starts on.
fn base64_parts(input: &[u8]) -> Vec<(usize, Vec<u8>)> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    const HEADER: &[u8] = b"content-transfer-encoding:";
    enum State {
        Searching,
        Headers,
        Body { start: usize, data: Vec<u8> },
    }
    let mut parts = Vec::new();
    let mut state = State::Searching;
    let lines = input
        .split(|&b| b == b'\n')
        .chain(std::iter::once(&b""[..]));
    for (i, line) in lines.enumerate() {
        let line = line.trim_ascii();
        if let State::Body { start, data } = &mut state {
            if !line.is_empty()
                && line
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
            {
                data.extend_from_slice(line);
                continue;
            }
            if let Ok(bytes) = LENIENT.decode(&data) {
                parts.push((*start, bytes));
            }
            state = State::Searching;
        }
        match state {
            State::Headers if line.is_empty() => {
                state = State::Body {
                    start: i + 2,
                    data: Vec::new(),
                };
            }
            State::Searching | State::Headers
                if line.len() > HEADER.len()
                    && line[..HEADER.len()].eq_ignore_ascii_case(HEADER)
                    && line[HEADER.len()..]
                        .trim_ascii()
                        .eq_ignore_ascii_case(b"base64") =>
            {
                state = State::Headers;
            }
            _ => {}
        }
    }
    parts
}

fn find_in_text(input: &[u8]) -> Vec<Found> {
    let text = Normalised::new(input);
    let bytes = &text.bytes;
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = run_end(bytes, start);
        i = end;
        let Some(at) = find(&bytes[start..end], b"eyJ").map(|p| start + p) else {
            continue;
        };
        let mut token = bytes[at..end].to_vec();
        // A line wrapped inside the token by a mail program: join the next
        // line (after any `>` quoting) while the token is still incomplete.
        while !is_complete(&token) && token.last() != Some(&b'.') {
            let Some(next) = continuation(bytes, end) else {
                break;
            };
            let next_end = run_end(bytes, next);
            token.extend_from_slice(&bytes[next..next_end]);
            end = next_end;
            i = end;
        }
        // A token at the end of a sentence: drop the full stop, but keep the
        // empty third part of an unsigned (`alg: none`) token.
        while token.last() == Some(&b'.') && token.iter().filter(|&&b| b == b'.').count() > 2 {
            token.pop();
        }
        let header_len = token.iter().position(|&b| b == b'.');
        if header_len.is_some_and(|n| n >= MIN_HEADER) {
            found.push(Found {
                // Only ASCII bytes are in a run.
                token: String::from_utf8_lossy(&token).into_owned(),
                line: text.line_at(at),
            });
        }
    }
    found
}

fn run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() && is_token_byte(bytes[end]) {
        end += 1;
    }
    end
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Three parts and a full-length signature.
fn is_complete(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(_), Some(_), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    signature.len() >= SIGNATURE_LEN
}

/// Where the token continues when the line ends right after `end` and that
/// line was long enough to have been wrapped.
fn continuation(bytes: &[u8], end: usize) -> Option<usize> {
    let mut next = end;
    if bytes.get(next) == Some(&b'\r') {
        next += 1;
    }
    if bytes.get(next) != Some(&b'\n') {
        return None;
    }
    let line_start = bytes[..end]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    if end - line_start < WRAPPED_LINE {
        return None;
    }
    next += 1;
    while next < bytes.len() && matches!(bytes[next], b' ' | b'\t' | b'>') {
        next += 1;
    }
    (next < bytes.len() && is_token_byte(bytes[next])).then_some(next)
}

#[cfg(test)]
mod tests {
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
        // A short line is not joined to the next.
        let text = format!("{}\nSecond line\n", &T[..58]);
        assert_eq!(tokens(&text), vec![(T[..58].to_string(), 1)]);
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
}
