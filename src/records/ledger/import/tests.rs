//! Tests of importing: each check of SPEC §5 with its reason, reasons
//! that read plainly and escape what the token says, and inputs read and
//! checked before the ledger is locked.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;

use super::check::CLOCK_SKEW_SECONDS;
use super::*;
use crate::records::policy::{KnownVersion, Library, Policy};
use crate::records::token::{Claims, Scores, header_json, kid, sign};

const NOW: i64 = 1_767_225_600;

fn master() -> MasterKey {
    MasterKey::from_bytes([7; 32])
}

fn roster() -> Roster {
    Roster::parse(
        b"id,name,generation\nT1,One,\nT2,Two,2\n",
        Path::new("roster.csv"),
    )
    .unwrap()
}

/// The site `demo` with two policies: `policy` (two modules, an old
/// version kept and one lost) and `second` (one module, never published).
fn library() -> Library {
    Library {
        site_id: "demo".to_string(),
        policies: vec![policy(), second()],
    }
}

fn second() -> Policy {
    Policy {
        id: "second".to_string(),
        title: "Second Policy".to_string(),
        label: String::new(),
        required_for: vec!["all".to_string()],
        due_days: 30,
        renew_months: None,
        known_versions: Vec::new(),
        current_version: "cccccccccccccccc".to_string(),
        modules: BTreeMap::from([("duties".to_string(), 70)]),
        archived_modules: BTreeMap::new(),
    }
}

fn policy() -> Policy {
    Policy {
        id: "policy".to_string(),
        title: "The Policy".to_string(),
        label: String::new(),
        required_for: vec!["all".to_string()],
        due_days: 30,
        renew_months: None,
        known_versions: vec![
            KnownVersion {
                id: "aaaaaaaaaaaaaaaa".to_string(),
                label: "old".to_string(),
                published: NaiveDate::from_ymd_opt(2025, 6, 1),
                minor: false,
            },
            // Published, but its kept source has gone.
            KnownVersion {
                id: "bbbbbbbbbbbbbbbb".to_string(),
                label: "lost".to_string(),
                published: NaiveDate::from_ymd_opt(2025, 9, 1),
                minor: false,
            },
        ],
        current_version: "0123456789abcdef".to_string(),
        modules: BTreeMap::from([("scope".to_string(), 80), ("behaviour".to_string(), 50)]),
        archived_modules: BTreeMap::from([(
            "aaaaaaaaaaaaaaaa".to_string(),
            BTreeMap::from([("scope".to_string(), 80)]),
        )]),
    }
}

fn claims(sub: &str) -> Claims {
    Claims {
        iss: "demo/policy".to_string(),
        sub: sub.to_string(),
        iat: NOW - 3600,
        pv: "0123456789abcdef".to_string(),
        mods: Scores(vec![
            ("scope".to_string(), 100),
            ("behaviour".to_string(), 50),
        ]),
        decl: true,
    }
}

fn token(id: &str, generation: u32, claims: &Claims) -> String {
    let key = master().staff_key(id, generation).signing_key();
    sign(&key, &kid(&claims.sub, generation), claims)
}

fn check(token: &str) -> std::result::Result<String, Reason> {
    check_for(token).map(|(id, _)| id)
}

/// The person and the policy a token is accepted for, or why not.
fn check_for(token: &str) -> std::result::Result<(String, String), Reason> {
    let (master, roster, library) = (master(), roster(), library());
    let checker = Checker::new(&master, &roster, &library, NOW);
    checker
        .check(token)
        .map(|a| (a.person.id.clone(), a.policy.id.clone()))
        .map_err(|r| r.reason)
}

