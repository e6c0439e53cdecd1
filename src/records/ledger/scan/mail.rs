//! The transfer encodings of saved e-mails, undone so that the tokens in
//! them can be found: quoted-printable (lines broken with `=`, `=` itself
//! written `=3D`) and parts sent as base64.

use super::Meter;
use super::clean::Cleaned;

/// Quoted-printable soft line breaks (`=` at the end of a line) removed
/// and `=XX` escapes decoded.
pub(super) fn quoted_printable(input: &[u8], meter: &mut Meter) -> Cleaned<'static> {
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
    Cleaned {
        bytes: bytes.into(),
        lines,
    }
}

/// The value of one hex digit, either case.
fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// The decoded body of each base64 MIME part, with the line it starts on.
pub(super) fn base64_parts(input: &[u8], meter: &mut Meter) -> Vec<(usize, Vec<u8>)> {
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
