//! The personal code: a staff key `K` and a 10-bit check of the person's
//! id, written in Crockford base32 with a check symbol so that people can
//! type it, and read back forgivingly (case, `-`, spaces, look-alike
//! letters) but strictly (a typing mistake, or a code made for another id,
//! is refused and said to be so).

use std::fmt;

use hmac::Mac as _;

use super::keys::{StaffKey, hmac};

/// The prefix of the message from which a code's id check is derived.
const ID_CHECK_CONTEXT: &str = "handbook/id-check/v1:";

/// Crockford's base32 alphabet (the 32 data symbols).
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford's 37 check symbols: the 32 data symbols and `*~$=U`.
const CHECK_SYMBOLS: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// Data symbols in a code: `N = K × 1024 + c` is 138 bits, zero-padded to
/// 140 (28 × 5).
const CODE_DATA_SYMBOLS: usize = 28;

/// Symbols of `K` in a code (128 bits, zero-padded to 130); the last two
/// data symbols are exactly the 10 bits of the id check.
const KEY_SYMBOLS: usize = 26;

/// Symbols in a whole code: the data symbols and one check symbol.
const CODE_SYMBOLS: usize = CODE_DATA_SYMBOLS + 1;

/// Why a typed code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// A character that codes never use.
    BadCharacter(char),
    /// Too few or too many symbols (the count typed is given).
    WrongLength(usize),
    /// The symbols do not make a code (the first is above 7).
    OutOfRange,
    /// The check symbol does not match: a typing mistake.
    CheckFailed,
    /// A well-typed code whose id check does not match the id: it was made
    /// for someone else (or the id was mistyped).
    DifferentId,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::BadCharacter(c) => write!(f, "`{c}` is not used in personal codes"),
            CodeError::WrongLength(n) => write!(
                f,
                "a personal code has {CODE_SYMBOLS} letters and digits, but {n} were given"
            ),
            CodeError::OutOfRange => {
                f.write_str("this is not a personal code (it cannot start with that character)")
            }
            CodeError::CheckFailed => f.write_str(
                "the code has a typing mistake: its last character does not match the rest",
            ),
            CodeError::DifferentId => f.write_str(
                "this code belongs to a different staff id; check the id on your letter",
            ),
        }
    }
}

impl std::error::Error for CodeError {}

impl StaffKey {
    /// The id check `c` for `kid` (the id as the person types it, `id#n`
    /// for a replaced code): the first 10 bits of
    /// HMAC-SHA256(K, `"handbook/id-check/v1:" + kid`).
    pub(crate) fn id_check(&self, kid: &str) -> u16 {
        let mut mac = hmac(self.as_bytes());
        mac.update(ID_CHECK_CONTEXT.as_bytes());
        mac.update(kid.as_bytes());
        let full = mac.finalize().into_bytes();
        (u16::from(full[0]) << 2) | (u16::from(full[1]) >> 6)
    }

