//! Importing tokens. Takes inputs (files' bytes), the master key, the
//! roster and the library; gives an [`ImportSummary`] and the new
//! completions in the ledger. Each input is read by its kind
//! ([`read`](super::read): an e-mail, a mailbox, a spreadsheet, a Word
//! document, a PDF, text), every token found in it is checked against the
//! roster and the library (SPEC §5) and is then new, already recorded by an
//! earlier import, a copy of one found earlier in this import (counted
//! once), or rejected with a [`Reason`] an office worker can act on, and
//! [`Place`]d by its file, line, e-mail (date, sender, subject) or row.
//!
//! The work is done in two steps so that nobody waits on an import: every
//! input is read, scanned and checked first (`check`), with the ledger
//! only read; then all new completions are written in one short
//! transaction. What was rejected, and the files with no token, are noted
//! in a [`History`], so that the next import can tell what is new.

mod check;
mod reason;

use std::collections::HashSet;

use check::{Accepted, Checker};
pub use reason::Reason;

use super::history::History;
use super::read::{self, Kind, MailInfo};
use super::scan::find_tokens;
use super::{Ledger, Method, NewCompletion};
use crate::error::Result;
use crate::records::policy::Library;
use crate::records::roster::Roster;
use crate::records::token::{MasterKey, token_hash};

/// Progress is reported after every this many tokens.
const PROGRESS_EVERY: usize = 1_000;

/// One input: a file's (or stdin's) bytes and the name to report it by.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file name as the user gave it, or `stdin`.
    pub name: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// Where a token was found: the file, and as far as it can be told, the
/// line, the e-mail (its date, sender and subject) or the row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The input: the file name as given, or `stdin`.
    pub file: String,
    /// The line it is on, when the file has lines.
    pub line: Option<usize>,
    /// Where in the file, when lines say little: `message 3`, `row 5 (Ann
    /// Able, ann@example.org)`.
    pub within: Option<String>,
    /// The e-mail it came in.
    pub mail: Option<MailInfo>,
}

impl Place {
    /// The place as a `source` for the ledger: `file:line`, then the
    /// message or row when there is one.
    pub fn source(&self) -> String {
        let mut source = match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        };
        if let Some(within) = &self.within {
            source.push_str(&format!(" ({within})"));
        }
        source
    }

    /// The e-mail or row, for a message: `message 3, e-mail of 2026-01-05
    /// 09:14 from Ann Able <ann@example.org>, subject “Course done”`;
    /// `None` for a plain text file.
    pub fn described(&self) -> Option<String> {
        match (&self.within, &self.mail) {
            (Some(within), Some(mail)) => Some(format!("{within}, {mail}")),
            (None, Some(mail)) => Some(mail.to_string()),
            (Some(within), None) => Some(within.clone()),
            (None, None) => None,
        }
    }
}

/// A token that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Where it was found.
    pub place: Place,
    /// The staff id it claims, when it could be read.
    pub staff_id: Option<String>,
    /// Why.
    pub reason: Reason,
    /// True when an earlier import rejected it for the same reason.
    pub earlier: bool,
}

/// An input in which no token was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithoutTokens {
    /// The file name as given, or `stdin`.
    pub file: String,
    /// Its kind, for the advice on what to do ([`Kind::hint`]).
    pub kind: Kind,
    /// Why (part of) it could not be read, if so.
    pub problem: Option<String>,
    /// True when an earlier import found none in the same file.
    pub earlier: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Inputs read.
    pub inputs: usize,
    /// Tokens found: each counted once per e-mail (or file, or row), so an
    /// e-mail whose plain and HTML parts repeat a token counts it once.
    pub found: usize,
    /// Completions newly recorded.
    pub new: usize,
    /// Valid tokens an earlier import already recorded.
    pub duplicates: usize,
    /// Tokens found again in this import (a reply quoting the e-mail
    /// before, the same file twice): checked once, counted once.
    pub repeated: usize,
    /// Tokens rejected, in input order (those an earlier import rejected
    /// too are marked [`Rejected::earlier`]).
    pub rejected: Vec<Rejected>,
    /// The inputs in which no token was found.
    pub without_tokens: Vec<WithoutTokens>,
}

impl ImportSummary {
    /// Different tokens checked: new, already recorded or rejected.
    pub fn checked(&self) -> usize {
        self.found - self.repeated
    }
}

/// Told how an import is getting on, so that a long one can show it.
/// Nothing is required: each method does nothing unless given a body.
pub trait Progress {
    /// An input of `bytes` bytes was read and searched.
    fn input_done(&mut self, bytes: u64) {
        let _ = bytes;
    }

    /// `checked` tokens have been checked so far (told every 1,000).
    fn tokens_checked(&mut self, checked: usize) {
        let _ = checked;
    }
}

/// A closure is told the tokens checked so far.
impl<F: FnMut(usize)> Progress for F {
    fn tokens_checked(&mut self, checked: usize) {
        self(checked);
    }
}

/// A checked token waiting to be written.
struct ToWrite<'r> {
    accepted: Accepted<'r>,
    token: String,
    hash: String,
    source: String,
}

