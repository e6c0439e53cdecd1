//! Checking one token (SPEC §5): read strictly, signed with the current
//! code of someone on the roster, for this site and one of its policies,
//! for a published version of that policy,
//! completed within that version's life, with exactly that version's
//! modules, each passed, and the declaration signed. Nothing is stored
//! here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::NaiveDate;

use super::Reason;
use crate::records::policy::{Library, Policy};
use crate::records::roster::{Person, Roster};
use crate::records::token::{self, Claims, DecodeError, MasterKey, SigningKey};

/// How far a completion time may be off (clocks differ, and a publication
/// date is a day in someone's time zone).
pub(crate) const CLOCK_SKEW_SECONDS: i64 = 24 * 60 * 60;

/// No genuine token is older than handbook's token format: the lower bound
/// for a version that has not been published yet.
pub(crate) const EARLIEST_TOKEN_DATE: (i32, u32, u32) = (2025, 1, 1);

/// A token that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct Accepted<'r> {
    /// The person on the roster it is for.
    pub(crate) person: &'r Person,
    /// The policy it is a completion of.
    pub(crate) policy: &'r Policy,
    /// What it says.
    pub(crate) claims: Claims,
}

/// Why a token was refused, and the staff id it claims when it could be
/// read that far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The staff id the token claims, when it could be read.
    pub(crate) staff_id: Option<String>,
    /// Why it was refused.
    pub(crate) reason: Reason,
}

/// Checks tokens against the roster and the library, caching each
/// person's signing key. Shared by the threads that check an import's
/// tokens side by side.
pub(crate) struct Checker<'a> {
    master: &'a MasterKey,
    roster: &'a Roster,
    library: &'a Library,
    now: i64,
    /// Each person's keys so far, by code generation.
    keys: Mutex<HashMap<String, Vec<(u32, SigningKey)>>>,
}

impl std::fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("site", &self.library.site_id)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl<'a> Checker<'a> {
    /// A checker; `now` (Unix seconds) is the time future completion times
    /// are judged against.
    pub(crate) fn new(
        master: &'a MasterKey,
        roster: &'a Roster,
        library: &'a Library,
        now: i64,
    ) -> Self {
        Checker {
            master,
            roster,
            library,
            now,
            keys: Mutex::default(),
        }
    }

    fn key(&self, id: &str, generation: u32) -> SigningKey {
        let master = self.master;
        // A poisoned lock only means another thread panicked mid-insert of
        // a key it had already derived: the map is still sound.
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&(_, key)) = keys
            .get(id)
            .and_then(|known| known.iter().find(|(g, _)| *g == generation))
        {
            return key;
        }
        let key = master.staff_key(id, generation).signing_key();
        keys.entry(id.to_string())
            .or_default()
            .push((generation, key));
        key
    }

    /// Checks one token: accepted, or the reason it is not.
    pub(crate) fn check(&self, text: &str) -> Result<Accepted<'a>, Refusal> {
        let refuse = |staff_id: Option<&str>, reason| Refusal {
            staff_id: staff_id.map(str::to_string),
            reason,
        };
        let decoded = token::decode(text).map_err(|err| {
            refuse(
                readable_id(text).as_deref(),
                match err {
                    DecodeError::Damaged(detail) => Reason::Damaged(detail),
                    DecodeError::NotHandbook(detail) => Reason::NotHandbook(detail),
                    DecodeError::BadClaims(detail) => Reason::BadClaims(detail),
                },
            )
        })?;
        let sub = decoded.claims.sub.as_str();
        if decoded.kid_id != sub {
            return Err(refuse(
                Some(sub),
                Reason::NotHandbook("its key id (kid) does not match its staff id".to_string()),
            ));
        }
        let roster = self.roster;
        let Some(person) = roster.get(sub) else {
            return Err(refuse(Some(sub), Reason::UnknownStaff(sub.to_string())));
        };
        let id = person.id.as_str();
        self.signed_by(person, &decoded)
            .map_err(|reason| refuse(Some(id), reason))?;
        let claims = decoded.claims;
        let policy = self
            .holds(&claims)
            .map_err(|reason| refuse(Some(id), reason))?;
        Ok(Accepted {
            person,
            policy,
            claims,
        })
    }

    /// Whether `decoded` is signed with `person`'s current code. Only that
    /// code is accepted; the generation the token names is used only to
    /// explain a failure.
    fn signed_by(&self, person: &Person, decoded: &token::Decoded<'_>) -> Result<(), Reason> {
        let id = person.id.as_str();
        let current = person.generation;
        let key = self.key(id, current);
        if decoded.verify(&key) {
            return Ok(());
        }
        let used = decoded.generation;
        Err(if used != current && decoded.verify(&self.key(id, used)) {
            let id = id.to_string();
            if used < current {
                Reason::ReplacedCode { id, used, current }
            } else {
                Reason::NewerCode { id, used, current }
            }
        } else {
            Reason::BadSignature(id.to_string())
        })
    }

    /// Whether the (signed) claims hold, and for which policy: this site
    /// and one of its policies, a published version of that policy whose
    /// course is known, a time within that version's life, and that
    /// version's course completed.
    fn holds(&self, claims: &Claims) -> Result<&'a Policy, Reason> {
        let policy = self.policy_of(&claims.iss)?;
        self.holds_for(policy, claims)?;
        Ok(policy)
    }

    /// The policy an `iss` names: `<site id>/<policy id>`.
    fn policy_of(&self, iss: &str) -> Result<&'a Policy, Reason> {
        let library = self.library;
        let Some(policy_id) = iss
            .strip_prefix(library.site_id.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
        else {
            return Err(Reason::WrongSite {
                found: iss.to_string(),
                expected: library.site_id.clone(),
            });
        };
        library.get(policy_id).ok_or_else(|| Reason::UnknownPolicy {
            found: policy_id.to_string(),
            policies: library.list(),
        })
    }

    /// Whether the claims hold for `policy`.
    fn holds_for(&self, policy: &Policy, claims: &Claims) -> Result<(), Reason> {
        if !policy.accepts(&claims.pv) {
            return Err(Reason::UnknownVersion(claims.pv.clone()));
        }
        // A token is held to its own version's course; a published version
        // whose course cannot be read cannot vouch for anything.
        let Some(modules) = policy.modules_for(&claims.pv) else {
            return Err(Reason::VersionSourceMissing(policy.describe(&claims.pv)));
        };
        self.in_time(policy, claims)?;
        completed(modules, claims)
    }

    /// Whether the completion time falls between the version's
    /// publication (or the first day any token could be made) and now,
    /// give or take [`CLOCK_SKEW_SECONDS`].
    fn in_time(&self, policy: &Policy, claims: &Claims) -> Result<(), Reason> {
        if claims.iat > self.now.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(Reason::FutureTime(claims.iat));
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
            return Err(Reason::TooEarly {
                iat: claims.iat,
                since,
                published,
            });
        }
        Ok(())
    }
}

