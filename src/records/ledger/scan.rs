//! Finding tokens in any text: saved e-mails (including quoted-printable
//! ones, whose lines are broken with `=` and whose `=` signs are written
//! `=3D`), pasted lists, HTML, CSV exports.
//!
//! Mail programs decorate what they pass on, so before searching the text
//! is cleaned of what may land inside a token: quoted-printable soft line
//! breaks and escapes, invisible characters (soft hyphens, zero-width
//! spaces and joiners, direction marks), `<wbr>` tags, and HTML entities
//! that stand for a token's characters (`&#46;`, `&period;`) or for
//! invisible ones (`&shy;`). A token hard-wrapped over several lines, at
//! any width and with or without `>` quoting, is joined up again.
//!
//! Parts of a saved e-mail sent as base64 (`Content-Transfer-Encoding:
//! base64`, common for messages with non-English characters) are decoded
//! and searched too; their tokens are placed on the line the part starts.
//!
//! A candidate is a run of base64url characters and dots that starts with
//! `eyJ` (the base64url of `{"`, how every JWT header begins) and has a
//! dot after a plausible header. Candidates are not judged here: a
//! truncated or garbled one is still returned, so that the importer can
//! say it was damaged rather than pass over it in silence.
//!
//! Every step is linear in the input: each byte is looked at a bounded
//! number of times whatever the input holds (crafted input included), and
//! the unit tests count those looks to show it.

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

/// The length of an HS256 signature in base64url.
const SIGNATURE_LEN: usize = 43;

/// Lines are not joined onto a candidate beyond this length: real tokens
/// are well under 4 KiB, and the bound keeps crafted input cheap.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The base64url of `{"alg":`, how every JWT header handbook (and most
/// other JWT software) writes begins: a line starting so is a new token,
/// never the continuation of the one before.
const HEADER_START: &[u8] = b"eyJhbGciOi";

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// What a candidate's run may hold: token bytes and `=`, so that a padded
/// (and so altered) token is still found and rejected with its reason.
fn is_run_byte(b: u8) -> bool {
    is_token_byte(b) || b == b'='
}

/// True for characters that show as nothing: soft hyphens, zero-width
/// spaces and joiners, direction marks and overrides, word joiners and
/// invisible operators, variation selectors, byte-order marks and tags.
/// Mail programs put some of them inside long words so they can wrap.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Counts the bytes each step looks at, so that tests can show the work
/// grows linearly with the input.
#[derive(Debug, Default)]
struct Meter {
    steps: usize,
}

impl Meter {
    fn tick(&mut self, n: usize) {
        self.steps += n;
    }
}

/// Cleaned text, and a map back to original lines.
struct Cleaned {
    bytes: Vec<u8>,
    /// (offset in `bytes`, original line from there on), ascending.
    lines: Vec<(usize, usize)>,
}

impl Cleaned {
    fn new(input: &[u8], meter: &mut Meter) -> Cleaned {
        let decoded = quoted_printable(input, meter);
        strip_decorations(&decoded, meter)
    }

    fn line_at(&self, offset: usize, meter: &mut Meter) -> usize {
        meter.tick(self.lines.len().max(1).ilog2() as usize + 1);
        let i = self.lines.partition_point(|&(o, _)| o <= offset);
        self.lines[i.saturating_sub(1)].1
    }
}

