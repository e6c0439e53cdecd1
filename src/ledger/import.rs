//! Importing tokens: every token found in the inputs is checked against the
//! roster and the policy (SPEC §5) and is then new, already recorded, or
//! rejected with a reason an office worker can act on. All new completions
//! of one import are written in one transaction.

use std::collections::HashMap;
use std::fmt;

use chrono::DateTime;

use super::policy::Policy;
use super::scan::find_tokens;
use super::{Ledger, Method, NewCompletion};
use crate::error::Result;
use crate::roster::{Person, Roster};
use crate::token::{self, Claims, DecodeError, MasterKey, SigningKey};

/// How far in the future a completion time may be (clocks differ).
pub const CLOCK_SKEW_SECONDS: i64 = 24 * 60 * 60;

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
    /// The completion time is in the future.
    FutureTime(i64),
    /// A module of the course is not in the token.
    MissingModule(String),
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
        match self {
            Reason::Damaged(detail) => write!(f, "not a token, or damaged or cut short: {detail}"),
            Reason::NotHandbook(detail) => {
                write!(f, "not signed the way handbook signs: {detail}")
            }
            Reason::WrongSite { found, expected } => write!(
                f,
                "made for a different site (`{found}`; this site is `{expected}`)"
            ),
            Reason::UnknownStaff(id) => write!(f, "unknown staff id `{id}`: not on the roster"),
            Reason::BadSignature(id) => write!(
                f,
                "signed with a code that is not {id}'s (or changed after it was made)"
            ),
            Reason::ReplacedCode { id, used, current } => write!(
                f,
                "made with a replaced code: {id}'s code no. {used}, but the roster says \
                 no. {current} is the one in use"
            ),
            Reason::NewerCode { id, used, current } => write!(
                f,
                "made with {id}'s code no. {used}, but the roster says no. {current}: \
                 update the roster's generation column"
            ),
            Reason::UnknownVersion(pv) => {
                write!(f, "for a policy version that was never published ({pv})")
            }
            Reason::FutureTime(iat) => write!(
                f,
                "the completion time is in the future ({})",
                format_time(*iat)
            ),
            Reason::MissingModule(module) => {
                write!(
                    f,
                    "module `{module}` is missing: the course was not finished"
                )
            }
            Reason::FailedModule {
                module,
                score,
                pass_mark,
            } => write!(
                f,
                "module `{module}` was not passed (score {score}%, pass mark {pass_mark}%)"
            ),
            Reason::NoDeclaration => f.write_str("the declaration was not signed"),
        }
    }
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
    /// Token-shaped strings found.
    pub found: usize,
    /// Completions newly recorded.
    pub new: usize,
    /// Valid tokens already in the ledger (or found twice in the input).
    pub duplicates: usize,
    /// Tokens rejected, in input order.
    pub rejected: Vec<Rejected>,
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
        if claims.iat > self.now.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(reject(Some(id), Reason::FutureTime(claims.iat)));
        }
        // A token is held to its own version's course when that is known
        // (the current version, or a kept published one); otherwise to the
        // pass marks of the current modules it has.
        let (modules, complete) = match policy.modules_for(&claims.pv) {
            Some(modules) => (modules, true),
            None => (&policy.modules, false),
        };
        for (module, &pass_mark) in modules {
            match claims.mods.get(module) {
                None if complete => {
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
                _ => {}
            }
        }
        if !claims.decl {
            return Err(reject(Some(id), Reason::NoDeclaration));
        }
        Ok(Accepted { person, claims })
    }
}

/// Imports every token found in `inputs` into `ledger`, in one transaction.
///
/// Each token is checked with a [`Checker`] against `roster` and `policy`
/// (`now` is the current time in Unix seconds); `progress` is called with
/// the number of tokens checked so far after every [`PROGRESS_EVERY`].
/// Nothing is written unless the whole import succeeds; an error reading
/// an input stops the import.
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
    let batch = ledger.batch()?;
    for input in inputs {
        let input = input?;
        for found in find_tokens(&input.bytes) {
            summary.found += 1;
            let source = format!("{}:{}", input.name, found.line);
            match checker.check(&found.token) {
                Ok(accepted) => {
                    let new = batch.insert(&NewCompletion {
                        staff_id: &accepted.person.id,
                        policy_version: &accepted.claims.pv,
                        completed_at: accepted.claims.iat,
                        scores: &accepted.claims.mods,
                        token: Some(&found.token),
                        source: &source,
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
    batch.commit()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::ledger::policy::KnownVersion;
    use crate::token::{Scores, header_json, kid, sign};
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
            known_versions: vec![KnownVersion {
                id: "aaaaaaaaaaaaaaaa".to_string(),
                label: "old".to_string(),
                published: None,
                minor: false,
            }],
            current_version: "0123456789abcdef".to_string(),
            modules: BTreeMap::from([("scope".to_string(), 80), ("behaviour".to_string(), 50)]),
            archived_modules: BTreeMap::new(),
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