#[test]
fn accepts_valid_tokens() {
    assert_eq!(check(&token("T1", 1, &claims("T1"))), Ok("T1".to_string()));
    assert_eq!(check(&token("T2", 2, &claims("T2"))), Ok("T2".to_string()));
    // Typed in another case: still T1, since the key is T1's.
    assert_eq!(check(&token("T1", 1, &claims("t1"))), Ok("T1".to_string()));
    let mut old = claims("T1");
    old.pv = "aaaaaaaaaaaaaaaa".to_string();
    old.mods.0.pop();
    assert_eq!(check(&token("T1", 1, &old)), Ok("T1".to_string()));
    let mut skewed = claims("T1");
    skewed.iat = NOW + CLOCK_SKEW_SECONDS;
    assert!(check(&token("T1", 1, &skewed)).is_ok());
    // A day before the old version's publication is still within the
    // clock skew.
    let published = NaiveDate::from_ymd_opt(2025, 6, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    old.iat = published - CLOCK_SKEW_SECONDS;
    assert!(check(&token("T1", 1, &old)).is_ok());
}

#[test]
fn completion_times_must_fall_within_the_versions_life() {
    let early = |pv: &str, iat: i64| {
        let mut c = claims("T1");
        c.pv = pv.to_string();
        if pv != "0123456789abcdef" {
            c.mods.0.pop();
        }
        c.iat = iat;
        check(&token("T1", 1, &c))
    };
    let since_epoch = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    for iat in [
        0,
        i64::MIN,
        -1,
        since_epoch
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
            - CLOCK_SKEW_SECONDS
            - 1,
    ] {
        assert_eq!(
            early("0123456789abcdef", iat),
            Err(Reason::TooEarly {
                iat,
                since: since_epoch,
                published: false
            }),
            "{iat}"
        );
    }
    let published = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let before = published
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
        - CLOCK_SKEW_SECONDS
        - 1;
    assert_eq!(
        early("aaaaaaaaaaaaaaaa", before),
        Err(Reason::TooEarly {
            iat: before,
            since: published,
            published: true
        })
    );
    assert_eq!(
        early("0123456789abcdef", i64::MAX),
        Err(Reason::FutureTime(i64::MAX))
    );
    assert_eq!(
        Reason::TooEarly {
            iat: i64::MIN,
            since: published,
            published: true
        }
        .to_string(),
        "the completion time (-9223372036854775808) is before this version was published \
         (2025-06-01)"
    );
    assert_eq!(
        Reason::TooEarly {
            iat: 0,
            since: since_epoch,
            published: false
        }
        .to_string(),
        "the completion time (1970-01-01 00:00 UTC) is before any handbook token could be \
         made (2025-01-01)"
    );
}

#[test]
fn modules_must_be_exactly_the_versions_own() {
    let mut c = claims("T1");
    c.mods.0.push(("=HYPERLINK(\"x\")".to_string(), 100));
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::ExtraModule("=HYPERLINK(\"x\")".to_string()))
    );
    // The old version's course had no `behaviour` module.
    let mut c = claims("T1");
    c.pv = "aaaaaaaaaaaaaaaa".to_string();
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::ExtraModule("behaviour".to_string()))
    );
    // A published version whose source is gone cannot be checked, even
    // by a token claiming no modules at all.
    let mut c = claims("T1");
    c.pv = "bbbbbbbbbbbbbbbb".to_string();
    c.mods.0.clear();
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::VersionSourceMissing(
            "lost (bbbbbbbbbbbbbbbb)".to_string()
        ))
    );
}

#[test]
fn reasons_escape_what_the_token_says() {
    let shown = Reason::UnknownStaff("\u{1b}[2K\r1 new, 0 rejected".to_string()).to_string();
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    assert!(shown.contains("\\u{1b}[2K\\r1 new, 0 rejected"), "{shown}");
    assert!(shown.contains("U+001B"), "{shown}");
    let cyrillic = Reason::UnknownStaff("\u{422}001".to_string()).to_string();
    assert_eq!(
        cyrillic,
        "unknown staff id `\u{422}001`: not on the roster (it contains `\u{422}` U+0422, not \
         a plain letter or digit: a look-alike of a roster id?)"
    );
    let invisible = Reason::UnknownStaff("T\u{200b}001".to_string()).to_string();
    assert!(invisible.contains("U+200B"), "{invisible}");
    let module = Reason::ExtraModule("a\u{1b}]8;;x\u{7}".to_string()).to_string();
    assert!(!module.chars().any(char::is_control), "{module:?}");
}

/// Reading and checking happen before the write transaction: while
/// the inputs are being read, another connection can still write.
#[test]
fn nothing_is_locked_while_inputs_are_read_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let library = library();
    let mut ledger = Ledger::open(&path, &library).unwrap();
    let good = token("T1", 1, &claims("T1"));
    let mut probes = 0;
    let inputs = (0..3).map(|n| {
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
            .expect("the ledger is free while inputs are read");
        probes += 1;
        Ok(Input::bytes(
            format!("in{n}.txt"),
            if n == 1 {
                b"nothing here".to_vec()
            } else {
                format!("{good}\n").into_bytes()
            },
        ))
    });
    let summary = import_all(&mut ledger, inputs).unwrap();
    assert_eq!(probes, 3);
    assert_eq!(summary.inputs, 3);
    // The second copy is counted once, not as "already recorded".
    assert_eq!(
        (
            summary.found,
            summary.new,
            summary.duplicates,
            summary.repeated
        ),
        (2, 1, 0, 1)
    );
    let without: Vec<&str> = summary
        .without_tokens
        .iter()
        .map(|w| w.file.as_str())
        .collect();
    assert_eq!(without, ["in1.txt"]);
    assert_eq!(ledger.completions().unwrap().len(), 1);
}