    /// The personal code for `kid`: `N = K × 1024 + c` in 28 Crockford
    /// base32 symbols and the check symbol `N mod 37`, in groups of four
    /// joined by `-`, e.g. `7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C`.
    pub fn code(&self, kid: &str) -> String {
        let value = u128::from_be_bytes(*self.as_bytes());
        let check = self.id_check(kid);
        let mut symbols = Vec::with_capacity(CODE_SYMBOLS);
        for i in (0..KEY_SYMBOLS).rev() {
            // 26 × 5 = 130 bits: the top two are always zero.
            let shift = 5 * i as u32;
            let digit = if shift >= 128 {
                0
            } else {
                (value >> shift) & 31
            };
            symbols.push(CROCKFORD[digit as usize]);
        }
        // N's low 10 bits are c: its last two data symbols.
        symbols.push(CROCKFORD[usize::from(check >> 5)]);
        symbols.push(CROCKFORD[usize::from(check & 31)]);
        symbols.push(CHECK_SYMBOLS[n_mod_37(value, check)]);
        symbols
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a personal code as typed for `kid` (the id as the person types
    /// it, `id#n` for a replaced code): case does not matter, `-` and spaces
    /// are ignored, and Crockford's aliases are accepted (`I`/`L` for `1`,
    /// `O` for `0`). A wrong check symbol is a typing mistake
    /// ([`CodeError::CheckFailed`]); a well-typed code made for another id
    /// is [`CodeError::DifferentId`].
    ///
    /// The course page checks codes the same way in JavaScript; handbook
    /// itself never reads one back, so this is the Rust statement of that
    /// check, which the tests hold the issued codes and letters to.
    pub fn parse_code(text: &str, kid: &str) -> Result<StaffKey, CodeError> {
        let symbols = symbol_values(text)?;
        let (data, check_symbol) = symbols.split_at(CODE_DATA_SYMBOLS);
        if data[0] > 7 {
            return Err(CodeError::OutOfRange);
        }
        if let Some(&digit) = data.iter().find(|&&d| d >= 32) {
            // A check-only symbol (`*~$=U`) in the data part.
            return Err(CodeError::BadCharacter(CHECK_SYMBOLS[digit] as char));
        }
        let (key_part, check_part) = data.split_at(KEY_SYMBOLS);
        let value = key_part
            .iter()
            .fold(0u128, |value, &digit| value << 5 | digit as u128);
        let check = (check_part[0] as u16) << 5 | check_part[1] as u16;
        if n_mod_37(value, check) != check_symbol[0] {
            return Err(CodeError::CheckFailed);
        }
        let key = StaffKey::from_bytes(value.to_be_bytes());
        if key.id_check(kid) != check {
            return Err(CodeError::DifferentId);
        }
        Ok(key)
    }
}

/// The value of each symbol typed (0–36), aliases read as what they stand
/// for and separators skipped; exactly [`CODE_SYMBOLS`] of them.
fn symbol_values(text: &str) -> Result<Vec<usize>, CodeError> {
    let mut symbols = Vec::with_capacity(CODE_SYMBOLS);
    for c in text.chars() {
        if c == '-' || c.is_whitespace() {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        };
        let Some(value) = CHECK_SYMBOLS.iter().position(|&s| s as char == c) else {
            return Err(CodeError::BadCharacter(c));
        };
        symbols.push(value);
    }
    if symbols.len() != CODE_SYMBOLS {
        return Err(CodeError::WrongLength(symbols.len()));
    }
    Ok(symbols)
}

/// `N mod 37` for `N = K × 1024 + c` (N has 138 bits, more than a `u128`).
fn n_mod_37(key: u128, check: u16) -> usize {
    ((key % 37 * 1024 + u128::from(check)) % 37) as usize
}

#[cfg(test)]
mod tests {
    use super::super::tests::{VECTOR_CODE, vector_master};
    use super::*;

    #[test]
    fn code_parsing_is_forgiving_about_form_and_strict_about_content() {
        let key = vector_master().staff_key("T042", 1);
        for typed in [
            VECTOR_CODE,
            "7nf87n6sn3bz1r75k4cc56kz9ydsc",
            " 7nf8 7n6s n3bz ir75 k4cc 56kz 9yds c ",
            "7NF8-7N6S-N3BZ-LR75-K4CC-56KZ-9YDS-C",
        ] {
            assert_eq!(StaffKey::parse_code(typed, "T042"), Ok(key), "{typed}");
        }
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-D", "T042"),
            Err(CodeError::CheckFailed)
        );
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS", "T042"),
            Err(CodeError::WrongLength(28))
        );
        // The old 27-symbol codes are simply too short.
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9Y8", "T042"),
            Err(CodeError::WrongLength(27))
        );
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9!DS-C", "T042"),
            Err(CodeError::BadCharacter('!'))
        );
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9*DS-C", "T042"),
            Err(CodeError::BadCharacter('*'))
        );
        assert_eq!(
            StaffKey::parse_code("8NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C", "T042"),
            Err(CodeError::OutOfRange)
        );
        // A swap of two neighbours is caught by the check symbol.
        assert_eq!(
            StaffKey::parse_code("7NF8-7N6S-N3BZ-1R75-K4CC-65KZ-9YDS-C", "T042"),
            Err(CodeError::CheckFailed)
        );
    }

    #[test]
    fn a_code_typed_with_another_id_is_refused_as_such() {
        // T042's code typed with T043: well formed, but not T043's.
        assert_eq!(
            StaffKey::parse_code(VECTOR_CODE, "T043"),
            Err(CodeError::DifferentId)
        );
        assert!(
            CodeError::DifferentId
                .to_string()
                .contains("belongs to a different staff id")
        );
        // A replaced code's check is made for `id#n`: the bare id fails.
        let master = vector_master();
        let second = master.staff_code("T042", 2);
        assert_eq!(
            StaffKey::parse_code(&second, "T042#2"),
            Ok(master.staff_key("T042", 2))
        );
        assert_eq!(
            StaffKey::parse_code(&second, "T042"),
            Err(CodeError::DifferentId)
        );
        // Over many ids, a code is only ever accepted with its own id
        // (bar the 1 in 1024 whose 10-bit check collides, and those are
        // still rejected at import: their key signs nothing valid).
        let collisions = (0..2000)
            .filter(|n| StaffKey::parse_code(VECTOR_CODE, &format!("S{n:04}")).is_ok())
            .count();
        assert!(collisions < 10, "{collisions} of 2000 ids accepted");
    }

    #[test]
    fn codes_round_trip_at_the_edges() {
        for bytes in [[0u8; 16], [0xff; 16], [0x80; 16], [1; 16]] {
            let key = StaffKey::from_bytes(bytes);
            for kid in ["T1", "jo.smith@school.example#3", "Zoë"] {
                let code = key.code(kid);
                assert_eq!(code.len(), 29 + 7, "{code}");
                assert_eq!(code.matches('-').count(), 7, "{code}");
                assert_eq!(StaffKey::parse_code(&code, kid), Ok(key), "{code}");
            }
        }
    }
}
