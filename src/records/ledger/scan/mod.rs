//! Finding tokens. Takes the bytes of any input; gives each token-shaped
//! string in it with the line it starts on ([`Found`]). Inputs are saved
//! e-mails (including quoted-printable ones, whose lines are broken with
//! `=` and whose `=` signs are written `=3D`), pasted lists, HTML and CSV
//! exports.
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
//!
//! The work is split by job: `mail` undoes the two transfer encodings of
//! saved e-mails (quoted-printable and base64 parts), `clean` takes out
//! the decorations, and `candidate` follows a token-shaped run over as
//! many lines as it was wrapped onto.

mod candidate;
mod clean;
mod mail;

pub(crate) use candidate::HEADER_START;
use candidate::Scanner;
use clean::Cleaned;
pub(crate) use clean::is_invisible;

/// A token-shaped string and the line it starts on (1-based, in the
/// original text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The candidate text.
    pub(crate) token: String,
    /// The line of the input it starts on.
    pub(crate) line: usize,
}

/// A header shorter than this is not worth reporting (real ones are ~60).
const MIN_HEADER: usize = 16;

/// What a token is made of: base64url characters and dots.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// What a candidate's run may hold: token bytes and `=`, so that a padded
/// (and so altered) token is still found and rejected with its reason.
fn is_run_byte(b: u8) -> bool {
    is_token_byte(b) || b == b'='
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

/// Every token-shaped string in `input`, in order.
pub fn find_tokens(input: &[u8]) -> Vec<Found> {
    find_tokens_metered(input, &mut Meter::default())
}

fn find_tokens_metered(input: &[u8], meter: &mut Meter) -> Vec<Found> {
    let mut found = find_in_text(input, meter);
    let parts = mail::base64_parts(input, meter);
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

/// Every candidate in `input` read as text (one transfer encoding undone,
/// decorations taken out), each with the line it starts on.
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
                // Only ASCII bytes are in a run, so this never copies.
                token: String::from_utf8(token)
                    .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()),
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
mod tests;
