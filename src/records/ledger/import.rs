//! Importing tokens: every token found in the inputs is checked against the
//! roster and the policy (SPEC §5) and is then new, already recorded, or
//! rejected with a reason an office worker can act on.
//!
//! The work is done in two steps so that nobody waits on an import: every
//! input is read, scanned and checked first, with the ledger untouched;
//! then all new completions are written in one short transaction.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate};

use super::policy::Policy;
use super::scan::find_tokens;
use super::{Ledger, Method, NewCompletion};
use crate::error::Result;
use crate::records::roster::{Person, Roster};
use crate::records::token::{self, Claims, DecodeError, MasterKey, SigningKey};
use crate::util::text::terminal_safe;

/// How far a completion time may be off (clocks differ, and a publication
/// date is a day in someone's time zone).
pub const CLOCK_SKEW_SECONDS: i64 = 24 * 60 * 60;

/// No genuine token is older than handbook's token format: the lower bound
/// for a version that has not been published yet.
pub const EARLIEST_TOKEN_DATE: (i32, u32, u32) = (2025, 1, 1);

/// The progress callback is called after every this many tokens.
pub const PROGRESS_EVERY: usize = 10_000;

/// Why a token was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Not a token, or damaged or cut short (the detail says how).
    Damaged(String),
    /// Not signed the way handbook signs: `alg: none`, another algorithm,
    /// or a changed header (the detail says which).
    NotHandbook(String),
    /// Claims the course page never writes: one missing, added, named
    /// twice, of the wrong type or out of range (the detail says which).
    BadClaims(String),
    /// Made for another site.
    WrongSite {
        /// The token's `iss`.
        found: String,
        /// This site's id.
        expected: String,
    },
    /// The staff id is not on the roster.
    UnknownStaff(String),
    /// The signature does not match the person's code: made with someone
    /// else's code, or changed after it was made.
    BadSignature(String),
    /// Made with a code the roster says has been replaced.
    ReplacedCode {
        /// The roster id.
        id: String,
        /// The generation the token was made with.
        used: u32,
        /// The roster's generation.
        current: u32,
    },
    /// Made with a newer code than the roster knows about.
    NewerCode {
        /// The roster id.
        id: String,
        /// The generation the token was made with.
        used: u32,
        /// The roster's generation.
        current: u32,
    },
    /// For a policy version that was never published.
    UnknownVersion(String),
    /// For a published version whose kept source (`versions/<id>/`) is
    /// missing or changed, so its course cannot be checked.
    VersionSourceMissing(String),
    /// The completion time is in the future.
    FutureTime(i64),
    /// The completion time is before the version existed.
    TooEarly {
        /// The token's `iat`.
        iat: i64,
        /// The earliest day a completion of this version can be from.
        since: NaiveDate,
        /// True when `since` is the version's publication date (else it is
        /// [`EARLIEST_TOKEN_DATE`]).
        published: bool,
    },
    /// A module of the course is not in the token.
    MissingModule(String),
    /// The token names a module that is not part of its version's course.
    ExtraModule(String),
    /// A module's score is below its pass mark.
    FailedModule {
        /// The module id.
        module: String,
        /// The score in the token.
        score: i64,
        /// The module's pass mark.
        pass_mark: i64,
    },
    /// The declaration was not signed.
    NoDeclaration,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Most of what is shown comes from the token, before or despite its
        // signature: it is escaped so that it cannot drive the terminal.
        f.write_str(&terminal_safe(&self.describe()))
    }
}