/// Quoted-printable soft line breaks (`=` at the end of a line) removed
/// and `=XX` escapes decoded.
fn quoted_printable(input: &[u8], meter: &mut Meter) -> Cleaned {
    let mut bytes = Vec::with_capacity(input.len());
    let mut lines = vec![(0, 1)];
    let mut line = 1;
    let mut i = 0;
    while i < input.len() {
        meter.tick(1);
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
    Cleaned { bytes, lines }
}

/// Invisible characters, `<wbr>` tags and the HTML entities of token
/// characters or invisible ones, taken out of `text` (newlines are kept,
/// so the line map carries over).
fn strip_decorations(text: &Cleaned, meter: &mut Meter) -> Cleaned {
    let input = &text.bytes;
    let mut bytes = Vec::with_capacity(input.len());
    let mut lines = Vec::with_capacity(text.lines.len());
    let mut pending = text.lines.iter().peekable();
    let mut i = 0;
    while i < input.len() {
        meter.tick(1);
        while let Some(&&(offset, line)) = pending.peek() {
            if offset > i {
                break;
            }
            lines.push((bytes.len(), line));
            pending.next();
        }
        let b = input[i];
        let skip = match b {
            b'&' => entity(&input[i..], meter).map(|(len, byte)| {
                bytes.extend(byte);
                len
            }),
            b'<' => wbr_tag(&input[i..], meter),
            0x80.. => invisible_char(&input[i..], meter),
            _ => None,
        };
        match skip {
            Some(len) => i += len,
            None => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    for &(_, line) in pending {
        lines.push((bytes.len(), line));
    }
    if lines.is_empty() {
        lines.push((0, 1));
    }
    Cleaned { bytes, lines }
}

/// An entity at the start of `text` that stands for a token character
/// (its length and the character) or an invisible one (its length and
/// nothing). Others are left alone.
fn entity(text: &[u8], meter: &mut Meter) -> Option<(usize, Option<u8>)> {
    // The longest name below is 21 letters; numbers take at most 8 digits,
    // so the look ahead is short whatever follows.
    let end = text.iter().take(32).position(|&b| b == b';');
    meter.tick(end.map_or(text.len().min(32), |e| e + 1));
    let end = end?;
    let body = std::str::from_utf8(&text[1..end]).ok()?;
    let code = if let Some(number) = body.strip_prefix('#') {
        let (digits, radix) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (number, 10),
        };
        if digits.is_empty() || digits.len() > 8 {
            return None;
        }
        char::from_u32(u32::from_str_radix(digits, radix).ok()?)?
    } else {
        match body {
            "period" => '.',
            "lowbar" | "UnderBar" => '_',
            "equals" => '=',
            "shy" => '\u{AD}',
            "ZeroWidthSpace"
            | "NegativeVeryThinSpace"
            | "NegativeThinSpace"
            | "NegativeMediumSpace"
            | "NegativeThickSpace" => '\u{200B}',
            "zwnj" => '\u{200C}',
            "zwj" => '\u{200D}',
            "lrm" => '\u{200E}',
            "rlm" => '\u{200F}',
            "NoBreak" => '\u{2060}',
            "ApplyFunction" | "af" => '\u{2061}',
            "InvisibleTimes" | "it" => '\u{2062}',
            "InvisibleComma" | "ic" => '\u{2063}',
            _ => return None,
        }
    };
    if is_invisible(code) {
        Some((end + 1, None))
    } else if code.is_ascii() && is_run_byte(code as u8) {
        Some((end + 1, Some(code as u8)))
    } else {
        None
    }
}

/// The length of a `<wbr>` tag (`<wbr/>`, `<WBR />`) at the start of
/// `text`: a place a browser may break a word, and nothing else.
fn wbr_tag(text: &[u8], meter: &mut Meter) -> Option<usize> {
    meter.tick(4);
    if text.len() < 5 || !text[1..4].eq_ignore_ascii_case(b"wbr") {
        return None;
    }
    let mut i = 4;
    while i < text.len() && i < 8 && text[i] == b' ' {
        i += 1;
    }
    if text.get(i) == Some(&b'/') {
        i += 1;
    }
    meter.tick(i);
    (text.get(i) == Some(&b'>')).then_some(i + 1)
}

/// The length of an invisible character's UTF-8 bytes at the start of
/// `text`.
fn invisible_char(text: &[u8], meter: &mut Meter) -> Option<usize> {
    meter.tick(1);
    let len = match text[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    meter.tick(len);
    let c = std::str::from_utf8(text.get(..len)?).ok()?.chars().next()?;
    is_invisible(c).then_some(len)
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
    find_tokens_metered(input, &mut Meter::default())
}

fn find_tokens_metered(input: &[u8], meter: &mut Meter) -> Vec<Found> {
    let mut found = find_in_text(input, meter);
    let parts = base64_parts(input, meter);
    if !parts.is_empty() {
        for (line, bytes) in parts {
            found.extend(find_in_text(&bytes, meter).into_iter().map(|f| Found {
                token: f.token,
                line,
            }));
        }
        found.sort_by_key(|f| f.line);
    }
    found
}

/// The decoded body of each base64 MIME part, with the line it starts on.
fn base64_parts(input: &[u8], meter: &mut Meter) -> Vec<(usize, Vec<u8>)> {
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
        // Each line is split off, trimmed and looked through a few times.
        meter.tick(3 * line.len() + 1);
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
            meter.tick(data.len());
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

/// What is known of a candidate so far, kept up to date byte by byte (so
/// that deciding whether the next line continues it costs nothing): which
/// part it is in, and for the header and claims, whether the JSON they
/// decode to is already closed.
#[derive(Debug, Default)]
struct Shape {
    dots: usize,
    signature_len: usize,
    /// Bits decoded from base64url not yet making a whole byte.
    bits: u32,
    bit_count: u32,
    json: JsonDepth,
}

/// Just enough of JSON's grammar to tell when an object closes.
#[derive(Debug, Default)]
struct JsonDepth {
    depth: u32,
    in_string: bool,
    escaped: bool,
    closed: bool,
}

impl JsonDepth {
    fn feed(&mut self, byte: u8) {
        if self.closed {
            return;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
            }
            return;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.depth > 0 => {
                self.depth -= 1;
                self.closed = self.depth == 0;
            }
            _ => {}
        }
    }
}

fn base64url_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    } as u32)
}

