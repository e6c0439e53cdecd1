//! Security cases: import, the ledger and the report (issue 10, items 4–7,
//! 10, 11, 12, 13), through the `handbook` binary. 83 cases: 71 forged or
//! malformed tokens, each rejected with its own reason, and 12 other
//! attacks.
//!
//! Tokens (`forged_and_malformed_tokens_each_get_their_reason`, 67):
//! - algorithm and header (15): `alg` none, None (signed), NONE, HS512,
//!   HS384, RS256, hs256; a spaced, a reordered, a `jku` and a `typ` JWS
//!   header; no `kid`; `alg` named twice; `kid` named twice; a numeric
//!   `kid`;
//! - identity (12): `kid` swapped for another person's; `#1` in `kid`; a
//!   lower-case id with a key made for it; Cyrillic `Т001`, full-width
//!   `Ｔ001` and a zero-width space in the id; signed with another
//!   person's key; with the master key; a replaced code; a newer code; an
//!   unknown id; a swapped payload;
//! - structure (13): cut in the signature; two parts; four parts; `=`
//!   padding on the header and on the claims; non-canonical base64url in
//!   the signature and in the claims; claims and header not JSON; a 64-byte
//!   and an empty signature; claims wrapped in an object; a token wrapped
//!   in the claims;
//! - claims (27): `sub` twice; a module twice; `exp` added; `decl` missing;
//!   `iat` missing; an extra module (a formula); a missing module; scores
//!   -1, 101, 1e3, "100", 80.5; a failed module; `mods` a list; `decl`
//!   "true", 1, false; `iat` 0, i64::MIN, i64::MAX, "1767225600",
//!   1767225600.5; another site; an `iss` with escapes; an unpublished
//!   `pv`; a numeric `sub`; claims that are a list.
//!
//! Versions (`versions_bound_what_a_token_may_claim`, 4): a published
//! version whose kept source was deleted; one whose source was edited;
//! `iat` two days before the version's publication (a day's skew is
//! allowed, and is shown to be); a version never published.
//!
//! Other attacks (12): terminal escapes in `sub`, `alg`, `kid`, `iss`,
//! `pv`, a module name and a file name; in roster fields shown by
//! `report` and `record`; formula cells in `report.csv` (and a formula
//! module refused); crafted input, a header and 160,000 dots, and 3.4 MB
//! of 76-column base64url lines (2), rejected or named rather than hung
//! on; `report` while another connection holds the ledger's write lock
//! (and a report never making a ledger); a 20-character id's token
//! hard-wrapped at every width from 20 to 200 columns at every break
//! position, with `>` and `> >` quoting and CRLF (19,641 tokens in one
//! import); 17 decorations inside tokens (`<wbr>`, `&shy;`, U+00AD,
//! U+200B and other invisible characters, their entities) and `&#46;`,
//! `&#x2e;`, `&period;`, `&#74;`; a file with no token named, also among
//! others; links in an import folder followed or listed as skipped; the
//! roster's quoted multi-line values, NFC ids (codes and tokens agree) and
//! duplicate ids naming both people; report files that were 0644 left
//! 0600.

use std::collections::BTreeMap;

use handbook::records::token::{Claims, MasterKey, Scores, header_json, kid, sign};
use hmac::{KeyInit as _, Mac as _};

use crate::support::{Run, SITE, SITE_ID, Site, b64url, raw_token, signing_key};

const MASTER: [u8; 32] = [5; 32];

const ROSTER: &str = "id,name,email,school,role,generation\n\
                      T001,Ann Able,ann@test.example,Hill School,Teacher,\n\
                      T002,Bob Bell,bob@test.example,Hill School,Teaching assistant,\n\
                      T003,Cy Cole,,Dale School,Teacher,2\n";

/// A fixed completion time (2026-01-01 00:00 UTC): forged tokens are the
/// same bytes on every run.
const IAT: i64 = 1_767_225_600;

const GOOD_MODS: &str = r#"{"scope":100,"behaviour":60}"#;

fn site() -> Site {
    let site = Site::new();
    site.write(
        ".handbook/master.key",
        MasterKey::from_bytes(MASTER).to_file_text(),
    );
    site.write(".handbook/roster.csv", ROSTER);
    site
}

fn version(site: &Site) -> String {
    handbook::versions::policy_version_id(site.root(), crate::support::POLICY).unwrap()
}

fn key(id: &str, generation: u32) -> [u8; 32] {
    *signing_key(MASTER, id, generation).as_bytes()
}

/// Claims JSON written by hand: `iat`, `mods` and `decl` are raw JSON.
fn claims(pv: &str, sub: &str, iat: &str, mods: &str, decl: &str) -> String {
    let sub = serde_json::to_string(sub).unwrap();
    format!(
        r#"{{"iss":"{SITE_ID}","sub":{sub},"iat":{iat},"pv":"{pv}","mods":{mods},"decl":{decl}}}"#
    )
}

/// A valid token for `sub` as the course page makes it, at `iat`.
fn genuine(site: &Site, sub: &str, generation: u32, iat: i64) -> String {
    let c = Claims {
        iss: SITE_ID.to_string(),
        sub: sub.to_string(),
        iat,
        pv: version(site),
        mods: Scores(vec![("scope".into(), 100), ("behaviour".into(), 60)]),
        decl: true,
    };
    sign(
        &signing_key(MASTER, sub, generation),
        &kid(sub, generation),
        &c,
    )
}

