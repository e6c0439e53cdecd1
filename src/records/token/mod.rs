//! Completion tokens, format v2 (SPEC §5): the master key, each staff
//! member's key and personal code, and the signed JWT the course page makes
//! when someone finishes the course.
//!
//! The chain is: master key (32 random bytes, `.handbook/master.key`) →
//! staff key `K` (16 bytes, HMAC-SHA256 of the staff id under the master
//! key) → personal code (`K` and a 10-bit id check in Crockford base32 with
//! a check symbol, what the staff member is given) → signing key
//! `S = SHA-256(K)` → HS256 token.
//!
//! Verification is deliberately strict: exactly three base64url parts without
//! padding, the header byte for byte as handbook issues it, HS256 only, a
//! constant-time comparison of the MAC (the `hmac` crate's `verify_slice`),
//! and claims of exactly the expected names and types.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// The private folder under the site root (never committed, never published).
pub const PRIVATE_DIR: &str = ".handbook";

/// The master key file, relative to the site root.
pub const MASTER_KEY_FILE: &str = ".handbook/master.key";

/// The prefix of the message from which a staff key is derived.
pub const STAFF_KEY_CONTEXT: &str = "handbook/staff-key/v1:";

/// The prefix of the message from which a code's id check is derived.
pub const ID_CHECK_CONTEXT: &str = "handbook/id-check/v1:";

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
pub const CODE_SYMBOLS: usize = CODE_DATA_SYMBOLS + 1;

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
    pub fn generate() -> Result<MasterKey> {
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
    pub fn parse(text: &str) -> std::result::Result<MasterKey, String> {
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

    /// Loads `.handbook/master.key` under `root`.
    pub fn load(root: &Path) -> Result<MasterKey> {
        let path = root.join(MASTER_KEY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::input(
                    Diagnostic::error(MASTER_KEY_FILE, None, "there is no master key yet").help(
                        format!(
                            "run `handbook keys init` once to create it (looked in {}); \
                             if you had one, restore it from your backup copy",
                            path.display()
                        ),
                    ),
                ));
            }
            Err(err) => return Err(Error::reading(&path, err)),
        };
        MasterKey::parse(&text).map_err(|problem| {
            Error::input(
                Diagnostic::error(
                    MASTER_KEY_FILE,
                    Some(1),
                    format!("the master key {problem}"),
                )
                .help(
                    "restore the file from your backup: one line of 64 hex digits. \
                         Do not make a new key unless you mean to re-issue every code",
                ),
            )
        })
    }

    /// The staff key `K` for `id` at code `generation` (1 unless the
    /// person's code has been replaced).
    pub fn staff_key(&self, id: &str, generation: u32) -> StaffKey {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
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
/// with a check of their id, written for people.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct StaffKey([u8; 16]);

impl fmt::Debug for StaffKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaffKey(..)")
    }
}

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
    /// A staff key from its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> StaffKey {
        StaffKey(bytes)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The id check `c` for `kid` (the id as the person types it, `id#n`
    /// for a replaced code): the first 10 bits of
    /// HMAC-SHA256(K, `"handbook/id-check/v1:" + kid`).
    pub fn id_check(&self, kid: &str) -> u16 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(ID_CHECK_CONTEXT.as_bytes());
        mac.update(kid.as_bytes());
        let full = mac.finalize().into_bytes();
        (u16::from(full[0]) << 2) | (u16::from(full[1]) >> 6)
    }

    /// The personal code for `kid`: `N = K × 1024 + c` in 28 Crockford
    /// base32 symbols and the check symbol `N mod 37`, in groups of four
    /// joined by `-`, e.g. `7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C`.
    pub fn code(&self, kid: &str) -> String {
        let value = u128::from_be_bytes(self.0);
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
    pub fn parse_code(text: &str, kid: &str) -> std::result::Result<StaffKey, CodeError> {
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
        let key = StaffKey(value.to_be_bytes());
        if key.id_check(kid) != check {
            return Err(CodeError::DifferentId);
        }
        Ok(key)
    }

    /// The HS256 signing key `S = SHA-256(K)`.
    pub fn signing_key(&self) -> SigningKey {
        SigningKey(Sha256::digest(self.0).into())
    }
}