impl Shape {
    fn push(&mut self, b: u8) {
        if b == b'.' {
            self.dots += 1;
            self.bits = 0;
            self.bit_count = 0;
            self.json = JsonDepth::default();
            return;
        }
        if self.dots >= 2 {
            self.signature_len += 1;
            return;
        }
        let Some(value) = base64url_value(b) else {
            return;
        };
        self.bits = (self.bits << 6 | value) & 0xfff;
        self.bit_count += 6;
        if self.bit_count >= 8 {
            self.bit_count -= 8;
            self.json.feed((self.bits >> self.bit_count) as u8);
        }
    }

    /// Three parts and a full-length signature.
    fn complete(&self) -> bool {
        self.dots >= 2 && self.signature_len >= SIGNATURE_LEN
    }

    /// Whether a line whose text starts `next` goes on with this
    /// candidate: only when the candidate is unfinished, the line is not a
    /// new token, and, if the current part's JSON has closed, the line
    /// starts the next part.
    fn continues_with(&self, next: &[u8]) -> bool {
        if self.complete() || next.starts_with(HEADER_START) {
            return false;
        }
        !(self.dots < 2 && self.json.closed) || next.first() == Some(&b'.')
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    meter: &'a mut Meter,
}

impl Scanner<'_> {
    fn run_end(&mut self, start: usize) -> usize {
        let mut end = start;
        while end < self.text.len() && is_run_byte(self.text[end]) {
            end += 1;
        }
        self.meter.tick(end - start + 1);
        end
    }

    fn find_eyj(&mut self, start: usize, end: usize) -> Option<usize> {
        self.meter.tick(end - start);
        self.text[start..end]
            .windows(3)
            .position(|w| w == b"eyJ")
            .map(|p| start + p)
    }

    /// When the line ends right after `end` (blanks allowed), where the
    /// next line's text starts after any quoting (`>`, `> >`) and
    /// indentation, if it starts with a token character.
    fn next_line_text(&mut self, end: usize) -> Option<usize> {
        let text = self.text;
        let mut at = end;
        while at < text.len() && matches!(text[at], b' ' | b'\t' | b'\r') {
            at += 1;
        }
        if text.get(at) != Some(&b'\n') {
            self.meter.tick(at - end + 1);
            return None;
        }
        at += 1;
        while at < text.len() && matches!(text[at], b' ' | b'\t' | b'>') {
            at += 1;
        }
        self.meter.tick(at - end + 1);
        (at < text.len() && is_token_byte(text[at])).then_some(at)
    }