#[test]
fn gives_each_rejection_its_reason() {
    let good = token("T1", 1, &claims("T1"));
    assert!(matches!(
        check(&good[..good.len() - 3]),
        Err(Reason::Damaged(_))
    ));
    let parts: Vec<&str> = good.split('.').collect();
    let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"T1"}"#);
    assert!(matches!(
        check(&format!("{none}.{}.", parts[1])),
        Err(Reason::NotHandbook(d)) if d.contains("none")
    ));
    let mut c = claims("T1");
    c.sub = "T2".to_string();
    assert!(matches!(
        check(&format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header_json("T1")),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap()),
            parts[2]
        )),
        Err(Reason::NotHandbook(d)) if d.contains("kid")
    ));
    assert_eq!(
        check(&token("T9", 1, &claims("T9"))),
        Err(Reason::UnknownStaff("T9".to_string()))
    );
    assert_eq!(
        check(&token("T2", 2, &claims("T1"))),
        Err(Reason::BadSignature("T1".to_string()))
    );
    assert_eq!(
        check(&token("T2", 1, &claims("T2"))),
        Err(Reason::ReplacedCode {
            id: "T2".to_string(),
            used: 1,
            current: 2
        })
    );
    assert_eq!(
        check(&token("T1", 2, &claims("T1"))),
        Err(Reason::NewerCode {
            id: "T1".to_string(),
            used: 2,
            current: 1
        })
    );
    for other in [
        "other/site",
        "demo",
        "demolition/policy",
        "other/demo/policy",
    ] {
        let mut c = claims("T1");
        c.iss = other.to_string();
        assert_eq!(
            check(&token("T1", 1, &c)),
            Err(Reason::WrongSite {
                found: other.to_string(),
                expected: "demo".to_string()
            }),
            "{other}"
        );
    }
    let mut c = claims("T1");
    c.iss = "demo/retired".to_string();
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::UnknownPolicy {
            found: "retired".to_string(),
            policies: "`policy`, `second`".to_string()
        })
    );
    let mut c = claims("T1");
    c.pv = "ffffffffffffffff".to_string();
    assert!(matches!(
        check(&token("T1", 1, &c)),
        Err(Reason::UnknownVersion(_))
    ));
    let mut c = claims("T1");
    c.iat = NOW + CLOCK_SKEW_SECONDS + 1;
    assert!(matches!(
        check(&token("T1", 1, &c)),
        Err(Reason::FutureTime(_))
    ));
    let mut c = claims("T1");
    c.mods.0.remove(0);
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::MissingModule("scope".to_string()))
    );
    let mut c = claims("T1");
    c.mods.0[1].1 = 49;
    assert!(matches!(
        check(&token("T1", 1, &c)),
        Err(Reason::FailedModule {
            score: 49,
            pass_mark: 50,
            ..
        })
    ));
    let mut c = claims("T1");
    c.decl = false;
    assert_eq!(check(&token("T1", 1, &c)), Err(Reason::NoDeclaration));
}

/// A token is held to the policy its `iss` names: that policy's versions
/// and modules, not another's.
#[test]
fn each_token_is_checked_against_its_own_policy() {
    let mut c = claims("T1");
    c.iss = "demo/second".to_string();
    c.pv = "cccccccccccccccc".to_string();
    c.mods = Scores(vec![("duties".to_string(), 70)]);
    assert_eq!(
        check_for(&token("T1", 1, &c)),
        Ok(("T1".to_string(), "second".to_string()))
    );
    assert_eq!(
        check_for(&token("T1", 1, &claims("T1"))),
        Ok(("T1".to_string(), "policy".to_string()))
    );
    // The first policy's version, claimed for the second.
    let mut wrong = claims("T1");
    wrong.iss = "demo/second".to_string();
    assert_eq!(
        check(&token("T1", 1, &wrong)),
        Err(Reason::UnknownVersion("0123456789abcdef".to_string()))
    );
    // The second policy's version with the first policy's modules.
    c.mods = claims("T1").mods;
    assert_eq!(
        check(&token("T1", 1, &c)),
        Err(Reason::MissingModule("duties".to_string()))
    );
    assert_eq!(
        Reason::UnknownPolicy {
            found: "x".into(),
            policies: "`a`, `b`".into()
        }
        .to_string(),
        "names no policy of this site: `x`; the policies are `a`, `b`"
    );
}