impl Reason {
    fn describe(&self) -> String {
        match self {
            Reason::Damaged(detail) => format!("not a token, or damaged or cut short: {detail}"),
            Reason::NotHandbook(detail) => format!("not signed the way handbook signs: {detail}"),
            Reason::BadClaims(detail) => {
                format!("not what the course page writes: {detail}")
            }
            Reason::WrongSite { found, expected } => {
                format!("made for a different site (`{found}`; this site is `{expected}`)")
            }
            Reason::UnknownStaff(id) => format!(
                "unknown staff id `{id}`: not on the roster{}",
                unusual_characters(id)
            ),
            Reason::BadSignature(id) => {
                format!("signed with a code that is not {id}'s (or changed after it was made)")
            }
            Reason::ReplacedCode { id, used, current } => format!(
                "made with a replaced code: {id}'s code no. {used}, but the roster says \
                 no. {current} is the one in use"
            ),
            Reason::NewerCode { id, used, current } => format!(
                "made with {id}'s code no. {used}, but the roster says no. {current}: \
                 update the roster's generation column"
            ),
            Reason::UnknownVersion(pv) => {
                format!("for a policy version that was never published ({pv})")
            }
            Reason::VersionSourceMissing(version) => format!(
                "for version {version}, whose kept source under versions/ is missing or \
                 changed, so its course cannot be checked"
            ),
            Reason::FutureTime(iat) => format!(
                "the completion time is in the future ({})",
                format_time(*iat)
            ),
            Reason::TooEarly {
                iat,
                since,
                published: true,
            } => format!(
                "the completion time ({}) is before this version was published ({since})",
                format_time(*iat)
            ),
            Reason::TooEarly { iat, since, .. } => format!(
                "the completion time ({}) is before any handbook token could be made ({since})",
                format_time(*iat)
            ),
            Reason::MissingModule(module) => {
                format!("module `{module}` is missing: the course was not finished")
            }
            Reason::ExtraModule(module) => format!(
                "module `{module}` is not part of this version's course (the token was changed)"
            ),
            Reason::FailedModule {
                module,
                score,
                pass_mark,
            } => {
                format!("module `{module}` was not passed (score {score}%, pass mark {pass_mark}%)")
            }
            Reason::NoDeclaration => "the declaration was not signed".to_string(),
        }
    }
}

/// For an unknown id: the characters in it that are not plain ASCII, which
/// may look like ones on the roster (a Cyrillic `Т` for a Latin `T`, an
/// invisible space).
fn unusual_characters(id: &str) -> String {
    let mut unusual: Vec<char> = Vec::new();
    for c in id.chars() {
        if (!c.is_ascii() || c.is_ascii_control()) && !unusual.contains(&c) {
            unusual.push(c);
        }
    }
    if unusual.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = unusual
        .iter()
        .take(4)
        .map(|&c| {
            if c.is_control() || crate::records::ledger::scan::is_invisible(c) {
                format!("U+{:04X}", c as u32)
            } else {
                format!("`{c}` U+{:04X}", c as u32)
            }
        })
        .collect();
    format!(
        " (it contains {}, not a plain letter or digit: a look-alike of a roster id?)",
        listed.join(", ")
    )
}

fn format_time(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// One input: a file's (or stdin's) bytes and the name to report it by.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file name as the user gave it, or `stdin`.
    pub name: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// A token that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The input it was in: the file name as given, or `stdin`.
    pub file: String,
    /// The line it starts on.
    pub line: usize,
    /// The staff id it claims, when it could be read.
    pub staff_id: Option<String>,
    /// Why.
    pub reason: Reason,
}

impl Rejected {
    /// Where it was: `file:line`.
    pub fn source(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Inputs read.
    pub inputs: usize,
    /// Token-shaped strings found.
    pub found: usize,
    /// Completions newly recorded.
    pub new: usize,
    /// Valid tokens already in the ledger (or found twice in the input).
    pub duplicates: usize,
    /// Tokens rejected, in input order.
    pub rejected: Vec<Rejected>,
    /// The inputs in which nothing token-shaped was found, by name.
    pub without_tokens: Vec<String>,
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub struct Accepted<'r> {
    /// The person on the roster it is for.
    pub person: &'r Person,
    /// What it says.
    pub claims: Claims,
}

/// Checks tokens against the roster and the policy (SPEC §5), caching each
/// person's signing key.
pub struct Checker<'a> {
    master: &'a MasterKey,
    roster: &'a Roster,
    policy: &'a Policy,
    now: i64,
    keys: HashMap<(String, u32), SigningKey>,
}

impl std::fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("policy", self.policy)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl<'a> Checker<'a> {
    /// A checker; `now` (Unix seconds) is the time future completion times
    /// are judged against.
    pub fn new(master: &'a MasterKey, roster: &'a Roster, policy: &'a Policy, now: i64) -> Self {
        Checker {
            master,
            roster,
            policy,
            now,
            keys: HashMap::new(),
        }
    }