    /// The candidate that starts at `at` and runs on to `end` on its first
    /// line, with the lines that continue it; and where it ends.
    fn candidate(&mut self, at: usize, mut end: usize) -> (Vec<u8>, usize) {
        let text = self.text;
        let mut token = Vec::with_capacity((end - at).min(MAX_TOKEN_LEN));
        let mut shape = Shape::default();
        let mut piece = at..end;
        loop {
            self.meter.tick(piece.len());
            for &b in &text[piece.clone()] {
                shape.push(b);
            }
            token.extend_from_slice(&text[piece]);
            if token.len() >= MAX_TOKEN_LEN {
                break;
            }
            let Some(next) = self.next_line_text(end) else {
                break;
            };
            self.meter.tick(HEADER_START.len());
            if !shape.continues_with(&text[next..]) {
                break;
            }
            let next_end = self.run_end(next);
            piece = next..next_end;
            end = next_end;
        }
        (token, end)
    }

    /// Where a token starts whose `eyJ` was itself broken over two lines
    /// (`e` | `yJ…` or `ey` | `J…`): the run `start..end` ends the line
    /// with the first letters, and the next line goes on with the rest.
    fn broken_start(&mut self, start: usize, end: usize) -> Option<usize> {
        let run = &self.text[start..end];
        let (at, rest): (usize, &[u8]) = if run.ends_with(b"ey") {
            (end - 2, b"J")
        } else if run.ends_with(b"e") {
            (end - 1, b"yJ")
        } else {
            return None;
        };
        let next = self.next_line_text(end)?;
        self.meter.tick(rest.len());
        self.text[next..].starts_with(rest).then_some(at)
    }
}

fn find_in_text(input: &[u8], meter: &mut Meter) -> Vec<Found> {
    let text = Cleaned::new(input, meter);
    let bytes = &text.bytes;
    let mut found = Vec::new();
    let mut scanner = Scanner {
        text: bytes,
        meter: &mut *meter,
    };
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_run_byte(bytes[i]) {
            scanner.meter.tick(1);
            i += 1;
            continue;
        }
        let run_end = scanner.run_end(i);
        let at = match scanner.find_eyj(i, run_end) {
            Some(at) => at,
            None => match scanner.broken_start(i, run_end) {
                Some(at) => at,
                None => {
                    i = run_end;
                    continue;
                }
            },
        };
        let (mut token, end) = scanner.candidate(at, run_end);
        // Scanning goes on after the candidate whatever becomes of it, so
        // that no byte is looked at again and again.
        i = end;
        // A token at the end of a sentence: drop the full stop, but keep the
        // empty third part of an unsigned (`alg: none`) token.
        let mut dots = token.iter().filter(|&&b| b == b'.').count();
        // This count, the search for the first dot and the copy below.
        scanner.meter.tick(3 * token.len());
        while dots > 2 && token.last() == Some(&b'.') {
            token.pop();
            dots -= 1;
        }
        let header_len = token.iter().position(|&b| b == b'.');
        if header_len.is_some_and(|n| n >= MIN_HEADER) {
            starts.push(at);
            found.push(Found {
                // Only ASCII bytes are in a run.
                token: String::from_utf8_lossy(&token).into_owned(),
                line: 0,
            });
        }
    }
    for (found, at) in found.iter_mut().zip(starts) {
        found.line = text.line_at(at, meter);
    }
    found
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
            mods: crate::records::token::Scores(vec![
                ("scope".into(), 100),
                ("behaviour".into(), 80),
            ]),
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
            eprintln!(
                "{name}: {per_byte:.2} steps per byte; input ×{size_growth:.2}, work ×{growth:.3}"
            );
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
}