/// `N mod 37` for `N = K × 1024 + c` (N has 138 bits, more than a `u128`).
fn n_mod_37(key: u128, check: u16) -> usize {
    ((key % 37 * 1024 + u128::from(check)) % 37) as usize
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

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length")
    }
}

/// What a token says. Serialised in exactly this order, without spaces:
/// `{"iss","sub","iat","pv","mods","decl"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// The site id from `site.yaml`.
    pub iss: String,
    /// The staff id.
    pub sub: String,
    /// When the course was completed, in Unix seconds.
    pub iat: i64,
    /// The policy version id.
    pub pv: String,
    /// Module id → score in percent, in the order the course gives them.
    pub mods: Scores,
    /// True when the staff member signed the declaration.
    pub decl: bool,
}

/// Module scores in their original order (a JSON object of integers 0–100;
/// a module named twice is refused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scores(pub Vec<(String, i64)>);

impl Scores {
    /// The score for `module`, if present.
    pub fn get(&self, module: &str) -> Option<i64> {
        self.0.iter().find(|(m, _)| m == module).map(|(_, s)| *s)
    }

    /// As a compact JSON object, e.g. `{"scope":100,"behaviour":80}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }
}

impl Serialize for Scores {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (module, score) in &self.0 {
            map.serialize_entry(module, score)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Scores {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct ScoresVisitor;
        impl<'de> Visitor<'de> for ScoresVisitor {
            type Value = Scores;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of module scores (whole numbers 0 to 100)")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Scores, A::Error> {
                let mut scores: Vec<(String, i64)> = Vec::new();
                while let Some((module, score)) = map.next_entry::<String, i64>()? {
                    if !(0..=100).contains(&score) {
                        return Err(de::Error::custom(format!(
                            "score {score} for `{module}` is not a percentage"
                        )));
                    }
                    if scores.iter().any(|(m, _)| *m == module) {
                        return Err(de::Error::custom(format!(
                            "module `{module}` is given twice"
                        )));
                    }
                    scores.push((module, score));
                }
                Ok(Scores(scores))
            }
        }
        deserializer.deserialize_map(ScoresVisitor)
    }
}

/// The header handbook issues, byte for byte, for `kid`.
pub fn header_json(kid: &str) -> String {
    // serde_json escapes a string exactly as JavaScript's JSON.stringify does
    // for the characters an id can hold, so both sides agree on the bytes.
    let kid = serde_json::to_string(kid).unwrap_or_default();
    format!(r#"{{"alg":"HS256","typ":"JWT","kid":{kid}}}"#)
}

/// Signs `claims` as a token with header `kid` (used by tests, the benchmark
/// and tools; staff tokens are made by the course page).
pub fn sign(key: &SigningKey, kid: &str, claims: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(header_json(kid));
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let mut token = format!("{header}.{payload}");
    let tag = key
        .mac()
        .chain_update(token.as_bytes())
        .finalize()
        .into_bytes();
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(tag));
    token
}

/// Why a token could not be read as a handbook token (before any key is
/// involved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not three base64url parts, not JSON, cut short: the detail says which.
    Damaged(String),
    /// A well-formed JWT, but not signed the way handbook signs: another
    /// algorithm, `alg: none`, or a header that was changed.
    NotHandbook(String),
    /// Readable claims, but not the ones the course page writes: a claim
    /// missing, added, named twice or of the wrong type, a score out of
    /// range (the detail says which).
    BadClaims(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Damaged(detail)
            | DecodeError::NotHandbook(detail)
            | DecodeError::BadClaims(detail) => f.write_str(detail),
        }
    }
}

/// A token whose structure, header and claims have been read, but whose
/// signature has not yet been checked.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The header's `kid`.
    pub kid: String,
    /// The staff id `kid` names (`kid` without `#n`).
    pub kid_id: String,
    /// The code generation `kid` names (1 without `#n`).
    pub generation: u32,
    /// The claims.
    pub claims: Claims,
    signing_input: &'a str,
    signature: [u8; 32],
}