fn hs(alg: &str, input: &str, key: &[u8]) -> Vec<u8> {
    match alg {
        "HS512" => {
            let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut mac = hmac::Hmac::<sha2::Sha384>::new_from_slice(key).unwrap();
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// `text` (base64url) with the lowest bit of its last character flipped:
/// a bit no byte uses, so the same bytes spelt another way.
fn respelt(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut t = text.to_string();
    let last = t.pop().unwrap();
    let value = ALPHABET.iter().position(|&b| b as char == last).unwrap();
    t.push(ALPHABET[value ^ 1] as char);
    t
}

/// Each `(label, token, expected)` is written as its own paragraph of one
/// file and imported at once; each must be rejected, on its own line, with
/// `expected` after `file:line: `. Returns the run.
fn import_cases(site: &Site, cases: &[(&str, String, String)]) -> Run {
    let mut text = String::from("Forged tokens, one per paragraph:\n\n");
    let mut lines = Vec::new();
    for (n, (label, token, _)) in cases.iter().enumerate() {
        text.push_str(&format!("Case {n}, {label}:\n"));
        lines.push(text.lines().count() + 1);
        text.push_str(token);
        text.push_str("\n\n");
    }
    site.write("inbox/forged.txt", &text);
    let run = site.run(&["import", "inbox/forged.txt"]);
    run.expect(1);
    let n = cases.len();
    assert!(
        run.stdout.contains(&format!(
            "Checked {n} tokens from 1 input: 0 new, 0 already recorded, {n} rejected."
        )),
        "{run:?}"
    );
    let by_line: BTreeMap<usize, &str> = run
        .stderr
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("error: inbox/forged.txt:")?;
            let (line, message) = rest.split_once(": ")?;
            Some((line.parse().ok()?, message))
        })
        .collect();
    for ((label, token, expected), line) in cases.iter().zip(lines) {
        let shown = by_line
            .get(&line)
            .unwrap_or_else(|| panic!("{label} (line {line}) not reported:\n{}", run.stderr));
        // A token that cannot be read strictly still names the staff id
        // it shows, so that the office knows whom to ask: `token for T001:
        // …` is the better wording of an expected `token: …`.
        let shown = match shown.strip_prefix("token for ") {
            Some(rest) if expected.starts_with("token: ") => {
                format!("token: {}", rest.split_once(": ").map_or(rest, |(_, r)| r))
            }
            _ => shown.to_string(),
        };
        assert!(
            shown.starts_with(expected.as_str()),
            "{label} (line {line}, {token}):\n  expected: {expected}\n  shown:    {shown}"
        );
    }
    run
}

#[test]
fn forged_and_malformed_tokens_each_get_their_reason() {
    let site = site();
    let pv = version(&site);
    let good_claims = claims(&pv, "T001", &IAT.to_string(), GOOD_MODS, "true");
    let h = header_json("T001");
    let t001 = key("T001", 1);
    let signed = |header: &str, claims: &str| raw_token(header, claims, &t001);
    let genuine_t001 = signed(&h, &good_claims);
    let (g_header, g_rest) = genuine_t001.split_once('.').unwrap();
    let (g_payload, g_sig) = g_rest.split_once('.').unwrap();
    let unsigned = |header: &str| format!("{}.{}.", b64url(header), b64url(&good_claims));
    let alg = |alg: &str| format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"T001"}}"#);
    let with_sig = |alg_name: &str, sig: Vec<u8>| {
        let input = format!("{}.{}", b64url(alg(alg_name)), b64url(&good_claims));
        format!("{input}.{}", b64url(sig))
    };
    let hs_token = |alg_name: &str| {
        let input = format!("{}.{}", b64url(alg(alg_name)), b64url(&good_claims));
        let sig = hs(alg_name, &input, &t001);
        format!("{input}.{}", b64url(sig))
    };
    let other_alg = |name: &str| {
        format!(
            "token: not signed the way handbook signs: it uses another algorithm ({name}) than handbook's HS256"
        )
    };
    let c = |sub: &str, iat: &str, mods: &str, decl: &str| claims(&pv, sub, iat, mods, decl);
    let by = |id: &str, generation: u32, claims: &str| {
        raw_token(
            &header_json(&kid(id, generation)),
            claims,
            &key(id, generation),
        )
    };
    let t = |s: &str| s.to_string();
    let not_handbook = |d: &str| format!("token: not signed the way handbook signs: {d}");
    let damaged = |d: &str| format!("token: not a token, or damaged or cut short: {d}");
    let bad = |d: &str| format!("token: not what the course page writes: {d}");
    let score = |v: &str| {
        bad(&format!(
            "the score for `scope` is {v}, not a whole number from 0 to 100"
        ))
    };
    let nested = format!(r#"{{"claims":{good_claims}}}"#);
    // Claims whose base64url has spare bits in its last character (JSON
    // allows a space at the end), so that it can be respelt.
    let spare_bits_claims = if good_claims.len().is_multiple_of(3) {
        format!("{good_claims} ")
    } else {
        good_claims.clone()
    };
    let wrapper = format!(r#"{{"token":"{genuine_t001}"}}"#);

    let cases: Vec<(&str, String, String)> = vec![
        // The algorithm and the header.
        (
            "alg none",
            unsigned(&alg("none")),
            not_handbook(r#"it is not signed at all (alg "none")"#),
        ),
        (
            "alg None, signed",
            with_sig("None", vec![1; 32]),
            not_handbook(r#"it is not signed at all (alg "none")"#),
        ),
        (
            "alg NONE",
            unsigned(&alg("NONE")),
            not_handbook(r#"it is not signed at all (alg "none")"#),
        ),
        ("alg HS512", hs_token("HS512"), other_alg("HS512")),
        ("alg HS384", hs_token("HS384"), other_alg("HS384")),
        (
            "alg RS256",
            with_sig("RS256", vec![7; 256]),
            other_alg("RS256"),
        ),
        (
            "alg hs256",
            with_sig("hs256", vec![7; 32]),
            other_alg("hs256"),
        ),
        (
            "a spaced header",
            signed(r#"{"alg": "HS256","typ":"JWT","kid":"T001"}"#, &good_claims),
            not_handbook("its header was changed"),
        ),
        (
            "a reordered header",
            signed(r#"{"typ":"JWT","alg":"HS256","kid":"T001"}"#, &good_claims),
            not_handbook("its header was changed"),
        ),
        (
            "a header with jku",
            signed(
                r#"{"alg":"HS256","typ":"JWT","kid":"T001","jku":"https://evil.example/k"}"#,
                &good_claims,
            ),
            not_handbook("its header was changed"),
        ),
        (
            "typ JWS",
            signed(r#"{"alg":"HS256","typ":"JWS","kid":"T001"}"#, &good_claims),
            not_handbook("its header was changed"),
        ),
        (
            "no kid",
            signed(r#"{"alg":"HS256","typ":"JWT"}"#, &good_claims),
            not_handbook("its header has no key id (kid)"),
        ),
        (
            "alg named twice",
            signed(
                r#"{"alg":"HS256","alg":"none","typ":"JWT","kid":"T001"}"#,
                &good_claims,
            ),
            not_handbook("its header names `alg` twice"),
        ),
        (
            "kid named twice",
            signed(
                r#"{"alg":"HS256","typ":"JWT","kid":"T002","kid":"T001"}"#,
                &good_claims,
            ),
            not_handbook("its header names `kid` twice"),
        ),
        (
            "a numeric kid",
            signed(r#"{"alg":"HS256","typ":"JWT","kid":1}"#, &good_claims),
            not_handbook("its header was changed"),
        ),
        // Identity.
        (
            "kid swapped for T002's",
            raw_token(&header_json("T002"), &good_claims, &key("T002", 1)),
            t(
                "token for T001: not signed the way handbook signs: its key id (kid) does not match its staff id",
            ),
        ),
        (
            "generation #1 in kid",
            raw_token(&header_json("T001#1"), &good_claims, &t001),
            not_handbook("its key id (kid) was changed"),
        ),
        (
            "lower-case id, its own key",
            by("t001", 1, &c("t001", &IAT.to_string(), GOOD_MODS, "true")),
            t("token for T001: signed with a code that is not T001's"),
        ),
        (
            "Cyrillic Т001",
            by(
                "\u{422}001",
                1,
                &c("\u{422}001", &IAT.to_string(), GOOD_MODS, "true"),
            ),
            t(
                "token for \u{422}001: unknown staff id `\u{422}001`: not on the roster (it contains `\u{422}` U+0422",
            ),
        ),
        (
            "full-width Ｔ001",
            by(
                "\u{ff34}001",
                1,
                &c("\u{ff34}001", &IAT.to_string(), GOOD_MODS, "true"),
            ),
            t(
                "token for \u{ff34}001: unknown staff id `\u{ff34}001`: not on the roster (it contains `\u{ff34}` U+FF34",
            ),
        ),
        (
            "a zero-width space in the id",
            by(
                "T\u{200b}001",
                1,
                &c("T\u{200b}001", &IAT.to_string(), GOOD_MODS, "true"),
            ),
            t(
                "token for T\u{200b}001: unknown staff id `T\u{200b}001`: not on the roster (it contains U+200B",
            ),
        ),
        (
            "another person's key",
            raw_token(&h, &good_claims, &key("T002", 1)),
            t("token for T001: signed with a code that is not T001's"),
        ),
        (
            "the master key itself",
            raw_token(&h, &good_claims, &MASTER),
            t("token for T001: signed with a code that is not T001's"),
        ),
        (
            "a replaced code",
            by("T003", 1, &c("T003", &IAT.to_string(), GOOD_MODS, "true")),
            t(
                "token for T003: made with a replaced code: T003's code no. 1, but the roster says no. 2",
            ),
        ),
        (
            "a newer code",
            by("T001", 2, &c("T001", &IAT.to_string(), GOOD_MODS, "true")),
            t("token for T001: made with T001's code no. 2, but the roster says no. 1"),
        ),
        (
            "an unknown id",
            by("T999", 1, &c("T999", &IAT.to_string(), GOOD_MODS, "true")),
            t("token for T999: unknown staff id `T999`: not on the roster"),
        ),
        (
            "a swapped payload",
            format!(
                "{g_header}.{}.{g_sig}",
                b64url(c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":100,"behaviour":100}"#,
                    "true"
                ))
            ),
            t(
                "token for T001: signed with a code that is not T001's (or changed after it was made)",
            ),
        ),
        // Structure.
        (
            "cut in the signature",
            genuine_t001[..genuine_t001.len() - 10].to_string(),
            damaged("its signature is cut short"),
        ),
        (
            "two parts",
            format!("{g_header}.{g_payload}"),
            damaged("it does not have the three parts of a token"),
        ),
        (
            "four parts",
            format!("{genuine_t001}.{g_sig}"),
            damaged("it does not have the three parts of a token"),
        ),
        (
            "header padded",
            format!("{g_header}==.{g_rest}"),
            damaged("its first part is padded with `=`"),
        ),
        (
            "payload padded",
            format!("{g_header}.{g_payload}=.{g_sig}"),
            damaged("its middle part is padded with `=`"),
        ),
        (
            "non-canonical signature",
            respelt(&genuine_t001),
            damaged("its signature is not in the one form base64url allows"),
        ),
        (
            "non-canonical payload",
            format!(
                "{g_header}.{}.{g_sig}",
                respelt(&b64url(&spare_bits_claims))
            ),
            damaged("its middle part is not in the one form base64url allows"),
        ),
        (
            "payload not JSON",
            format!("{g_header}.{}.{g_sig}", b64url("{\"iss\": nope")),
            damaged("its middle part is damaged (not the JSON a token holds)"),
        ),
        (
            "header not JSON",
            format!("{}.{g_payload}.{g_sig}", b64url(r#"{"alg":"HS256","typ""#)),
            damaged("its first part is damaged (not a token header)"),
        ),
        (
            "a 64-byte signature",
            format!("{g_header}.{g_payload}.{}", b64url([9u8; 64])),
            damaged("its signature is too long to be an HS256 signature"),
        ),
        (
            "no signature",
            format!("{g_header}.{g_payload}."),
            damaged("it has no signature"),
        ),
        (
            "claims wrapped in an object",
            signed(&h, &nested),
            bad("it has a claim the course page never writes (`claims`)"),
        ),
        (
            "a token wrapped in claims",
            signed(&h, &wrapper),
            bad("it has a claim the course page never writes (`token`)"),
        ),
        // Claims.
        (
            "sub named twice",
            signed(
                &h,
                &good_claims.replace(r#""sub":"T001","#, r#""sub":"T002","sub":"T001","#),
            ),
            bad("its contents name `sub` twice"),
        ),
        (
            "a module named twice",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":100,"behaviour":60,"scope":0}"#,
                    "true",
                ),
            ),
            bad("`mods` names module `scope` twice"),
        ),
        (
            "exp added",
            signed(
                &h,
                &good_claims.replace(r#","decl":true}"#, r#","decl":true,"exp":1}"#),
            ),
            bad("it has a claim the course page never writes (`exp`)"),
        ),
        (
            "decl missing",
            signed(&h, &good_claims.replace(r#","decl":true}"#, "}")),
            bad("it has no `decl` claim"),
        ),
        (
            "iat missing",
            signed(&h, &good_claims.replace(&format!(r#""iat":{IAT},"#), "")),
            bad("it has no `iat` claim"),
        ),
        (
            "an extra module",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":100,"behaviour":60,"=HYPERLINK(\"http://x\")":100}"#,
                    "true",
                ),
            ),
            t(
                "token for T001: module `=HYPERLINK(\"http://x\")` is not part of this version's course",
            ),
        ),
        (
            "a missing module",
            signed(&h, &c("T001", &IAT.to_string(), r#"{"scope":100}"#, "true")),
            t("token for T001: module `behaviour` is missing: the course was not finished"),
        ),
        (
            "score -1",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":-1,"behaviour":60}"#,
                    "true",
                ),
            ),
            score("-1"),
        ),
        (
            "score 101",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":101,"behaviour":60}"#,
                    "true",
                ),
            ),
            score("101"),
        ),
        (
            "score 1e3",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":1e3,"behaviour":60}"#,
                    "true",
                ),
            ),
            score("1000.0"),
        ),
        (
            "score \"100\"",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":"100","behaviour":60}"#,
                    "true",
                ),
            ),
            score("\"100\""),
        ),
        (
            "score 80.5",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":80.5,"behaviour":60}"#,
                    "true",
                ),
            ),
            score("80.5"),
        ),
        (
            "a failed module",
            signed(
                &h,
                &c(
                    "T001",
                    &IAT.to_string(),
                    r#"{"scope":100,"behaviour":59}"#,
                    "true",
                ),
            ),
            t("token for T001: module `behaviour` was not passed (score 59%, pass mark 60%)"),
        ),
        (
            "mods a list",
            signed(
                &h,
                &c("T001", &IAT.to_string(), r#"["scope","behaviour"]"#, "true"),
            ),
            bad("`mods` is not an object of module scores"),
        ),
        (
            "decl \"true\"",
            signed(&h, &c("T001", &IAT.to_string(), GOOD_MODS, r#""true""#)),
            bad(r#"`decl` (the declaration) is "true", not true or false"#),
        ),
        (
            "decl 1",
            signed(&h, &c("T001", &IAT.to_string(), GOOD_MODS, "1")),
            bad("`decl` (the declaration) is 1, not true or false"),
        ),
        (
            "decl false",
            signed(&h, &c("T001", &IAT.to_string(), GOOD_MODS, "false")),
            t("token for T001: the declaration was not signed"),
        ),
        (
            "iat 0",
            signed(&h, &c("T001", "0", GOOD_MODS, "true")),
            t(
                "token for T001: the completion time (1970-01-01 00:00 UTC) is before any handbook token could be made (2025-01-01)",
            ),
        ),
        (
            "iat i64::MIN",
            signed(&h, &c("T001", &i64::MIN.to_string(), GOOD_MODS, "true")),
            t(
                "token for T001: the completion time (-9223372036854775808) is before any handbook token could be made",
            ),
        ),
        (
            "iat i64::MAX",
            signed(&h, &c("T001", &i64::MAX.to_string(), GOOD_MODS, "true")),
            t("token for T001: the completion time is in the future (9223372036854775807)"),
        ),
        (
            "iat as text",
            signed(&h, &c("T001", &format!("\"{IAT}\""), GOOD_MODS, "true")),
            bad(&format!(
                "`iat` (the completion time) is \"{IAT}\", not a whole number of seconds"
            )),
        ),
        (
            "iat with a fraction",
            signed(&h, &c("T001", &format!("{IAT}.5"), GOOD_MODS, "true")),
            bad(&format!(
                "`iat` (the completion time) is {IAT}.5, not a whole number of seconds"
            )),
        ),
        (
            "another site",
            signed(
                &h,
                &good_claims.replace(SITE_ID, "other-school/social-media"),
            ),
            t(&format!(
                "token for T001: made for a different site (`other-school/social-media`; this site is `{SITE}`)"
            )),
        ),
        (
            "iss with escapes",
            signed(&h, &good_claims.replace(SITE_ID, "\\u001b[31mx")),
            t(&format!(
                "token for T001: made for a different site (`\\u{{1b}}[31mx`; this site is `{SITE}`)"
            )),
        ),
        (
            "a policy not in site.yaml",
            signed(
                &h,
                &good_claims.replace(SITE_ID, &format!("{SITE}/retired")),
            ),
            t(
                "token for T001: names no policy of this site: `retired`; the policies are \
               `online-safety`",
            ),
        ),
        (
            "a policy id with escapes",
            signed(
                &h,
                &good_claims.replace(SITE_ID, &format!("{SITE}/\\u001b[31mx")),
            ),
            t(
                "token for T001: names no policy of this site: `\\u{1b}[31mx`; the policies are \
               `online-safety`",
            ),
        ),
        (
            "an unpublished version",
            signed(&h, &good_claims.replace(&pv, "ffffffffffffffff")),
            t("token for T001: for a policy version that was never published (ffffffffffffffff)"),
        ),
        (
            "a numeric sub",
            signed(&h, &good_claims.replace(r#""sub":"T001""#, r#""sub":42"#)),
            bad("`sub` is 42, not text"),
        ),
        (
            "claims a list",
            signed(&h, r#"["T001",true]"#),
            bad("its contents are a list, not the object of claims a token holds"),
        ),
    ];
    assert_eq!(cases.len(), 69);
    import_cases(&site, &cases);
    let conn = rusqlite::Connection::open(site.path(".handbook/ledger.sqlite")).unwrap();
    let count: i64 = conn
        .query_row("SELECT count(*) FROM completions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "a forged token was recorded");
}

/// Tokens must be for a version whose course can be checked, and dated
/// after it was published (a day's clock skew allowed).
#[test]
fn versions_bound_what_a_token_may_claim() {
    let site = site();
    site.run(&["publish", "--summary", "First version."])
        .expect(0);
    let first = version(&site);
    site.write(
        "content/online-safety/scope.md",
        site.read("content/online-safety/scope.md") + "\nA second paragraph.\n",
    );
    site.run(&["publish", "--summary", "Second.", "--label", "Spring"])
        .expect(0);
    let second = version(&site);
    site.write(
        "content/online-safety/scope.md",
        site.read("content/online-safety/scope.md") + "\nA third paragraph.\n",
    );
    site.run(&["publish", "--summary", "Third.", "--label", "Summer"])
        .expect(0);
    let third = version(&site);
    let now = chrono::Utc::now().timestamp();
    let for_version = |pv: &str, iat: i64| {
        raw_token(
            &header_json("T001"),
            &claims(pv, "T001", &iat.to_string(), GOOD_MODS, "true"),
            &key("T001", 1),
        )
    };
    // The first version's kept source is deleted, the second's edited.
    std::fs::remove_dir_all(site.path(&format!("versions/online-safety/{first}"))).unwrap();
    let kept = format!("versions/online-safety/{second}/content/online-safety/scope.md");
    site.write(&kept, site.read(&kept) + "\nEdited by hand.\n");
    // All three were published today.
    let cases = vec![
        (
            "a version whose source was deleted",
            for_version(&first, now - 60),
            format!(
                "token for T001: for version January 2026 ({first}), whose kept source under \
                 versions/ is missing or changed, so its course cannot be checked"
            ),
        ),
        (
            "a version whose source was edited",
            for_version(&second, now - 60),
            format!("token for T001: for version Spring ({second}), whose kept source"),
        ),
        (
            "two days before the version was published",
            for_version(&third, now - 2 * 86_400),
            "token for T001: the completion time (".to_string(),
        ),
        (
            "a version that was never published",
            for_version("0123456789abcdef", now - 60),
            "token for T001: for a policy version that was never published (0123456789abcdef)"
                .to_string(),
        ),
    ];
    let run = import_cases(&site, &cases);
    // `publish` dates a version by the local calendar.
    let today = chrono::Local::now().date_naive();
    assert!(
        run.stderr
            .contains(&format!("is before this version was published ({today})")),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("help: restore that version's folder"),
        "{run:?}"
    );
    // Within a day of publication is fine.
    let run = site.run_with_stdin(
        &["import", "-"],
        for_version(&third, now - 86_400 + 60).as_bytes(),
    );
    run.expect(0);
    assert!(run.stdout.contains("1 new"), "{run:?}");
}

/// True when `text` holds a byte that a terminal would obey: C0 controls
/// (but the newline ending each line), DEL, or a C1 control.
fn obeys(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c != '\n' && (c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)))
}

#[test]
fn terminal_escapes_in_tokens_and_file_names_are_shown_not_obeyed() {
    let site = site();
    let pv = version(&site);
    let fake = "\u{1b}[2K\r1 new, 0 rejected";
    let sub = raw_token(
        &header_json(fake),
        &claims(&pv, fake, &IAT.to_string(), GOOD_MODS, "true"),
        &[0; 32],
    );
    let alg = format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"\u001b[1A\u009b2K","typ":"JWT","kid":"T001"}"#),
        b64url(claims(&pv, "T001", &IAT.to_string(), GOOD_MODS, "true")),
        b64url([0u8; 32])
    );
    let kid = raw_token(
        &header_json("T001\u{7}"),
        &claims(&pv, "T001", &IAT.to_string(), GOOD_MODS, "true"),
        &key("T001", 1),
    );
    let t001 = |claims: String| raw_token(&header_json("T001"), &claims, &key("T001", 1));
    let iss = t001(
        claims(&pv, "T001", &IAT.to_string(), GOOD_MODS, "true")
            .replace(SITE_ID, "\\u001b]0;owned\\u0007"),
    );
    let pv_token = t001(claims(
        "\\u001b[2J",
        "T001",
        &IAT.to_string(),
        GOOD_MODS,
        "true",
    ));
    let module = t001(claims(
        &pv,
        "T001",
        &IAT.to_string(),
        r#"{"scope":100,"behaviour":60,"\u001b[32mok":100}"#,
        "true",
    ));
    let text = [sub, alg, kid, iss, pv_token, module].join("\n\n");
    let file = "inbox/\u{1b}[2Kmail\r.txt";
    site.write(file, &text);
    let run = site.run(&["import", "inbox"]);
    run.expect(1);
    assert!(
        run.stdout.contains("0 new, 0 already recorded, 6 rejected"),
        "{run:?}"
    );
    assert_eq!(obeys(&run.stdout), None, "{:?}", run.stdout);
    assert_eq!(obeys(&run.stderr), None, "{:?}", run.stderr);
    let name = "inbox/\\u{1b}[2Kmail\\r.txt";
    for shown in [
        format!(
            "{name}:1: token for \\u{{1b}}[2K\\r1 new, 0 rejected: unknown staff id `\\u{{1b}}[2K\\r1 new, 0 rejected`"
        ),
        format!(
            "{name}:3: token for T001: not signed the way handbook signs: it uses another algorithm (\\u{{1b}}[1A\\u{{9b}}2K)"
        ),
        format!(
            "{name}:5: token for T001: not signed the way handbook signs: its key id (kid) does not match"
        ),
        format!("{name}:7: token for T001: made for a different site (`\\u{{1b}}]0;owned\\u{{7}}`"),
        format!(
            "{name}:9: token for T001: for a policy version that was never published (\\u{{1b}}[2J)"
        ),
        format!(
            "{name}:11: token for T001: module `\\u{{1b}}[32mok` is not part of this version's course"
        ),
    ] {
        assert!(run.stderr.contains(&shown), "{shown}\n{}", run.stderr);
    }
    // The fake summary never starts a line of its own.
    assert!(
        !run.stderr
            .lines()
            .chain(run.stdout.lines())
            .any(|l| l.starts_with("1 new")),
        "{run:?}"
    );
}

#[test]
fn roster_fields_are_shown_not_obeyed_by_report_and_record() {
    let site = site();
    site.write(
        ".handbook/roster.csv",
        "id,name,school,role\n\
         T001,\"Ann\u{1b}[2J Able\",\"Hill\u{1b}]0;x\u{7} School\",Teacher\n",
    );
    let run = site.run(&["report"]);
    run.expect(0);
    assert_eq!(obeys(&run.stdout), None, "{:?}", run.stdout);
    assert_eq!(obeys(&run.stderr), None, "{:?}", run.stderr);
    assert!(
        run.stdout.contains("Hill\\u{1b}]0;x\\u{7} School"),
        "{run:?}"
    );
    // The school is not in site.yaml: the warning names it, escaped.
    assert!(
        run.stderr.contains("school `Hill\\u{1b}]0;x\\u{7} School`"),
        "{run:?}"
    );
    let run = site.run(&[
        "record",
        "T001",
        "--date",
        "2026-01-05",
        "--note",
        "paper\u{1b}[1A",
    ]);
    run.expect(0);
    assert_eq!(obeys(&run.stdout), None, "{:?}", run.stdout);
    assert!(
        run.stdout.contains("Ann\\u{1b}[2J Able (T001)") && run.stdout.contains("paper\\u{1b}[1A"),
        "{run:?}"
    );
}

#[test]
fn report_csv_cells_never_run_as_formulas() {
    let site = site();
    site.write(
        ".handbook/roster.csv",
        "id,name,email,school,role\n\
         T001,=HYPERLINK(\"http://evil.example\"),@x,+Hill School,-Teacher\n\
         T002,Bob Bell,bob@test.example,Hill School,Teacher\n",
    );
    let t001 = genuine(&site, "T001", 1, IAT);
    // Bob adds a module named as a formula: refused, so it never reaches
    // the report.
    let forged = raw_token(
        &header_json("T002"),
        &claims(
            &version(&site),
            "T002",
            &IAT.to_string(),
            r#"{"scope":100,"behaviour":60,"=cmd|' /C calc'!A0":100}"#,
            "true",
        ),
        &key("T002", 1),
    );
    site.write("inbox/mail.txt", format!("{t001}\n\n{forged}\n"));
    let run = site.run(&["import", "inbox/mail.txt"]);
    run.expect(1);
    assert!(
        run.stderr.contains(
            "inbox/mail.txt:3: token for T002: module `=cmd|' /C calc'!A0` is not part of this \
             version's course"
        ),
        "{run:?}"
    );
    site.run(&["record", "T002", "--date", "2026-01-05", "--note", "=1+2"])
        .expect(0);
    site.run(&["report", "--csv", "report.csv"]).expect(0);
    let bytes = std::fs::read(site.path("report.csv")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "UTF-8 with a BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let mut cells: Vec<String> = Vec::new();
    for record in reader.records() {
        cells.extend(record.unwrap().iter().map(str::to_string));
    }
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} in {cells:?}"
        );
    }
    for expected in [
        "'=HYPERLINK(\"http://evil.example\")",
        "'@x",
        "'+Hill School",
        "'-Teacher",
        "'=1+2",
    ] {
        assert!(cells.iter().any(|c| c == expected), "{expected}: {cells:?}");
    }
    assert!(!cells.iter().any(|c| c.contains("calc")), "{cells:?}");
}

/// The two inputs that were slow before: each is dealt with (rejected with
/// a reason, or named as holding no token) rather than hung on. How long
/// they take is measured by `cargo bench --bench import`, and the unit
/// test `ledger::scan::tests::scanning_is_linear_in_the_input` counts the
/// scanner's work.
#[test]
fn crafted_input_is_rejected_or_named() {
    let site = site();
    site.write(
        "inbox/dots.txt",
        format!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9{}",
            ".".repeat(160_000)
        ),
    );
    let run = site.run(&["import", "inbox/dots.txt"]);
    run.expect(1);
    assert!(
        run.stderr.contains(
            "inbox/dots.txt:1: token: not signed the way handbook signs: its header has no key id"
        ),
        "{run:?}"
    );
    let mut lines = String::from("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    let mut seed: u32 = 12345;
    while lines.len() < 3_400_000 {
        for _ in 0..76 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            lines.push(alphabet[(seed >> 16) as usize % 64] as char);
        }
        lines.push('\n');
    }
    site.write("inbox/lines.txt", &lines);
    let run = site.run(&["import", "inbox/lines.txt"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains("inbox/lines.txt: no token found in this file"),
        "{run:?}"
    );
}

/// `report` opens the ledger read-only: it succeeds, at once, while
/// another connection holds the write lock, and sees the ledger as of the
/// last commit.
#[test]
fn report_reads_while_the_ledger_is_being_written() {
    let site = site();
    let run = site.run(&["report"]);
    run.expect(0);
    assert!(
        !site.path(".handbook/ledger.sqlite").exists(),
        "a report made a ledger"
    );
    site.run_with_stdin(&["import", "-"], genuine(&site, "T001", 1, IAT).as_bytes())
        .expect(0);
    let ledger = site.path(".handbook/ledger.sqlite");
    let writer = rusqlite::Connection::open(&ledger).unwrap();
    writer
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO completions (staff_id, policy, policy_version, completed_at, \
             imported_at, source, method, note) \
             VALUES ('T002', 'online-safety', 'x', 1, 1, 'test', 'on_behalf', 'pending');",
        )
        .unwrap();
    let run = site.run(&["report", "--csv", "report.csv"]);
    run.expect(0);
    assert!(!run.stderr.contains("locked"), "{run:?}");
    let csv = site.read("report.csv");
    let row = |id: &str| {
        csv.lines()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap()
            .to_string()
    };
    assert!(row("T001").contains(",complete,"), "{csv}");
    assert!(row("T002").contains(",due,"), "{csv}");
    writer.execute_batch("COMMIT;").unwrap();
    drop(writer);
    // Once committed, the next report sees it.
    site.run(&["report", "--csv", "report.csv"]).expect(0);
    let csv = site.read("report.csv");
    let row = csv.lines().find(|l| l.contains(",T002,")).unwrap();
    assert!(row.contains(",needs_reread,"), "{csv}");
}

/// `alice.abler@ppat.org`'s token wrapped at every width from 20 to 200
/// columns, at every break position (the text before it shifts by one
/// character each time), quoted with `>` or `> >` or not, with LF or CRLF:
/// 19,641 distinct tokens, every one found and imported.
#[test]
fn tokens_wrapped_at_every_width_and_break_are_imported() {
    let site = site();
    let id = "alice.abler@ppat.org";
    site.write(
        ".handbook/roster.csv",
        format!("{ROSTER}{id},Alice Abler,{id},Hill School,Teacher,\n"),
    );
    let mut text = String::new();
    let mut n = 0i64;
    let styles = [("", "\n"), ("> ", "\r\n"), ("> > ", "\n"), ("> > ", "\r\n")];
    for width in 20..=200usize {
        let (prefix, newline) = styles[width % styles.len()];
        let room = width - prefix.len();
        for before in 0..=room {
            let token = genuine(&site, id, 1, IAT + n);
            n += 1;
            let body: Vec<char> = format!("{}{token} thanks", "x".repeat(before))
                .chars()
                .collect();
            text.push_str(prefix);
            text.push_str("Here it is:");
            text.push_str(newline);
            for line in body.chunks(room) {
                text.push_str(prefix);
                text.extend(line);
                text.push_str(newline);
            }
            text.push_str(newline);
        }
    }
    assert_eq!(n, 19_641);
    site.write("inbox/wrapped.txt", &text);
    let run = site.run(&["import", "inbox/wrapped.txt"]);
    run.expect(0);
    assert!(
        run.stdout.contains(&format!(
            "Checked {n} tokens from 1 input: {n} new, 0 already recorded, 0 rejected."
        )),
        "{}",
        run.stdout
    );
}

/// Each decoration a mail program or web mail may put inside a token.
#[test]
fn tokens_with_invisible_characters_and_entities_are_imported() {
    let site = site();
    let decorations = [
        "<wbr>",
        "<wbr/>",
        "<WBR />",
        "&shy;",
        "\u{ad}",
        "\u{200b}",
        "\u{200c}",
        "\u{200d}",
        "\u{2060}",
        "\u{feff}",
        "\u{200e}",
        "&#8203;",
        "&#x200B;",
        "&#173;",
        "&ZeroWidthSpace;",
        "&zwj;",
        "&NoBreak;",
    ];
    let mut mails = Vec::new();
    for (n, decoration) in decorations.iter().enumerate() {
        let token = genuine(&site, "T001", 1, IAT + n as i64);
        let mut decorated = String::new();
        for (i, c) in token.chars().enumerate() {
            if i > 0 && i % 25 == 0 {
                decorated.push_str(decoration);
            }
            decorated.push(c);
        }
        mails.push(format!("<p>My token:<br>{decorated}</p>"));
    }
    // Entities for the token's own characters.
    let token = genuine(&site, "T002", 1, IAT);
    mails.push(format!(
        "<p>{}</p>",
        token.replacen('.', "&#46;", 1).replacen('.', "&#x2e;", 1)
    ));
    let token = genuine(&site, "T002", 1, IAT + 1);
    mails.push(format!(
        "<p>{}</p>",
        token.replace('.', "&period;").replacen('J', "&#74;", 1)
    ));
    site.write("inbox/web-mail.html", mails.join("\n"));
    let run = site.run(&["import", "inbox/web-mail.html"]);
    run.expect(0);
    let n = decorations.len() + 2;
    assert!(
        run.stdout.contains(&format!(
            "Checked {n} tokens from 1 input: {n} new, 0 already recorded, 0 rejected."
        )),
        "{run:?}"
    );
}

#[cfg(unix)]
#[test]
fn links_in_an_import_folder_are_followed_or_listed_as_skipped() {
    let site = site();
    site.write("elsewhere/mail.txt", genuine(&site, "T001", 1, IAT));
    std::fs::create_dir_all(site.path("inbox")).unwrap();
    std::fs::create_dir_all(site.path("elsewhere/more")).unwrap();
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(site.path(target), site.path(name)).unwrap();
    };
    link("elsewhere/mail.txt", "inbox/linked.txt");
    link("elsewhere/more", "inbox/folder");
    link("elsewhere/gone.txt", "inbox/broken.txt");
    let run = site.run(&["import", "inbox"]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("Checked 1 token from 1 input: 1 new, 0 already recorded, 0 rejected."),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "warning: inbox/folder: skipped: it is a link to a folder, which is not followed"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("warning: inbox/broken.txt: skipped: it is a link that cannot be followed"),
        "{run:?}"
    );
    // A folder holding only links that lead nowhere has nothing to import.
    std::fs::create_dir_all(site.path("only-links")).unwrap();
    link("elsewhere/gone.txt", "only-links/a.txt");
    let run = site.run(&["import", "only-links"]);
    run.expect(1);
    assert!(run.stderr.contains("only-links/a.txt: skipped"), "{run:?}");
    assert!(
        run.stderr
            .contains("error: only-links: there are no files to import here"),
        "{run:?}"
    );
}

#[test]
fn a_file_without_tokens_is_named_even_among_others() {
    let site = site();
    site.write("inbox/a-reply.txt", "I'll do it on Monday.\n");
    site.write("inbox/b-token.txt", genuine(&site, "T001", 1, IAT));
    let run = site.run(&["import", "inbox"]);
    run.expect(0);
    assert!(
        run.stderr
            .contains("warning: inbox/a-reply.txt: no token found in this file"),
        "{run:?}"
    );
    let run = site.run(&["import", "inbox/a-reply.txt"]);
    run.expect(1);
    assert!(
        run.stderr
            .contains("error: inbox/a-reply.txt: no token found in this file"),
        "{run:?}"
    );
}

#[test]
fn roster_quotes_spellings_and_duplicates() {
    let site = site();
    let composed = "Zo\u{eb}";
    let decomposed = "Zoe\u{308}";
    site.write(
        ".handbook/roster.csv",
        format!(
            "id,name,school,role\n\
             T001,\"Able,\r\nAnn\",\"Hill\nSchool\",Teacher\n\
             {decomposed},Zo\u{eb} Adams,Hill School,Teacher\n"
        ),
    );
    // One person, whichever way the id is typed; the code is made from the
    // composed spelling.
    let run = site.run(&["codes", ".handbook/roster.csv"]);
    run.expect(0);
    let code = MasterKey::from_bytes(MASTER).staff_code(composed, 1);
    assert!(
        run.stdout.contains(&format!("{composed},Zo\u{eb} Adams,")) && run.stdout.contains(&code),
        "{run:?}"
    );
    for typed in [composed, decomposed] {
        let c = Claims {
            iss: SITE_ID.to_string(),
            sub: typed.to_string(),
            iat: IAT,
            pv: version(&site),
            mods: Scores(vec![("scope".into(), 100), ("behaviour".into(), 60)]),
            decl: true,
        };
        let token = sign(&signing_key(MASTER, composed, 1), typed, &c);
        let run = site.run_with_stdin(&["import", "-"], token.as_bytes());
        run.expect(0);
        assert!(run.stdout.contains("1 new"), "{typed:?}: {run:?}");
    }
    let run = site.run(&["report", "--csv", "report.csv"]);
    run.expect(0);
    let csv = site.read("report.csv");
    assert!(
        csv.contains("Hill School,Teacher,T001,\"Able, Ann\","),
        "{csv}"
    );
    assert_eq!(csv.matches(&format!(",{composed},")).count(), 1, "{csv}");

    site.write(
        ".handbook/roster.csv",
        format!("id,name\n{composed},Zo\u{eb} Adams\nT001,Ann Able\n{decomposed},Zoe Brown\n"),
    );
    let run = site.run(&["report"]);
    run.expect(1);
    assert!(
        run.stderr.contains(&format!(
            ".handbook/roster.csv:4: id `{composed}` is on line 2 (Zo\u{eb} Adams) and again on \
             line 4 (Zoe Brown)"
        )),
        "{run:?}"
    );
}

#[cfg(unix)]
#[test]
fn report_files_are_left_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = site();
    for file in ["report.html", "report.csv"] {
        site.write(file, "old");
        std::fs::set_permissions(site.path(file), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    site.run(&["report", "--html", "report.html", "--csv", "report.csv"])
        .expect(0);
    for file in ["report.html", "report.csv"] {
        let mode = std::fs::metadata(site.path(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
        assert_ne!(site.read(file), "old");
    }
}
