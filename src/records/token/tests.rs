//! Tests of the token as a whole: the SPEC §5 test vector through the
//! whole chain (master key to verified token), and the strict decoding
//! that refuses whatever handbook does not issue. The vector's fixtures are
//! shared with the tests of `keys` and `code`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::jwt::{DecodeError, decode, split_kid};
use super::keys::hex;
use super::*;

/// The SPEC's test vector token: T042's, under [`vector_master`].
pub(super) const VECTOR_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlQwNDIifQ.eyJpc3MiOiJleGFtcGxlLXNjaG9vbC9zb2NpYWwtbWVkaWEiLCJzdWIiOiJUMDQyIiwiaWF0IjoxNzY3MjI1NjAwLCJwdiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJtb2RzIjp7InNjb3BlIjoxMDAsImJlaGF2aW91ciI6ODB9LCJkZWNsIjp0cnVlfQ.AJHXIYBgruQJQEl0-HN6Vgut1XzXS9ju_nErHdUPV4c";

/// The SPEC's test vector master key: the bytes 0 to 31.
pub(super) fn vector_master() -> MasterKey {
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = i as u8;
    }
    MasterKey::from_bytes(bytes)
}

/// The claims of [`VECTOR_TOKEN`].
pub(super) fn vector_claims() -> Claims {
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

/// T042's personal code under [`vector_master`].
pub(super) const VECTOR_CODE: &str = "7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C";

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
    assert_eq!(decoded.kid_id, "T042");
    assert_eq!(decoded.generation, 1);
    assert_eq!(decoded.claims, vector_claims());
    assert!(decoded.verify(&signing));
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The vector token's header, payload and signature.
fn parts() -> (&'static str, &'static str, &'static str) {
    let mut parts = VECTOR_TOKEN.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(sig)) => (header, payload, sig),
        _ => unreachable!("the vector has three parts"),
    }
}

/// Why `token` is not handbook's, as decoding says.
fn not_handbook(token: &str) -> String {
    match decode(token) {
        Err(DecodeError::NotHandbook(detail)) => detail,
        other => panic!("{token}: {other:?}"),
    }
}

/// How `token` is damaged, as decoding says.
fn damaged(token: &str) -> String {
    match decode(token) {
        Err(DecodeError::Damaged(detail)) => detail,
        other => panic!("{token}: {other:?}"),
    }
}

#[test]
fn headers_other_than_handbooks_are_refused() {
    let (_, payload, sig) = parts();
    let none = b64(r#"{"alg":"none","typ":"JWT","kid":"T042"}"#);
    assert!(not_handbook(&format!("{none}.{payload}.")).contains("none"));
    let hs512 = b64(r#"{"alg":"HS512","typ":"JWT","kid":"T042"}"#);
    assert!(not_handbook(&format!("{hs512}.{payload}.{sig}")).contains("HS512"));
    let spaced = b64(r#"{"alg":"HS256", "typ":"JWT","kid":"T042"}"#);
    assert!(not_handbook(&format!("{spaced}.{payload}.{sig}")).contains("header"));
    let reordered = b64(r#"{"typ":"JWT","alg":"HS256","kid":"T042"}"#);
    assert!(not_handbook(&format!("{reordered}.{payload}.{sig}")).contains("header"));
    let no_kid = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    assert!(not_handbook(&format!("{no_kid}.{payload}.{sig}")).contains("header"));
    let bad_kid = b64(r#"{"alg":"HS256","typ":"JWT","kid":"T042#1"}"#);
    assert!(not_handbook(&format!("{bad_kid}.{payload}.{sig}")).contains("kid"));

    let dup = b64(r#"{"alg":"HS256","alg":"none","typ":"JWT","kid":"T042"}"#);
    assert_eq!(
        not_handbook(&format!("{dup}.{payload}.{sig}")),
        "its header names `alg` twice"
    );
    assert_eq!(
        not_handbook(&format!("{no_kid}.{payload}.{sig}")),
        "its header has no key id (kid)"
    );
}

#[test]
fn each_part_is_read_in_its_one_spelling_only() {
    let (header, payload, sig) = parts();
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
}

#[test]
fn claims_of_other_names_or_types_are_refused() {
    let (header, _, sig) = parts();
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
fn kids_name_an_id_and_a_generation() {
    assert_eq!(split_kid("T042#2"), Some(("T042", 2)));
    assert_eq!(split_kid("T042"), Some(("T042", 1)));
    for bad in ["T042#1", "T042#02", "T042#x", "T042#", "a#b#2"] {
        assert_eq!(split_kid(bad), None, "{bad}");
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
