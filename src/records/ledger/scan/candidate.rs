//! Following one candidate: a token-shaped run of text and the lines it
//! was wrapped onto. What is known of the candidate (which part it is in,
//! whether its JSON has closed) is kept up to date byte by byte, so that
//! deciding whether the next line goes on with it costs nothing.

use super::{Meter, is_run_byte, is_token_byte};

/// The length of an HS256 signature in base64url.
const SIGNATURE_LEN: usize = 43;

/// Lines are not joined onto a candidate beyond this length: real tokens
/// are well under 4 KiB, and the bound keeps crafted input cheap.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The base64url of `{"alg":`, how every JWT header handbook (and most
/// other JWT software) writes begins: a line starting so is a new token,
/// never the continuation of the one before.
pub(crate) const HEADER_START: &[u8] = b"eyJhbGciOi";

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

pub(super) struct Scanner<'a> {
    pub(super) text: &'a [u8],
    pub(super) meter: &'a mut Meter,
}

impl Scanner<'_> {
    pub(super) fn run_end(&mut self, start: usize) -> usize {
        let mut end = start;
        while end < self.text.len() && is_run_byte(self.text[end]) {
            end += 1;
        }
        self.meter.tick(end - start + 1);
        end
    }

    pub(super) fn find_eyj(&mut self, start: usize, end: usize) -> Option<usize> {
        self.meter.tick(end - start);
        memchr::memmem::find(&self.text[start..end], b"eyJ").map(|p| start + p)
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
    pub(super) fn candidate(&mut self, at: usize, mut end: usize) -> (Vec<u8>, usize) {
        let text = self.text;
        let mut token = Vec::with_capacity((end - at).min(MAX_TOKEN_LEN));
        let mut shape = Shape::default();
        // The shape is brought up to date only when a line might go on
        // with the candidate: a token alone on its line, or followed by the
        // next token, needs none.
        let mut shaped = 0;
        let mut piece = at..end;
        loop {
            self.meter.tick(piece.len());
            token.extend_from_slice(&text[piece]);
            if token.len() >= MAX_TOKEN_LEN {
                break;
            }
            let Some(next) = self.next_line_text(end) else {
                break;
            };
            self.meter.tick(HEADER_START.len());
            if text[next..].starts_with(HEADER_START) {
                break;
            }
            self.meter.tick(token.len() - shaped);
            for &b in &token[shaped..] {
                shape.push(b);
            }
            shaped = token.len();
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
    pub(super) fn broken_start(&mut self, start: usize, end: usize) -> Option<usize> {
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
