//! The keys of the chain: the master key (and its one-line text form, as
//! kept in `master.key` and on paper), each staff member's key `K` derived
//! from it, and the HS256 signing key `S = SHA-256(K)` their tokens carry.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub(super) type HmacSha256 = Hmac<Sha256>;

/// The prefix of the message from which a staff key is derived.
const STAFF_KEY_CONTEXT: &str = "handbook/staff-key/v1:";

/// An HMAC-SHA256 under `key` (HMAC takes a key of any length).
pub(super) fn hmac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC takes any key length")
}

/// The secret from which every staff key is derived.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A master key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        MasterKey(bytes)
    }

    /// 32 fresh bytes from the operating system's random number generator.
    pub(crate) fn generate() -> Result<MasterKey> {
        use rand::TryRng as _;
        let mut bytes = [0u8; 32];
        rand::rngs::SysRng
            .try_fill_bytes(&mut bytes)
            .map_err(|err| {
                Error::io(
                    "asking the operating system for random bytes",
                    std::io::Error::other(err.to_string()),
                )
            })?;
        Ok(MasterKey(bytes))
    }

    /// The key as stored in `master.key`: 64 lower-case hex digits and a
    /// newline.
    pub fn to_file_text(&self) -> String {
        let mut text = hex(&self.0);
        text.push('\n');
        text
    }

    /// Reads the text of a `master.key` file. Surrounding white space is
    /// ignored, and upper-case digits are accepted (a key typed back in from
    /// a paper copy); anything else is an error saying what is wrong.
    pub(crate) fn parse(text: &str) -> std::result::Result<MasterKey, String> {
        let digits: String = text.split_whitespace().collect();
        if digits.len() != 64 {
            return Err(format!(
                "holds {} hex digits; a master key is exactly 64",
                digits.len()
            ));
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in digits.as_bytes().chunks(2).enumerate() {
            let (Some(hi), Some(lo)) = (hex_value(pair[0]), hex_value(pair[1])) else {
                return Err("holds a character that is not a hex digit (0-9, a-f)".to_string());
            };
            bytes[i] = hi << 4 | lo;
        }
        Ok(MasterKey(bytes))
    }

    /// The staff key `K` for `id` at code `generation` (1 unless the
    /// person's code has been replaced).
    pub fn staff_key(&self, id: &str, generation: u32) -> StaffKey {
        let mut mac = hmac(&self.0);
        mac.update(STAFF_KEY_CONTEXT.as_bytes());
        mac.update(id.as_bytes());
        if generation >= 2 {
            mac.update(format!("#{generation}").as_bytes());
        }
        let full = mac.finalize().into_bytes();
        let mut key = [0u8; 16];
        key.copy_from_slice(&full[..16]);
        StaffKey(key)
    }

    /// The personal code of `id` at code `generation`, as printed on their
    /// letter (its id check is made for [`kid`]`(id, generation)`).
    pub fn staff_code(&self, id: &str, generation: u32) -> String {
        self.staff_key(id, generation).code(&kid(id, generation))
    }
}

/// The `kid` of a token: the staff id, with `#n` for code generation n ≥ 2.
pub fn kid(id: &str, generation: u32) -> String {
    if generation >= 2 {
        format!("{id}#{generation}")
    } else {
        id.to_string()
    }
}

/// One staff member's 16-byte key `K`; their personal code is this key,
/// with a check of their id, written for people (see `code`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct StaffKey([u8; 16]);

impl fmt::Debug for StaffKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaffKey(..)")
    }
}

impl StaffKey {
    /// A staff key from its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> StaffKey {
        StaffKey(bytes)
    }

    /// The key's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The HS256 signing key `S = SHA-256(K)`.
    pub fn signing_key(&self) -> SigningKey {
        SigningKey(Sha256::digest(self.0).into())
    }
}

/// The 32-byte HS256 key a staff member's tokens are signed with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A MAC under this key, to sign or verify a token.
    pub(super) fn mac(&self) -> HmacSha256 {
        hmac(&self.0)
    }
}

/// Lower-case hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The value of one hex digit, either case.
fn hex_value(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::super::tests::vector_master;
    use super::*;

    #[test]
    fn generations_give_different_keys_and_kids() {
        let master = vector_master();
        assert_ne!(master.staff_key("T042", 1), master.staff_key("T042", 2));
        assert_eq!(master.staff_key("T042", 1), master.staff_key("T042", 0));
        assert_eq!(kid("T042", 1), "T042");
        assert_eq!(kid("T042", 2), "T042#2");
    }

    #[test]
    fn master_key_text_round_trips() {
        let master = vector_master();
        let text = master.to_file_text();
        assert_eq!(
            text,
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
        );
        assert_eq!(MasterKey::parse(&text).unwrap(), master);
        assert_eq!(MasterKey::parse(&text.to_uppercase()).unwrap(), master);
        assert!(
            MasterKey::parse("abc")
                .unwrap_err()
                .contains("3 hex digits")
        );
        assert!(MasterKey::parse(&text.replace('a', "g")).is_err());
        assert_ne!(
            MasterKey::generate().unwrap(),
            MasterKey::generate().unwrap()
        );
    }
}
