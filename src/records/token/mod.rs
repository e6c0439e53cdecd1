//! Completion tokens, format v2 (SPEC §5). Takes the master key's bytes
//! and a staff id; gives each staff member's key and personal code, and
//! reads and checks the signed JWT the course page makes when someone
//! finishes the course. No file is read or written here (the master key
//! is stored by [`crate::records::private`]).
//!
//! The chain is: master key (32 random bytes) → staff key `K` (16 bytes,
//! HMAC-SHA256 of the staff id under the master key) → personal code (`K`
//! and a 10-bit id check in Crockford base32 with a check symbol, what the
//! staff member is given) → signing key `S = SHA-256(K)` → HS256 token.
//!
//! - `keys`: the master key, staff keys and signing keys;
//! - `code`: the personal code, written for people and read back with its
//!   id check;
//! - `jwt`: the token format, signing, strict decoding and verification;
//! - `json`: the JSON reader decoding uses, which sees a name given twice.
//!
//! Verification is deliberately strict: exactly three base64url parts without
//! padding, the header byte for byte as handbook issues it, HS256 only, a
//! constant-time comparison of the MAC (the `hmac` crate's `verify_slice`),
//! and claims of exactly the expected names and types.

mod code;
mod json;
mod jwt;
mod keys;

pub use code::CodeError;
pub use jwt::{Claims, Scores, header_json, sign};
pub(crate) use jwt::{DecodeError, Decoded, decode, token_hash};
pub use keys::{MasterKey, SigningKey, StaffKey, kid};

#[cfg(test)]
mod tests;