    fn key(&mut self, id: &str, generation: u32) -> SigningKey {
        let master = self.master;
        *self
            .keys
            .entry((id.to_string(), generation))
            .or_insert_with(|| master.staff_key(id, generation).signing_key())
    }

    /// Checks one token: accepted, or the reason it is not.
    pub fn check(&mut self, text: &str) -> std::result::Result<Accepted<'a>, Rejected> {
        let reject = |staff_id: Option<&str>, reason| Rejected {
            file: String::new(),
            line: 0,
            staff_id: staff_id.map(str::to_string),
            reason,
        };
        let decoded = token::decode(text).map_err(|err| match err {
            DecodeError::Damaged(detail) => reject(None, Reason::Damaged(detail)),
            DecodeError::NotHandbook(detail) => reject(None, Reason::NotHandbook(detail)),
            DecodeError::BadClaims(detail) => reject(None, Reason::BadClaims(detail)),
        })?;
        let sub = decoded.claims.sub.as_str();
        if decoded.kid_id != sub {
            return Err(reject(
                Some(sub),
                Reason::NotHandbook("its key id (kid) does not match its staff id".to_string()),
            ));
        }
        let roster = self.roster;
        let Some(person) = roster.get(sub) else {
            return Err(reject(Some(sub), Reason::UnknownStaff(sub.to_string())));
        };
        let id = person.id.as_str();
        // Only the roster's current code is accepted; the generation the
        // token names is used only to explain a failure.
        let key = self.key(id, person.generation);
        if !decoded.verify(&key) {
            let used = decoded.generation;
            let reason = if used != person.generation && decoded.verify(&self.key(id, used)) {
                if used < person.generation {
                    Reason::ReplacedCode {
                        id: id.to_string(),
                        used,
                        current: person.generation,
                    }
                } else {
                    Reason::NewerCode {
                        id: id.to_string(),
                        used,
                        current: person.generation,
                    }
                }
            } else {
                Reason::BadSignature(id.to_string())
            };
            return Err(reject(Some(id), reason));
        }
        let claims = decoded.claims;
        let policy = self.policy;
        if claims.iss != policy.site_id {
            return Err(reject(
                Some(id),
                Reason::WrongSite {
                    found: claims.iss,
                    expected: policy.site_id.clone(),
                },
            ));
        }
        if !policy.accepts(&claims.pv) {
            return Err(reject(Some(id), Reason::UnknownVersion(claims.pv)));
        }
        // A token is held to its own version's course; a published version
        // whose course cannot be read cannot vouch for anything.
        let Some(modules) = policy.modules_for(&claims.pv) else {
            return Err(reject(
                Some(id),
                Reason::VersionSourceMissing(policy.describe(&claims.pv)),
            ));
        };
        if claims.iat > self.now.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(reject(Some(id), Reason::FutureTime(claims.iat)));
        }
        let (since, published) = match policy.first_published(&claims.pv) {
            Some(date) => (date, true),
            None => {
                let (y, m, d) = EARLIEST_TOKEN_DATE;
                (NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(), false)
            }
        };
        let earliest = since
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp()
            - CLOCK_SKEW_SECONDS;
        if claims.iat < earliest {
            return Err(reject(
                Some(id),
                Reason::TooEarly {
                    iat: claims.iat,
                    since,
                    published,
                },
            ));
        }
        for (module, &pass_mark) in modules {
            match claims.mods.get(module) {
                None => {
                    return Err(reject(Some(id), Reason::MissingModule(module.clone())));
                }
                Some(score) if score < pass_mark => {
                    return Err(reject(
                        Some(id),
                        Reason::FailedModule {
                            module: module.clone(),
                            score,
                            pass_mark,
                        },
                    ));
                }
                Some(_) => {}
            }
        }
        // Exactly the version's modules: an extra one is nothing a person
        // completed, and its name would reach the report.
        if let Some((extra, _)) = claims.mods.0.iter().find(|(m, _)| !modules.contains_key(m)) {
            return Err(reject(Some(id), Reason::ExtraModule(extra.clone())));
        }
        if !claims.decl {
            return Err(reject(Some(id), Reason::NoDeclaration));
        }
        Ok(Accepted { person, claims })
    }
}