/// The staff id a token that cannot be read strictly still shows: its
/// header's `kid` (without `#n`) or its claims' `sub`, read leniently,
/// so that the office knows whom to ask. Only for the message: nothing is
/// trusted from it.
fn readable_id(text: &str) -> Option<String> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let mut parts = text.split('.');
    let (header, claims) = (parts.next()?, parts.next());
    let field = |part: &str, name: &str| -> Option<String> {
        let bytes = LENIENT.decode(part.trim_end_matches('=')).ok()?;
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(json) => json.get(name)?.as_str().map(str::to_string),
            // Damaged JSON: the text after `"name":"`, if it is there.
            Err(_) => {
                let text = String::from_utf8_lossy(&bytes);
                let start = text.find(&format!("\"{name}\":\""))? + name.len() + 4;
                let rest = &text[start..];
                Some(rest[..rest.find('"')?].to_string())
            }
        }
    };
    let id = claims.and_then(|claims| field(claims, "sub")).or_else(|| {
        field(header, "kid").map(|kid| match kid.rsplit_once('#') {
            Some((id, n)) if n.bytes().all(|b| b.is_ascii_digit()) => id.to_string(),
            _ => kid,
        })
    })?;
    let id = id.trim();
    (!id.is_empty() && id.chars().count() <= 64).then(|| id.to_string())
}

/// Whether the claims complete the course of `modules` (module → pass
/// mark): every module passed, no other module, and the declaration
/// signed.
fn completed(modules: &BTreeMap<String, i64>, claims: &Claims) -> Result<(), Reason> {
    for (module, &pass_mark) in modules {
        match claims.mods.get(module) {
            None => return Err(Reason::MissingModule(module.clone())),
            Some(score) if score < pass_mark => {
                return Err(Reason::FailedModule {
                    module: module.clone(),
                    score,
                    pass_mark,
                });
            }
            Some(_) => {}
        }
    }
    // Exactly the version's modules: an extra one is nothing a person
    // completed, and its name would reach the report.
    if let Some((extra, _)) = claims.mods.0.iter().find(|(m, _)| !modules.contains_key(m)) {
        return Err(Reason::ExtraModule(extra.clone()));
    }
    if !claims.decl {
        return Err(Reason::NoDeclaration);
    }
    Ok(())
}
