//! Reading a large text input a piece at a time, so that an import of a
//! million tokens holds a few megabytes of it, not all of it. Each piece
//! ends where a token cannot go on: before a line that starts a new token
//! (`eyJhbGciOi`, after any `>` quoting), or after a blank line. So the
//! tokens found piece by piece are exactly those found in the whole: a
//! token wrapped over lines, a quoted-printable soft line break (`=` at a
//! line's end) and a broken `eyJ` never straddle a cut.
//!
//! One thing does span blank lines: a MIME part sent as base64, whose
//! headers and body are told apart by one. A piece that names a
//! `Content-Transfer-Encoding` is therefore never cut: the rest of the
//! input is read whole, as before streaming.

use std::io::{self, Read};

use crate::records::ledger::scan::HEADER_START;

/// How much is read at a time.
const PIECE: usize = 2 << 20;

/// An input being read piece by piece.
pub(super) struct Pieces<R> {
    reader: R,
    buf: Vec<u8>,
    /// Where in `buf` the next piece starts.
    start: usize,
    /// Up to where `buf` was searched for a cut without finding one.
    searched: usize,
    /// The line the next piece starts on.
    line: usize,
    eof: bool,
    /// True once the rest must be read whole.
    whole: bool,
    /// Bytes read so far.
    read: u64,
    /// How much to read at a time.
    size: usize,
}

impl<R: Read> Pieces<R> {
    pub(super) fn new(reader: R) -> Self {
        Self::sized(reader, PIECE)
    }

    /// Pieces of about `size` bytes (or more, up to the next cut).
    fn sized(reader: R, size: usize) -> Self {
        Pieces {
            size,
            reader,
            buf: Vec::new(),
            start: 0,
            searched: 0,
            line: 1,
            eof: false,
            whole: false,
            read: 0,
        }
    }

    /// The first bytes of the input (up to a piece's worth), to tell its
    /// kind by.
    pub(super) fn head(&mut self) -> io::Result<&[u8]> {
        self.fill(self.size)?;
        Ok(&self.buf[self.start..])
    }

    /// The whole of the rest of the input.
    pub(super) fn rest(mut self) -> io::Result<Vec<u8>> {
        self.reader.read_to_end(&mut self.buf)?;
        self.buf.drain(..self.start);
        Ok(self.buf)
    }

    /// The bytes read from the input so far.
    pub(super) fn bytes_read(&self) -> u64 {
        self.read + (self.buf.len() - self.start) as u64
    }

    /// The next piece and the line it starts on, or `None` at the end.
    pub(super) fn next_piece(&mut self) -> io::Result<Option<(usize, &[u8])>> {
        // What an earlier piece left is moved to the front, so the buffer
        // stays a piece or two long.
        if self.start > 0 {
            self.read += self.start as u64;
            self.buf.drain(..self.start);
            self.searched = self.searched.saturating_sub(self.start);
            self.start = 0;
        }
        let cut = loop {
            self.fill(self.buf.len() + self.size)?;
            if self.eof {
                break self.buf.len();
            }
            if !self.whole
                && let Some(cut) = self.cut()
            {
                if !names_transfer_encoding(&self.buf[..cut]) {
                    break cut;
                }
                self.whole = true;
            }
        };
        if cut == 0 {
            return Ok(None);
        }
        self.start = cut;
        self.searched = 0;
        let piece = &self.buf[..cut];
        let line = self.line;
        self.line += memchr::memchr_iter(b'\n', piece).count();
        Ok(Some((line, piece)))
    }