#[test]
fn reasons_read_plainly() {
    assert_eq!(
        Reason::FailedModule {
            module: "scope".into(),
            score: 60,
            pass_mark: 80
        }
        .to_string(),
        "module `scope` was not passed (score 60%, pass mark 80%)"
    );
    assert_eq!(
        Reason::FutureTime(1_767_225_600).to_string(),
        "the completion time is in the future (2026-01-01 00:00 UTC)"
    );
}

/// Imports `inputs` with the test site's key, roster and library, at NOW.
fn import_all<I>(ledger: &mut Ledger, inputs: I) -> Result<ImportSummary>
where
    I: IntoIterator<Item = Result<Input>>,
{
    import(
        ledger,
        &master(),
        &roster(),
        &library(),
        inputs,
        NOW,
        &mut |_| {},
    )
}

/// `count` different valid tokens for T1, one per line.
fn many_tokens(count: usize) -> String {
    let key = master().staff_key("T1", 1).signing_key();
    let mut text = String::new();
    for n in 0..count {
        let mut claims = claims("T1");
        claims.iat = NOW - 3600 - n as i64;
        text.push_str(&sign(&key, "T1", &claims));
        text.push('\n');
    }
    text
}

/// A reader that fails once its bytes are read, as a file on a failing
/// disk or a network share that goes away does.
struct Failing(std::io::Cursor<Vec<u8>>);

impl std::io::Read for Failing {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(out)? {
            0 => Err(std::io::Error::other("the share went away")),
            n => Ok(n),
        }
    }
}

#[test]
fn a_large_import_is_written_as_it_goes_and_every_token_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("ledger.sqlite"), &library()).unwrap();
    // More than are held before the writing starts, with a copy of one
    // in a second input.
    let text = many_tokens(HELD + 1_500);
    let first_line = text.lines().next().unwrap().to_string();
    let summary = import_all(
        &mut ledger,
        [
            Ok(Input::reader(
                "big.txt",
                std::io::Cursor::new(text.into_bytes()),
            )),
            Ok(Input::bytes(
                "again.txt",
                format!("{first_line}\n").into_bytes(),
            )),
        ],
    )
    .unwrap();
    assert_eq!(summary.new, HELD + 1_500);
    assert_eq!(summary.repeated, 1);
    assert!(summary.rejected.is_empty());
    let completions = ledger.completions().unwrap();
    assert_eq!(completions.len(), HELD + 1_500);
    // Each row knows its line.
    let mut sources: Vec<_> = completions.iter().map(|c| c.source.clone()).collect();
    sources.sort();
    sources.dedup();
    assert_eq!(sources.len(), HELD + 1_500);
    assert!(sources.contains(&format!("big.txt:{}", HELD + 1_500)));
}

#[test]
fn a_large_import_that_fails_part_way_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let library = library();
    let mut ledger = Ledger::open(&path, &library).unwrap();
    // The first input is enough to start writing; the second cannot be
    // read to its end.
    let result = import_all(
        &mut ledger,
        [
            Ok(Input::bytes(
                "big.txt",
                many_tokens(HELD + 500).into_bytes(),
            )),
            Ok(Input::reader(
                "share/more.txt",
                Failing(std::io::Cursor::new(many_tokens(3).into_bytes())),
            )),
        ],
    );
    let err = result.unwrap_err().to_string();
    assert!(err.contains("share/more.txt"), "{err}");
    assert!(err.contains("the share went away"), "{err}");
    assert!(ledger.completions().unwrap().is_empty());
    drop(ledger);
    // Nothing half-written either: the file opens as an empty ledger.
    let again = Ledger::open(&path, &library).unwrap();
    assert!(again.completions().unwrap().is_empty());
}

#[test]
fn a_small_import_reads_every_input_before_the_ledger_is_locked_even_in_pieces() {
    // An ordinary import of a large file with few tokens: the file is read
    // a piece at a time, and the ledger stays free until the end.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let library = library();
    let mut ledger = Ledger::open(&path, &library).unwrap();
    let good = token("T1", 1, &claims("T1"));
    let mut text = "Dear office,\n\n".repeat(600_000).into_bytes();
    text.extend_from_slice(format!("{good}\n").as_bytes());
    let probe_path = path.clone();
    let probe = move || {
        rusqlite::Connection::open(&probe_path)
            .unwrap()
            .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
            .expect("the ledger is free while inputs are read");
    };
    let inputs = [0, 1].into_iter().map(|n| {
        probe();
        Ok(if n == 0 {
            Input::bytes("letter.txt", text.clone())
        } else {
            Input::bytes("empty.txt", Vec::new())
        })
    });
    let summary = import_all(&mut ledger, inputs).unwrap();
    assert_eq!(summary.new, 1);
    let completions = ledger.completions().unwrap();
    assert_eq!(completions[0].source, "letter.txt:1200001");
}
