//! What mail programs and web pages put inside a long word, taken out:
//! invisible characters, `<wbr>` tags and the HTML entities of a token's
//! characters or of invisible ones, keeping a map from the cleaned text
//! back to the lines of the original.

use std::borrow::Cow;

use super::{Meter, is_run_byte};

/// True for characters that show as nothing: soft hyphens, zero-width
/// spaces and joiners, direction marks and overrides, word joiners and
/// invisible operators, variation selectors, byte-order marks and tags.
/// Mail programs put some of them inside long words so they can wrap.
pub(crate) fn is_invisible(c: char) -> bool {
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

/// Cleaned text, and a map back to original lines.
pub(super) struct Cleaned<'a> {
    /// The input itself when there was nothing to clean (a list of tokens,
    /// most text): a large import copies nothing.
    pub(super) bytes: Cow<'a, [u8]>,
    /// (offset in `bytes`, original line from there on), ascending.
    pub(super) lines: Vec<(usize, usize)>,
}

impl<'a> Cleaned<'a> {
    pub(super) fn new(input: &'a [u8], meter: &mut Meter) -> Cleaned<'a> {
        // ASCII with no `=`, `&` or `<` holds no quoted-printable, no
        // entity, no tag and no invisible character.
        meter.tick(input.len());
        if input.is_ascii() && memchr::memchr3(b'=', b'&', b'<', input).is_none() {
            return Cleaned {
                lines: line_starts(input, meter),
                bytes: Cow::Borrowed(input),
            };
        }
        let decoded = super::mail::quoted_printable(input, meter);
        strip_decorations(&decoded, meter)
    }

    pub(super) fn line_at(&self, offset: usize, meter: &mut Meter) -> usize {
        meter.tick(self.lines.len().max(1).ilog2() as usize + 1);
        let i = self.lines.partition_point(|&(o, _)| o <= offset);
        self.lines[i.saturating_sub(1)].1
    }
}

/// Where each line of `input` starts: (offset, line), from (0, 1).
pub(super) fn line_starts(input: &[u8], meter: &mut Meter) -> Vec<(usize, usize)> {
    meter.tick(input.len());
    let mut lines = vec![(0, 1)];
    lines.extend(
        memchr::memchr_iter(b'\n', input)
            .enumerate()
            .map(|(i, at)| (at + 1, i + 2)),
    );
    lines
}

/// Invisible characters, `<wbr>` tags and the HTML entities of token
/// characters or invisible ones, taken out of `text` (newlines are kept,
/// so the line map carries over).
fn strip_decorations(text: &Cleaned<'_>, meter: &mut Meter) -> Cleaned<'static> {
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
    Cleaned {
        bytes: Cow::Owned(bytes),
        lines,
    }
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