    /// Reads until `buf` holds `len` bytes or the input ends.
    fn fill(&mut self, len: usize) -> io::Result<()> {
        while !self.eof && self.buf.len() < len {
            let had = self.buf.len();
            self.buf.resize(len, 0);
            match self.reader.read(&mut self.buf[had..]) {
                Ok(0) => {
                    self.buf.truncate(had);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(had + n),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => self.buf.truncate(had),
                Err(err) => {
                    self.buf.truncate(had);
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// The last place in the buffer a piece may end (not searched again
    /// once found wanting, so that reading on is linear).
    fn cut(&mut self) -> Option<usize> {
        let buf = &self.buf;
        let floor = self.searched;
        let mut end = buf.len();
        while let Some(newline) = memchr::memrchr(b'\n', &buf[floor..end]).map(|i| floor + i) {
            if safe_cut(buf, newline + 1) {
                return Some(newline + 1);
            }
            end = newline;
        }
        // Search again only what is read next (and the line before it).
        self.searched = memchr::memrchr(b'\n', &buf[floor..]).map_or(floor, |i| floor + i);
        None
    }
}

/// Whether a piece may end just before `at` (the start of a line): the
/// line before is blank, or this line starts a token and the line before
/// does not end in a quoted-printable soft break. False when the line is
/// not yet read far enough to tell.
fn safe_cut(buf: &[u8], at: usize) -> bool {
    let before = &buf[..at - 1];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let previous = &before[line_start..];
    if previous.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
        return true;
    }
    if previous
        .strip_suffix(b"\r")
        .unwrap_or(previous)
        .ends_with(b"=")
    {
        return false;
    }
    let text = &buf[at..];
    let quoting = text
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'>'))
        .unwrap_or(text.len());
    text[quoting..].starts_with(HEADER_START)
}

/// Whether `bytes` name a MIME part's transfer encoding (any case).
fn names_transfer_encoding(bytes: &[u8]) -> bool {
    const NAME: &[u8] = b"content-transfer-encoding";
    memchr::memchr_iter(b':', bytes).any(|colon| {
        colon >= NAME.len() && bytes[colon - NAME.len()..colon].eq_ignore_ascii_case(NAME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::ledger::scan::find_tokens;

    /// A reader that gives at most `step` bytes at a time, as a pipe does.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Every token found piece by piece, with its line in the whole input.
    fn found_in_pieces(bytes: &[u8], piece: usize) -> Vec<(String, usize)> {
        let mut pieces = Pieces::sized(Trickle { bytes, step: 7919 }, piece);
        let mut found = Vec::new();
        let mut count = 0;
        while let Some((line, text)) = pieces.next_piece().unwrap() {
            count += 1;
            for f in find_tokens(text) {
                found.push((f.token, line + f.line - 1));
            }
        }
        assert!(count >= 1);
        found
    }

    fn found_whole(bytes: &[u8]) -> Vec<(String, usize)> {
        find_tokens(bytes)
            .into_iter()
            .map(|f| (f.token, f.line))
            .collect()
    }

    /// A token-like string: a header, claims of `n` characters, a
    /// signature.
    fn token(n: usize) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiIsImtpZCI6IlQxIn0.eyJ{}.{}",
            "x".repeat(n),
            "s".repeat(43)
        )
    }

    #[test]
    fn tokens_are_found_the_same_in_pieces_as_whole() {
        // One per line, wrapped at 40 columns and quoted, quoted-printable,
        // with blank lines and prose between: at every piece size.
        let mut text = String::new();
        for i in 0..300 {
            let t = token(100 + i % 37);
            match i % 5 {
                0 => text.push_str(&format!("{t}\n")),
                1 => {
                    for chunk in t.as_bytes().chunks(40) {
                        text.push_str("> ");
                        text.push_str(std::str::from_utf8(chunk).unwrap());
                        text.push('\n');
                    }
                }
                2 => {
                    for chunk in t.as_bytes().chunks(75) {
                        text.push_str(std::str::from_utf8(chunk).unwrap());
                        text.push_str("=\n");
                    }
                    text.push('\n');
                }
                3 => text.push_str(&format!("Dear office,\n\nmy token is {t}\n\nThanks\n")),
                _ => text.push_str(&format!("e\nyJ{}\n", &t[3..])),
            }
        }
        let whole = found_whole(text.as_bytes());
        assert_eq!(whole.len(), 300);
        for piece in [1, 50, 333, 4096, 1 << 20] {
            assert_eq!(
                found_in_pieces(text.as_bytes(), piece),
                whole,
                "pieces of {piece} bytes"
            );
        }
    }

    #[test]
    fn a_token_across_a_read_boundary_is_found_once_and_whole() {
        let t = token(300);
        let text = format!("first line\n{t}\n{t}x\nlast line\n");
        // Reads of 7 bytes and pieces of 16 bytes: the tokens are always
        // split across reads, and a cut is only made before a token.
        let mut pieces = Pieces::sized(
            Trickle {
                bytes: text.as_bytes(),
                step: 7,
            },
            16,
        );
        let mut lines = Vec::new();
        while let Some((line, piece)) = pieces.next_piece().unwrap() {
            let piece = std::str::from_utf8(piece).unwrap();
            lines.push((line, piece.to_string()));
        }
        assert_eq!(
            lines,
            vec![
                (1, "first line\n".to_string()),
                (2, format!("{t}\n")),
                (3, format!("{t}x\nlast line\n")),
            ]
        );
    }

    #[test]
    fn a_soft_line_break_before_a_token_is_never_cut() {
        // Quoted-printable joins the two lines, so the whole text has one
        // run here; pieces must see the same.
        let (a, b) = (token(120), token(130));
        let text = format!("{}\n{a}=\n{b}\n", "x".repeat(40));
        let whole = found_whole(text.as_bytes());
        assert_eq!(whole.len(), 1, "{whole:?}");
        for piece in [1, 8, 64, 4096] {
            assert_eq!(
                found_in_pieces(text.as_bytes(), piece),
                whole,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn a_base64_part_is_never_cut() {
        use base64::Engine as _;
        let t = token(200);
        let body = base64::engine::general_purpose::STANDARD.encode(format!("{t}\n"));
        let mut text = String::from("Content-Transfer-Encoding: base64\n\n");
        for chunk in body.as_bytes().chunks(76) {
            text.push_str(std::str::from_utf8(chunk).unwrap());
            text.push('\n');
        }
        text.push_str(&format!("\n{t}\n"));
        let whole = found_whole(text.as_bytes());
        assert_eq!(whole.len(), 2, "{whole:?}");
        assert_eq!(found_in_pieces(text.as_bytes(), 10), whole);
    }

    #[test]
    fn the_head_and_the_rest_are_the_whole_input() {
        let text = b"From someone\nSubject: hi\n\nbody\n".repeat(1000);
        let mut pieces = Pieces::new(Trickle {
            bytes: &text,
            step: 100,
        });
        assert!(pieces.head().unwrap().starts_with(b"From someone"));
        assert_eq!(pieces.rest().unwrap(), text);
    }

    #[test]
    fn an_empty_input_has_no_pieces() {
        let mut pieces = Pieces::new(&b""[..]);
        assert!(pieces.next_piece().unwrap().is_none());
        assert_eq!(pieces.bytes_read(), 0);
    }
}