/// A checked token waiting to be written.
struct ToWrite<'r> {
    accepted: Accepted<'r>,
    token: String,
    source: String,
}

/// Imports every token found in `inputs` into `ledger`.
///
/// Each input is read, scanned and every token checked with a [`Checker`]
/// against `roster` and `policy` (`now` is the current time in Unix
/// seconds) before the ledger is written at all; then the new completions
/// are written in one short transaction, so reports and `record` are never
/// kept waiting by a large import. `progress` is called with the number of
/// tokens checked so far after every [`PROGRESS_EVERY`]. Nothing is written
/// unless the whole import succeeds; an error reading an input stops the
/// import.
pub fn import<I>(
    ledger: &mut Ledger,
    master: &MasterKey,
    roster: &Roster,
    policy: &Policy,
    inputs: I,
    now: i64,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportSummary>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let mut checker = Checker::new(master, roster, policy, now);
    let mut summary = ImportSummary::default();
    let mut to_write: Vec<ToWrite<'_>> = Vec::new();
    for input in inputs {
        let input = input?;
        summary.inputs += 1;
        let found = find_tokens(&input.bytes);
        drop(input.bytes);
        if found.is_empty() {
            summary.without_tokens.push(input.name.clone());
        }
        for found in found {
            summary.found += 1;
            match checker.check(&found.token) {
                Ok(accepted) => to_write.push(ToWrite {
                    accepted,
                    source: format!("{}:{}", input.name, found.line),
                    token: found.token,
                }),
                Err(mut rejected) => {
                    rejected.file.clone_from(&input.name);
                    rejected.line = found.line;
                    summary.rejected.push(rejected);
                }
            }
            if summary.found % PROGRESS_EVERY == 0 {
                progress(summary.found);
            }
        }
    }
    if to_write.is_empty() {
        return Ok(summary);
    }
    let batch = ledger.batch()?;
    for item in &to_write {
        let new = batch.insert(&NewCompletion {
            staff_id: &item.accepted.person.id,
            policy_version: &item.accepted.claims.pv,
            completed_at: item.accepted.claims.iat,
            scores: &item.accepted.claims.mods,
            token: Some(&item.token),
            source: &item.source,
            method: Method::Token,
            note: None,
            imported_at: now,
        })?;
        if new {
            summary.new += 1;
        } else {
            summary.duplicates += 1;
        }
    }
    batch.commit()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::records::ledger::Ledger;
    use crate::records::ledger::policy::KnownVersion;
    use crate::records::token::{Scores, header_json, kid, sign};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

    fn policy() -> Policy {
        Policy {
            site_id: "demo/policy".to_string(),
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
        let (master, roster, policy) = (master(), roster(), policy());
        let mut checker = Checker::new(&master, &roster, &policy, NOW);
        checker
            .check(token)
            .map(|a| a.person.id.clone())
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
        let mut ledger = Ledger::open(&path).unwrap();
        let (master, roster, policy) = (master(), roster(), policy());
        let good = token("T1", 1, &claims("T1"));
        let mut probes = 0;
        let inputs = (0..3).map(|n| {
            let other = rusqlite::Connection::open(&path).unwrap();
            other
                .execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
                .expect("the ledger is free while inputs are read");
            probes += 1;
            Ok(Input {
                name: format!("in{n}.txt"),
                bytes: if n == 1 {
                    b"nothing here".to_vec()
                } else {
                    format!("{good}\n").into_bytes()
                },
            })
        });
        let summary = import(
            &mut ledger,
            &master,
            &roster,
            &policy,
            inputs,
            NOW,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(probes, 3);
        assert_eq!(summary.inputs, 3);
        assert_eq!((summary.found, summary.new, summary.duplicates), (2, 1, 1));
        assert_eq!(summary.without_tokens, ["in1.txt"]);
        assert_eq!(ledger.count().unwrap(), 1);
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
        let mut c = claims("T1");
        c.iss = "other/site".to_string();
        assert!(matches!(
            check(&token("T1", 1, &c)),
            Err(Reason::WrongSite { .. })
        ));
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
}