/// JSON as written, objects kept as lists of pairs so that a name given
/// twice is seen (serde_json's own map keeps the last silently, which is
/// how a forged token could show one value to one reader and another to
/// the next).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> std::result::Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
                Ok(Json::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
                Ok(Json::Int(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Json, E> {
                Ok(Json::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
                Ok(Json::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Json, E> {
                Ok(Json::Str(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Json, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Json::Object(pairs))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

impl Json {
    /// A short rendering for messages (a forged value may be long).
    fn shown(&self) -> String {
        let text = match self {
            Json::Null => "null".to_string(),
            Json::Bool(b) => b.to_string(),
            Json::Int(i) => i.to_string(),
            Json::Float(f) => serde_json::to_string(f).unwrap_or_else(|_| f.to_string()),
            Json::Str(s) => serde_json::to_string(s).unwrap_or_default(),
            Json::Array(_) => "a list".to_string(),
            Json::Object(_) => "an object".to_string(),
        };
        shorten(&text, 40)
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true or false",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::Str(_) => "text",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }
}

/// `text` cut to `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// The first name given twice in `pairs`, if any.
fn duplicate(pairs: &[(String, Json)]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    pairs
        .iter()
        .find(|(name, _)| !seen.insert(name.as_str()))
        .map(|(name, _)| name.as_str())
}

/// Decodes one part of a token strictly: base64url without padding, in
/// its canonical form (no stray bits in the last character, so one token
/// has exactly one spelling and cannot be imported twice under two).
fn part_bytes(text: &str, name: &str) -> std::result::Result<Vec<u8>, DecodeError> {
    use base64::DecodeError as B64;
    let damaged = |detail: String| Err(DecodeError::Damaged(detail));
    if text.is_empty() {
        return damaged(format!("its {name} is empty"));
    }
    if text.contains('=') {
        return damaged(format!(
            "its {name} is padded with `=`, which the course page never writes"
        ));
    }
    match URL_SAFE_NO_PAD.decode(text) {
        Ok(bytes) => Ok(bytes),
        Err(B64::InvalidLastSymbol { .. }) => damaged(format!(
            "its {name} is not in the one form base64url allows (its last character was changed)"
        )),
        Err(B64::InvalidByte(_, byte)) => damaged(format!(
            "its {name} contains `{}`, which is not used in tokens",
            (byte as char).escape_default()
        )),
        Err(B64::InvalidLength(_)) => damaged(format!(
            "its {name} has a length no token part can have (it may be cut short)"
        )),
        Err(B64::InvalidPadding) => damaged(format!(
            "its {name} is padded with `=`, which the course page never writes"
        )),
    }
}

/// Reads `token` strictly: exactly three base64url parts without padding,
/// the header exactly as handbook issues it (HS256 only), and claims of
/// exactly the names and types the course page writes. The signature is
/// checked by [`Decoded::verify`].
pub fn decode(token: &str) -> std::result::Result<Decoded<'_>, DecodeError> {
    let damaged = |detail: &str| DecodeError::Damaged(detail.to_string());
    let not_handbook = |detail: &str| DecodeError::NotHandbook(detail.to_string());
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(damaged(
            "it does not have the three parts of a token (it may be cut short)",
        ));
    };
    let header = part_bytes(header_b64, "first part")?;
    let Ok(Json::Object(fields)) = serde_json::from_slice::<Json>(&header) else {
        return Err(damaged("its first part is damaged (not a token header)"));
    };
    if let Some(name) = duplicate(&fields) {
        return Err(DecodeError::NotHandbook(format!(
            "its header names `{}` twice",
            shorten(name, 40)
        )));
    }
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let kid = match field("kid") {
        Some(Json::Str(kid)) => Some(kid.as_str()),
        _ => None,
    };
    if kid.map(header_json).as_deref().map(str::as_bytes) != Some(header.as_slice()) {
        return Err(match field("alg") {
            Some(Json::Str(alg)) if alg.eq_ignore_ascii_case("none") => {
                not_handbook("it is not signed at all (alg \"none\")")
            }
            Some(Json::Str(alg)) if alg != "HS256" => DecodeError::NotHandbook(format!(
                "it uses another algorithm ({}) than handbook's HS256",
                shorten(alg, 20)
            )),
            _ if field("kid").is_none() => not_handbook("its header has no key id (kid)"),
            _ => not_handbook("its header was changed"),
        });
    }
    let kid = kid.unwrap_or_default().to_string();
    let (kid_id, generation) =
        split_kid(&kid).ok_or_else(|| not_handbook("its key id (kid) was changed"))?;
    let payload = part_bytes(payload_b64, "middle part")?;
    let claims = match serde_json::from_slice::<Json>(&payload) {
        Ok(json) => claims_from(json)?,
        Err(_) => {
            return Err(damaged(
                "its middle part is damaged (not the JSON a token holds)",
            ));
        }
    };
    // An HS256 signature is 32 bytes: 43 characters.
    match signature_b64.len() {
        _ if signature_b64.contains('=') => {}
        0 => return Err(damaged("it has no signature")),
        n if n < 43 => return Err(damaged("its signature is cut short")),
        n if n > 43 => {
            return Err(damaged(
                "its signature is too long to be an HS256 signature",
            ));
        }
        _ => {}
    }
    let signature = <[u8; 32]>::try_from(part_bytes(signature_b64, "signature")?)
        .map_err(|_| damaged("its signature is cut short"))?;
    let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
    Ok(Decoded {
        kid_id: kid_id.to_string(),
        generation,
        kid,
        claims,
        signing_input,
        signature,
    })
}

/// The claims the course page writes, each checked for its type, with a
/// reason naming the claim when one is wrong.
fn claims_from(json: Json) -> std::result::Result<Claims, DecodeError> {
    let bad = |detail: String| DecodeError::BadClaims(detail);
    let Json::Object(pairs) = json else {
        return Err(bad(format!(
            "its contents are {}, not the object of claims a token holds",
            json.kind()
        )));
    };
    if let Some(name) = duplicate(&pairs) {
        return Err(bad(format!(
            "its contents name `{}` twice",
            shorten(name, 40)
        )));
    }
    const NAMES: [&str; 6] = ["iss", "sub", "iat", "pv", "mods", "decl"];
    if let Some((name, _)) = pairs.iter().find(|(n, _)| !NAMES.contains(&n.as_str())) {
        return Err(bad(format!(
            "it has a claim the course page never writes (`{}`)",
            shorten(name, 40)
        )));
    }
    let mut pairs = pairs;
    let mut take = |name: &str| -> std::result::Result<Json, DecodeError> {
        match pairs.iter().position(|(n, _)| n == name) {
            Some(i) => Ok(pairs.swap_remove(i).1),
            None => Err(bad(format!("it has no `{name}` claim"))),
        }
    };
    let text = |name: &str, value: Json| match value {
        Json::Str(s) => Ok(s),
        other => Err(bad(format!("`{name}` is {}, not text", other.shown()))),
    };
    let iss = text("iss", take("iss")?)?;
    let sub = text("sub", take("sub")?)?;
    let iat = match take("iat")? {
        Json::Int(i) => i64::try_from(i).map_err(|_| {
            bad(format!(
                "`iat` (the completion time) is {i}, beyond any date"
            ))
        })?,
        other => {
            return Err(bad(format!(
                "`iat` (the completion time) is {}, not a whole number of seconds",
                other.shown()
            )));
        }
    };
    let pv = text("pv", take("pv")?)?;
    let Json::Object(modules) = take("mods")? else {
        return Err(bad("`mods` is not an object of module scores".to_string()));
    };
    if let Some(name) = duplicate(&modules) {
        return Err(bad(format!(
            "`mods` names module `{}` twice",
            shorten(name, 40)
        )));
    }
    let mut scores = Vec::with_capacity(modules.len());
    for (module, score) in modules {
        match score {
            Json::Int(s) if (0..=100).contains(&s) => scores.push((module, s as i64)),
            other => {
                return Err(bad(format!(
                    "the score for `{}` is {}, not a whole number from 0 to 100",
                    shorten(&module, 40),
                    other.shown()
                )));
            }
        }
    }
    let decl = match take("decl")? {
        Json::Bool(b) => b,
        other => {
            return Err(bad(format!(
                "`decl` (the declaration) is {}, not true or false",
                other.shown()
            )));
        }
    };
    Ok(Claims {
        iss,
        sub,
        iat,
        pv,
        mods: Scores(scores),
        decl,
    })
}

/// Splits a `kid` into staff id and generation: `T042` → (`T042`, 1),
/// `T042#3` → (`T042`, 3). `#1`, `#0`, leading zeros and non-numbers are not
/// what handbook writes, so they give `None`.
pub fn split_kid(kid: &str) -> Option<(&str, u32)> {
    match kid.rsplit_once('#') {
        None => Some((kid, 1)),
        Some((id, n)) => {
            if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let generation: u32 = n.parse().ok()?;
            (generation >= 2 && !id.contains('#')).then_some((id, generation))
        }
    }
}

impl Decoded<'_> {
    /// Checks the signature under `key` in constant time.
    pub fn verify(&self, key: &SigningKey) -> bool {
        key.mac()
            .chain_update(self.signing_input.as_bytes())
            .verify_slice(&self.signature)
            .is_ok()
    }
}

/// SHA-256 of `bytes` as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The master key file under `root`.
pub fn master_key_path(root: &Path) -> PathBuf {
    root.join(MASTER_KEY_FILE)
}

/// Makes `.handbook/` under `root` if needed, with a `.gitignore` of `*` so
/// that nothing in it (key, roster, ledger) is ever committed.
pub fn ensure_private_dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join(PRIVATE_DIR);
    // Only the owner may look inside, even if the folder was made by hand.
    crate::util::fs::private_dir(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# handbook's private files: the master key, roster and ledger. Never commit them.\n*\n",
        )
        .map_err(|err| Error::writing(&ignore, err))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlQwNDIifQ.eyJpc3MiOiJleGFtcGxlLXNjaG9vbC9zb2NpYWwtbWVkaWEiLCJzdWIiOiJUMDQyIiwiaWF0IjoxNzY3MjI1NjAwLCJwdiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJtb2RzIjp7InNjb3BlIjoxMDAsImJlaGF2aW91ciI6ODB9LCJkZWNsIjp0cnVlfQ.AJHXIYBgruQJQEl0-HN6Vgut1XzXS9ju_nErHdUPV4c";

    fn vector_master() -> MasterKey {
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        MasterKey::from_bytes(bytes)
    }

    fn vector_claims() -> Claims {
        Claims {
            iss: "example-school/social-media".to_string(),
            sub: "T042".to_string(),
            iat: 1767225600,
            pv: "0123456789abcdef".to_string(),
            mods: Scores(vec![
                ("scope".to_string(), 100),
                ("behaviour".to_string(), 80),
            ]),
            decl: true,
        }
    }

    const VECTOR_CODE: &str = "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C";

    #[test]
    fn spec_test_vector() {
        let key = vector_master().staff_key("T042", 1);
        assert_eq!(hex(key.as_bytes()), "f57a0f5366a35fc3839664630a69fd3e");
        assert_eq!(key.id_check("T042"), 441);
        assert_eq!(key.code("T042"), VECTOR_CODE);
        assert_eq!(vector_master().staff_code("T042", 1), VECTOR_CODE);
        // The same key with id T043: only the id check and the check
        // symbol differ.
        assert_eq!(key.code("T043"), "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YPG-*");
        let signing = key.signing_key();
        assert_eq!(
            hex(signing.as_bytes()),
            "9972ce1f8d905b065b3307328e34a7ed2ee885de221ad3a78ce1eceee90af5b4"
        );
        assert_eq!(
            serde_json::to_string(&vector_claims()).unwrap(),
            r#"{"iss":"example-school/social-media","sub":"T042","iat":1767225600,"pv":"0123456789abcdef","mods":{"scope":100,"behaviour":80},"decl":true}"#
        );
        assert_eq!(sign(&signing, "T042", &vector_claims()), VECTOR_TOKEN);
        let decoded = decode(VECTOR_TOKEN).unwrap();
        assert_eq!(decoded.kid, "T042");
        assert_eq!(decoded.generation, 1);
        assert_eq!(decoded.claims, vector_claims());
        assert!(decoded.verify(&signing));
    }

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

    #[test]
    fn generations_give_different_keys_and_kids() {
        let master = vector_master();
        assert_ne!(master.staff_key("T042", 1), master.staff_key("T042", 2));
        assert_eq!(master.staff_key("T042", 1), master.staff_key("T042", 0));
        assert_eq!(kid("T042", 1), "T042");
        assert_eq!(kid("T042", 2), "T042#2");
        assert_eq!(split_kid("T042#2"), Some(("T042", 2)));
        assert_eq!(split_kid("T042"), Some(("T042", 1)));
        for bad in ["T042#1", "T042#02", "T042#x", "T042#", "a#b#2"] {
            assert_eq!(split_kid(bad), None, "{bad}");
        }
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

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    #[test]
    fn strict_decoding_rejects_what_handbook_does_not_issue() {
        let parts: Vec<&str> = VECTOR_TOKEN.split('.').collect();
        let (payload, sig) = (parts[1], parts[2]);
        let not_handbook = |token: String| match decode(&token) {
            Err(DecodeError::NotHandbook(detail)) => detail,
            other => panic!("{token}: {other:?}"),
        };
        let damaged = |token: &str| match decode(token) {
            Err(DecodeError::Damaged(detail)) => detail,
            other => panic!("{token}: {other:?}"),
        };
        let none = b64(r#"{"alg":"none","typ":"JWT","kid":"T042"}"#);
        assert!(not_handbook(format!("{none}.{payload}.")).contains("none"));
        let hs512 = b64(r#"{"alg":"HS512","typ":"JWT","kid":"T042"}"#);
        assert!(not_handbook(format!("{hs512}.{payload}.{sig}")).contains("HS512"));
        let spaced = b64(r#"{"alg":"HS256", "typ":"JWT","kid":"T042"}"#);
        assert!(not_handbook(format!("{spaced}.{payload}.{sig}")).contains("header"));
        let reordered = b64(r#"{"typ":"JWT","alg":"HS256","kid":"T042"}"#);
        assert!(not_handbook(format!("{reordered}.{payload}.{sig}")).contains("header"));
        let no_kid = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        assert!(not_handbook(format!("{no_kid}.{payload}.{sig}")).contains("header"));
        let bad_kid = b64(r#"{"alg":"HS256","typ":"JWT","kid":"T042#1"}"#);
        assert!(not_handbook(format!("{bad_kid}.{payload}.{sig}")).contains("kid"));

        let dup = b64(r#"{"alg":"HS256","alg":"none","typ":"JWT","kid":"T042"}"#);
        assert_eq!(
            not_handbook(format!("{dup}.{payload}.{sig}")),
            "its header names `alg` twice"
        );
        assert_eq!(
            not_handbook(format!("{no_kid}.{payload}.{sig}")),
            "its header has no key id (kid)"
        );

        assert_eq!(
            damaged(&VECTOR_TOKEN[..VECTOR_TOKEN.len() - 5]),
            "its signature is cut short"
        );
        assert!(damaged(&VECTOR_TOKEN[..100]).contains("three parts"));
        assert!(damaged(&format!("{VECTOR_TOKEN}.x")).contains("three parts"));
        assert_eq!(
            damaged(&format!("{VECTOR_TOKEN}=")),
            "its signature is padded with `=`, which the course page never writes"
        );
        assert!(damaged(&VECTOR_TOKEN.replace("eyJpc3", "eyJpc3!")).contains("`!`"));
        let header = parts[0];
        assert_eq!(
            damaged(&format!("{header}=.{payload}.{sig}")),
            "its first part is padded with `=`, which the course page never writes"
        );
        // The same bytes spelt another way (stray bits in the last symbol):
        // one token must have one spelling, or it could be imported twice.
        let mut respelt = sig.to_string();
        respelt.pop();
        respelt.push('d');
        assert_eq!(
            damaged(&format!("{header}.{payload}.{respelt}")),
            "its signature is not in the one form base64url allows (its last character was \
             changed)"
        );
        let mut payload_respelt = payload.to_string();
        let last = payload_respelt.pop().unwrap();
        payload_respelt.push(if last == 'Q' { 'R' } else { 'Q' });
        assert!(
            damaged(&format!("{header}.{payload_respelt}.{sig}"))
                .contains("middle part is not in the one form base64url allows"),
        );
        assert_eq!(
            damaged(&format!("{header}.{}.{sig}", b64("not json"))),
            "its middle part is damaged (not the JSON a token holds)"
        );
        let long_sig = URL_SAFE_NO_PAD.encode([7u8; 64]);
        assert_eq!(
            damaged(&format!("{header}.{payload}.{long_sig}")),
            "its signature is too long to be an HS256 signature"
        );
        assert_eq!(
            damaged(&format!("{header}.{payload}.")),
            "it has no signature"
        );

        // Claims of the wrong type, named twice, or with extra names.
        let bad_claims = |claims: &str| match decode(&format!("{header}.{}.{sig}", b64(claims))) {
            Err(DecodeError::BadClaims(detail)) => detail,
            other => panic!("{claims}: {other:?}"),
        };
        for (claims, detail) in [
            (
                r#"{"iss":"x","sub":"T042","iat":"1767225600","pv":"p","mods":{},"decl":true}"#,
                "`iat` (the completion time) is \"1767225600\", not a whole number of seconds",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1767225600.5,"pv":"p","mods":{},"decl":true}"#,
                "`iat` (the completion time) is 1767225600.5, not a whole number of seconds",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":18446744073709551615,"pv":"p","mods":{},"decl":true}"#,
                "`iat` (the completion time) is 18446744073709551615, beyond any date",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":101},"decl":true}"#,
                "the score for `a` is 101, not a whole number from 0 to 100",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":-1},"decl":true}"#,
                "the score for `a` is -1, not a whole number from 0 to 100",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":1e3},"decl":true}"#,
                "the score for `a` is 1000.0, not a whole number from 0 to 100",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":80.5},"decl":true}"#,
                "the score for `a` is 80.5, not a whole number from 0 to 100",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":"100"},"decl":true}"#,
                "the score for `a` is \"100\", not a whole number from 0 to 100",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{"a":1,"a":2},"decl":true}"#,
                "`mods` names module `a` twice",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":[],"decl":true}"#,
                "`mods` is not an object of module scores",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{},"decl":"yes"}"#,
                "`decl` (the declaration) is \"yes\", not true or false",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{},"decl":true,"exp":2}"#,
                "it has a claim the course page never writes (`exp`)",
            ),
            (
                r#"{"iss":"x","sub":"T042","iat":1,"pv":"p","mods":{}}"#,
                "it has no `decl` claim",
            ),
            (
                r#"{"iss":"x","sub":"T042","sub":"T043","iat":1,"pv":"p","mods":{},"decl":true}"#,
                "its contents name `sub` twice",
            ),
            (
                r#"{"iss":"x","sub":42,"iat":1,"pv":"p","mods":{},"decl":true}"#,
                "`sub` is 42, not text",
            ),
            (
                r#"["T042"]"#,
                "its contents are a list, not the object of claims a token holds",
            ),
        ] {
            assert_eq!(bad_claims(claims), detail, "{claims}");
        }
    }

    #[test]
    fn tampering_breaks_the_signature() {
        let signing = vector_master().staff_key("T042", 1).signing_key();
        let mut claims = vector_claims();
        claims.mods.0[1].1 = 100;
        let forged = sign(&signing, "T042", &claims);
        let parts: Vec<&str> = VECTOR_TOKEN.split('.').collect();
        let mixed = format!(
            "{}.{}.{}",
            parts[0],
            forged.split('.').nth(1).unwrap(),
            parts[2]
        );
        assert!(!decode(&mixed).unwrap().verify(&signing));
        let other = vector_master().staff_key("T043", 1).signing_key();
        assert!(!decode(VECTOR_TOKEN).unwrap().verify(&other));
    }
}
