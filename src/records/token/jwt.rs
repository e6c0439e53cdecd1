//! The token format: the claims, the header handbook issues, signing,
//! and the strict reading of a token (structure, header and claims) whose
//! signature `Decoded::verify` then checks in constant time.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::json::{Json, duplicate, shorten};
use super::keys::SigningKey;

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
    pub(crate) fn get(&self, module: &str) -> Option<i64> {
        self.0.iter().find(|(m, _)| m == module).map(|(_, s)| *s)
    }

    /// As a compact JSON object, e.g. `{"scope":100,"behaviour":80}`.
    pub(crate) fn to_json(&self) -> String {
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
pub(crate) enum DecodeError {
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
pub(crate) struct Decoded<'a> {
    /// The staff id `kid` names (`kid` without `#n`).
    pub(crate) kid_id: String,
    /// The code generation `kid` names (1 without `#n`).
    pub(crate) generation: u32,
    /// The claims.
    pub(crate) claims: Claims,
    signing_input: &'a str,
    signature: [u8; 32],
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
pub(crate) fn decode(token: &str) -> std::result::Result<Decoded<'_>, DecodeError> {
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
    let (kid_id, generation) = split_kid(kid.unwrap_or_default())
        .ok_or_else(|| not_handbook("its key id (kid) was changed"))?;
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
pub(super) fn split_kid(kid: &str) -> Option<(&str, u32)> {
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
    pub(crate) fn verify(&self, key: &SigningKey) -> bool {
        key.mac()
            .chain_update(self.signing_input.as_bytes())
            .verify_slice(&self.signature)
            .is_ok()
    }
}

/// The SHA-256 of a token: how the ledger knows a token it has already
/// recorded (stored as these 32 bytes; written as hex where people or
/// JSON see it).
pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}