/// Imports every token found in `inputs` into `ledger`, with no memory of
/// earlier imports' rejections (see [`import_with_history`]).
pub fn import<I>(
    ledger: &mut Ledger,
    master: &MasterKey,
    roster: &Roster,
    library: &Library,
    inputs: I,
    now: i64,
    progress: &mut dyn Progress,
) -> Result<ImportSummary>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let mut history = History::default();
    let context = Context {
        master,
        roster,
        library,
        now,
    };
    import_with_history(ledger, &context, inputs, &mut history, progress)
}

/// What tokens are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The site's master key.
    pub master: &'a MasterKey,
    /// The roster.
    pub roster: &'a Roster,
    /// The site's policies.
    pub library: &'a Library,
    /// The current time in Unix seconds.
    pub now: i64,
}

/// Imports every token found in `inputs` into `ledger`.
///
/// Each input is read, scanned and every token checked against the
/// roster and library of `context` before the ledger is written at all;
/// then the new completions are written in one short transaction, so
/// reports and `record` are never kept waiting by a large import. What is
/// rejected, and each file without a token, is looked up in `history`
/// (marked `earlier` when an earlier import said the same) and noted there;
/// the caller saves it after the import. `progress` is told of each input
/// and of the tokens checked. Nothing is written unless the whole import
/// succeeds; an error reading an input stops the import.
pub fn import_with_history<I>(
    ledger: &mut Ledger,
    context: &Context<'_>,
    inputs: I,
    history: &mut History,
    progress: &mut dyn Progress,
) -> Result<ImportSummary>
where
    I: IntoIterator<Item = Result<Input>>,
{
    let recorded = ledger.token_hashes()?;
    let mut run = Run {
        checker: Checker::new(context.master, context.roster, context.library, context.now),
        recorded,
        seen: HashSet::new(),
        history,
        summary: ImportSummary::default(),
        to_write: Vec::new(),
        now: context.now,
    };
    for input in inputs {
        let input = input?;
        let bytes = input.bytes.len() as u64;
        run.summary.inputs += 1;
        run.input(input, progress);
        progress.input_done(bytes);
    }
    let Run {
        mut summary,
        to_write,
        history,
        now,
        ..
    } = run;
    if !to_write.is_empty() {
        store(ledger, &to_write, now, &mut summary)?;
        for item in &to_write {
            history.forget_token(&item.hash);
        }
    }
    Ok(summary)
}

/// Step one's state: what has been found, checked and kept so far.
struct Run<'r, 'h> {
    checker: Checker<'r>,
    /// The hashes of the tokens in the ledger before this import.
    recorded: HashSet<String>,
    /// The tokens found so far in this import.
    seen: HashSet<String>,
    history: &'h mut History,
    summary: ImportSummary,
    to_write: Vec<ToWrite<'r>>,
    now: i64,
}

impl Run<'_, '_> {
    /// Reads one input and checks each token in it, once per unit (an
    /// e-mail, a row), noting a file with none.
    fn input(&mut self, input: Input, progress: &mut dyn Progress) {
        let Input { name, bytes } = input;
        let kind = Kind::of(&name, &bytes);
        // To remember a file without tokens by its contents.
        let fingerprint = History::fingerprint(&bytes);
        let read = read::read(&name, bytes);
        let mut any = false;
        for unit in read.units {
            let mut in_unit = HashSet::new();
            for (start, text) in &unit.texts {
                for found in find_tokens(text) {
                    if !in_unit.insert(found.token.clone()) {
                        continue;
                    }
                    any = true;
                    let place = Place {
                        file: name.clone(),
                        line: (*start > 0).then(|| start + found.line.max(1) - 1),
                        within: unit.within.clone(),
                        mail: unit.mail.clone(),
                    };
                    self.token(found.token, place, progress);
                }
            }
        }
        if !any {
            let earlier =
                self.history
                    .file_seen(&fingerprint, &format!("{kind:?}"), &name, self.now);
            self.summary.without_tokens.push(WithoutTokens {
                file: name,
                kind,
                problem: read.problem,
                earlier,
            });
        }
    }

    /// Checks one token found at `place`.
    fn token(&mut self, token: String, place: Place, progress: &mut dyn Progress) {
        self.summary.found += 1;
        if !self.seen.insert(token.clone()) {
            self.summary.repeated += 1;
            return;
        }
        let checked = self.summary.checked();
        if checked.is_multiple_of(PROGRESS_EVERY) {
            progress.tokens_checked(checked);
        }
        let hash = token_hash(&token);
        if self.recorded.contains(&hash) {
            // Recorded by an earlier import: so it was valid then, whatever
            // has changed since (a replaced code, a leaver).
            self.summary.duplicates += 1;
            return;
        }
        match self.checker.check(&token) {
            Ok(accepted) => self.to_write.push(ToWrite {
                accepted,
                source: place.source(),
                token,
                hash,
            }),
            Err(refusal) => {
                let said = refusal.reason.to_string();
                let earlier = self
                    .history
                    .token_seen(&hash, &said, &place.source(), self.now);
                self.summary.rejected.push(Rejected {
                    place,
                    staff_id: refusal.staff_id,
                    reason: refusal.reason,
                    earlier,
                });
            }
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
