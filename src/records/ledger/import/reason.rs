//! Why a token was not imported, said so that an office worker can act on
//! it. Most of what a reason quotes comes from the token itself, before or
//! despite its signature, so it is escaped as it is shown.

use std::fmt;

use chrono::{DateTime, NaiveDate};

use crate::util::text::terminal_safe;

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
    /// Made for this site, but for a policy it does not have.
    UnknownPolicy {
        /// The policy id the token's `iss` names.
        found: String,
        /// The site's policies, for the message: `a`, `b`.
        policies: String,
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
    /// For a published version whose kept source (`versions/<policy>/<id>/`) is
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
        /// `EARLIEST_TOKEN_DATE`).
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
            Reason::UnknownPolicy { found, policies } => {
                format!("names no policy of this site: `{found}`; the policies are {policies}")
            }
            Reason::UnknownStaff(id) => {
                let unusual = unusual_characters(id);
                if unusual.is_empty() {
                    format!("unknown staff id `{id}`: not on the roster (left, or a changed id?)")
                } else {
                    format!("unknown staff id `{id}`: not on the roster{unusual}")
                }
            }
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
            if c.is_control() || super::super::scan::is_invisible(c) {
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
