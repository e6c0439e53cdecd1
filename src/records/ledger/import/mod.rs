//! Importing tokens. Takes inputs (files' bytes), the master key, the
//! roster and the library; gives an [`ImportSummary`] and the new
//! completions in the ledger. Every token found in the inputs is checked
//! against the roster and the library (SPEC §5) and is then new, already
//! recorded, or rejected with a [`Reason`] an office worker can act on.
//!
//! The work is done in two steps so that nobody waits on an import: every
//! input is read, scanned and checked first (`check`), with the ledger
//! untouched; then all new completions are written in one short
//! transaction.

mod check;
mod reason;

use check::{Accepted, Checker};
pub use reason::Reason;

use super::scan::find_tokens;
use super::{Ledger, Method, NewCompletion};
use crate::error::Result;
use crate::records::policy::Library;
use crate::records::roster::Roster;
use crate::records::token::MasterKey;

/// The progress callback is called after every this many tokens.
const PROGRESS_EVERY: usize = 10_000;

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

/// A checked token waiting to be written.
struct ToWrite<'r> {
    accepted: Accepted<'r>,
    token: String,
    source: String,
}

/// Imports every token found in `inputs` into `ledger`.
///
/// Each input is read, scanned and every token checked against `roster`
/// and `library` (`now` is the current time in Unix seconds) before the
/// ledger is written at all; then the new completions are written in one
/// short transaction, so reports and `record` are never kept waiting by a
/// large import. `progress` is called with the number of tokens checked so
/// far after every 10,000. Nothing is written unless the whole import
/// succeeds; an error reading an input stops the import.
pub fn import<I>(
    ledger: &mut Ledger,
    master: &MasterKey,
    roster: &Roster,
    library: &Library,
    inputs: I,
    now: i64,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportSummary>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let mut checker = Checker::new(master, roster, library, now);
    let mut summary = ImportSummary::default();
    let mut to_write: Vec<ToWrite<'_>> = Vec::new();
    for input in inputs {
        let input = input?;
        summary.inputs += 1;
        check_input(&mut checker, input, &mut summary, &mut to_write, progress);
    }
    if !to_write.is_empty() {
        store(ledger, &to_write, now, &mut summary)?;
    }
    Ok(summary)
}

/// Step one for one input: finds its tokens and checks each, counting
/// them in `summary` and keeping the accepted ones in `to_write`.
fn check_input<'r>(
    checker: &mut Checker<'r>,
    input: Input,
    summary: &mut ImportSummary,
    to_write: &mut Vec<ToWrite<'r>>,
    progress: &mut dyn FnMut(usize),
) {
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
            Err(refusal) => summary.rejected.push(Rejected {
                file: input.name.clone(),
                line: found.line,
                staff_id: refusal.staff_id,
                reason: refusal.reason,
            }),
        }
        if summary.found.is_multiple_of(PROGRESS_EVERY) {
            progress(summary.found);
        }
    }
}

/// Step two: writes the accepted tokens in one transaction, counting which
/// were new and which were already recorded.
fn store(
    ledger: &mut Ledger,
    to_write: &[ToWrite<'_>],
    now: i64,
    summary: &mut ImportSummary,
) -> Result<()> {
    let batch = ledger.batch()?;
    for item in to_write {
        let claims = &item.accepted.claims;
        let new = batch.insert(&NewCompletion {
            staff_id: &item.accepted.person.id,
            policy: &item.accepted.policy.id,
            policy_version: &claims.pv,
            completed_at: claims.iat,
            scores: &claims.mods,
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
    batch.commit()
}

#[cfg(test)]
mod tests;
