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
//! Nobody waits on an ordinary import: its inputs are read, scanned and
//! checked first (`check`), with the ledger only read, and the new
//! completions are then written in one short transaction. A very large
//! import (a national provider's year, ten years of a trust's) is not held
//! in memory: a large text input is read a piece at a time (`pieces`), the
//! tokens of each piece are checked side by side (rayon), and once more
//! than [`HELD`] completions are waiting the transaction is opened and
//! they are written as the import goes on, by a thread of their own — still
//! one transaction, so a crash or an error loses the whole import and
//! nothing else. What was rejected, and the files with no token, are noted
//! in a [`History`], so that the next import can tell what is new.

mod check;
mod pieces;
mod reason;
mod write;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use check::Checker;
pub use reason::Reason;

use super::Ledger;
use super::history::{Fingerprinter, History, hex};
use super::read::{self, Kind, MailInfo};
use super::scan::find_tokens;
use crate::error::{Error, Result};
use crate::records::policy::Library;
use crate::records::roster::Roster;
use crate::records::token::{MasterKey, token_hash};
use write::{ToLedger, ToWrite, write};

/// Progress is reported after every this many tokens.
const PROGRESS_EVERY: usize = 1_000;

/// Completions waiting to be written: past this many, the transaction is
/// opened and they are written as the import goes on.
const HELD: usize = 5_000;

/// One input: what to read a file's (or stdin's) contents from, and the
/// name to report it by.
pub struct Input {
    /// The file name as the user gave it, or `stdin`.
    pub name: String,
    /// The contents.
    reader: Box<dyn Read>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Input {
    /// An input of `bytes` already in memory.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Input {
        Input::reader(name, std::io::Cursor::new(bytes))
    }

    /// An input read from `reader` as the import reaches it (a file,
    /// standard input).
    pub fn reader(name: impl Into<String>, reader: impl Read + 'static) -> Input {
        Input {
            name: name.into(),
            reader: Box::new(reader),
        }
    }
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
        let mut source = String::new();
        write_source(&mut source, &self.file, self.line, self.within.as_deref());
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

/// Writes a [`Place::source`] into `out`.
fn write_source(out: &mut String, file: &str, line: Option<usize>, within: Option<&str>) {
    use std::fmt::Write as _;
    out.push_str(file);
    if let Some(line) = line {
        let _ = write!(out, ":{line}");
    }
    if let Some(within) = within {
        let _ = write!(out, " ({within})");
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
    /// `bytes` more bytes of the inputs were read and searched.
    fn bytes_read(&mut self, bytes: u64) {
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
/// roster and library of `context`. An ordinary import is checked whole
/// before the ledger is written at all, then written in one short
/// transaction, so reports and `record` are never kept waiting; one of
/// more than [`HELD`] new completions is written as it goes, in one
/// transaction still. What is rejected, and each file without a token, is
/// looked up in `history` (marked `earlier` when an earlier import said
/// the same) and noted there; the caller saves it after the import.
/// `progress` is told of the bytes read and of the tokens checked. Nothing
/// is written unless the whole import succeeds; an error reading an input
/// stops the import.
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
    let mut recorded = HashSet::new();
    ledger.each_token_hash(|hash| {
        recorded.insert(short(hash));
    })?;
    let rows = recorded.len();
    let checker = Checker::new(context.master, context.roster, context.library, context.now);
    let forget = history.remembers_tokens();
    // The writer has a core of its own: the checks share the rest.
    let threads = rayon::current_num_threads().saturating_sub(1).max(1);
    let mut run = Run {
        pool: rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok(),
        checker: &checker,
        recorded,
        seen: HashMap::new(),
        units: 0,
        history,
        summary: ImportSummary::default(),
        held: Vec::new(),
        written: Vec::new(),
        forget,
        now: context.now,
    };
    let now = context.now;
    let (new, duplicates) = std::thread::scope(|scope| {
        // The writer starts the transaction when first sent completions:
        // at the end of an ordinary import, or once [`HELD`] are waiting.
        let (sender, receiver) = mpsc::sync_channel::<ToLedger<'_>>(1);
        let writer = scope.spawn(move || write(ledger, receiver, rows, now));
        let read = run.inputs(inputs, &sender, progress);
        let sent = read.map(|()| {
            let held = std::mem::take(&mut run.held);
            let sent = held.is_empty() || sender.send(ToLedger::Write(held)).is_ok();
            sent && sender.send(ToLedger::Commit).is_ok()
        });
        drop(sender);
        // The writer's own error, when it stopped first, says most.
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match (sent, written) {
            (Ok(true), Ok(counts)) => Ok(counts),
            (_, Err(err)) | (Err(err), Ok(_)) => Err(err),
            (Ok(false), Ok(_)) => Err(writer_stopped()),
        }
    })?;
    let Run {
        mut summary,
        written,
        history,
        ..
    } = run;
    summary.new += new;
    summary.duplicates += duplicates;
    for hash in &written {
        history.forget_token(&hex(hash));
    }
    Ok(summary)
}

/// The first 16 bytes of a token's hash: what an import knows tokens by
/// in memory (a million of them in 16 MB; two different tokens share them
/// with a chance of one in 2^128). The ledger keeps all 32, and its unique
/// index is what finally says whether a token is new.
type Short = [u8; 16];

fn short(hash: &[u8; 32]) -> Short {
    let mut first = [0; 16];
    first.copy_from_slice(&hash[..16]);
    first
}

/// Where the tokens of one unit (an e-mail, a row, a text file) were
/// found: shared by them all.
#[derive(Debug)]
struct UnitPlace {
    /// Numbered across the import.
    number: u32,
    file: String,
    within: Option<String>,
    mail: Option<MailInfo>,
}

/// A token found, and where.
struct FoundAt {
    token: String,
    line: Option<usize>,
    unit: Arc<UnitPlace>,
}

impl FoundAt {
    fn place(&self) -> Place {
        Place {
            file: self.unit.file.clone(),
            line: self.line,
            within: self.unit.within.clone(),
            mail: self.unit.mail.clone(),
        }
    }
}

/// The import's state: what has been found, checked and kept so far.
struct Run<'r, 'h> {
    /// The threads that check tokens (the global pool if it could not be
    /// made).
    pool: Option<rayon::ThreadPool>,
    checker: &'r Checker<'r>,
    /// The (short) hashes of the tokens in the ledger before this import.
    recorded: HashSet<Short>,
    /// The tokens found so far in this import, and the last unit each was
    /// found in.
    seen: HashMap<Short, u32>,
    /// Units read so far.
    units: u32,
    history: &'h mut History,
    summary: ImportSummary,
    /// Accepted tokens not yet sent to the writer.
    held: Vec<ToWrite<'r>>,
    /// The hashes of the tokens accepted, when the history has rejections
    /// to forget once they are recorded.
    written: Vec<[u8; 32]>,
    forget: bool,
    now: i64,
}

impl<'r> Run<'r, '_> {
    /// Reads every input, sending completions to the writer as more than
    /// [`HELD`] wait.
    fn inputs<I>(
        &mut self,
        inputs: I,
        sender: &mpsc::SyncSender<ToLedger<'r>>,
        progress: &mut dyn Progress,
    ) -> Result<()>
    where
        I: IntoIterator<Item = Result<Input>>,
    {
        for input in inputs {
            self.summary.inputs += 1;
            self.input(input?, sender, progress)?;
        }
        Ok(())
    }

    /// Reads one input and checks each token in it, once per unit (an
    /// e-mail, a row), noting a file with none.
    fn input(
        &mut self,
        input: Input,
        sender: &mpsc::SyncSender<ToLedger<'r>>,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let Input { name, reader } = input;
        let failed = |err| reading_error(&name, err);
        let mut pieces = pieces::Pieces::new(reader);
        let kind = Kind::of(&name, pieces.head().map_err(failed)?);
        let before = self.summary.found;
        let (fingerprint, problem) = if kind == Kind::Text {
            // Read a piece at a time; remembered (if it holds no token) by
            // the hash of all its bytes.
            let mut fingerprint = Fingerprinter::default();
            let unit = self.unit(&name, None, None);
            let mut done = 0;
            while let Some((line, piece)) = pieces.next_piece().map_err(failed)? {
                // Only a file with no token is remembered by it.
                if self.summary.found == before {
                    fingerprint.add(piece);
                }
                let found = find_tokens(piece)
                    .into_iter()
                    .map(|found| FoundAt {
                        token: found.token,
                        line: Some(line + found.line.max(1) - 1),
                        unit: unit.clone(),
                    })
                    .collect();
                self.tokens(found, progress);
                self.send_held(sender)?;
                let read = pieces.bytes_read();
                progress.bytes_read(read - done);
                done = read;
            }
            (fingerprint.finish(), None)
        } else {
            let bytes = pieces.rest().map_err(failed)?;
            let size = bytes.len() as u64;
            let fingerprint = History::fingerprint(&bytes);
            let read = read::read(&name, bytes);
            let mut found = Vec::new();
            for unit in read.units {
                let place = self.unit(&name, unit.within, unit.mail);
                for (start, text) in &unit.texts {
                    found.extend(find_tokens(text).into_iter().map(|f| FoundAt {
                        token: f.token,
                        line: (*start > 0).then(|| start + f.line.max(1) - 1),
                        unit: place.clone(),
                    }));
                }
            }
            self.tokens(found, progress);
            self.send_held(sender)?;
            progress.bytes_read(size);
            (fingerprint, read.problem)
        };
        if self.summary.found == before {
            let earlier =
                self.history
                    .file_seen(&fingerprint, &format!("{kind:?}"), &name, self.now);
            self.summary.without_tokens.push(WithoutTokens {
                file: name,
                kind,
                problem,
                earlier,
            });
        }
        Ok(())
    }

    /// Runs `work` on the checking threads.
    fn in_pool<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    /// The next unit of the file `name`.
    fn unit(
        &mut self,
        name: &str,
        within: Option<String>,
        mail: Option<MailInfo>,
    ) -> Arc<UnitPlace> {
        self.units += 1;
        Arc::new(UnitPlace {
            number: self.units,
            file: name.to_string(),
            within,
            mail,
        })
    }

    /// Sends the completions waiting to the writer once there are more than
    /// [`HELD`]. When the writer has stopped (its error is told at the end),
    /// the import stops too.
    fn send_held(&mut self, sender: &mpsc::SyncSender<ToLedger<'r>>) -> Result<()> {
        if self.held.len() <= HELD {
            return Ok(());
        }
        let held = std::mem::take(&mut self.held);
        sender
            .send(ToLedger::Write(held))
            .map_err(|_| writer_stopped())
    }

    /// Checks the tokens `found` (in one unit or several), in order: each
    /// is hashed, looked up and checked side by side with the others, and
    /// counted as it would be one by one.
    fn tokens(&mut self, found: Vec<FoundAt>, progress: &mut dyn Progress) {
        let hashed: Vec<(FoundAt, [u8; 32])> = self.in_pool(|| {
            found
                .into_par_iter()
                .map(|found| {
                    let hash = token_hash(&found.token);
                    (found, hash)
                })
                .collect()
        });
        let mut to_check = Vec::new();
        for (found, hash) in hashed {
            let unit = found.unit.number;
            match self.seen.entry(short(&hash)) {
                // Found again in the same unit (an e-mail's plain text and
                // HTML parts): one token.
                Entry::Occupied(entry) if *entry.get() == unit => continue,
                Entry::Occupied(mut entry) => {
                    entry.insert(unit);
                    self.summary.found += 1;
                    self.summary.repeated += 1;
                    continue;
                }
                Entry::Vacant(entry) => {
                    entry.insert(unit);
                }
            }
            self.summary.found += 1;
            let checked = self.summary.checked();
            if checked.is_multiple_of(PROGRESS_EVERY) {
                progress.tokens_checked(checked);
            }
            if self.recorded.contains(&short(&hash)) {
                // Recorded by an earlier import: so it was valid then,
                // whatever has changed since (a replaced code, a leaver).
                self.summary.duplicates += 1;
                continue;
            }
            to_check.push((found, hash));
        }
        let checker = self.checker;
        let checked: Vec<_> = self.in_pool(|| {
            to_check
                .into_par_iter()
                .map(|(found, hash)| {
                    let outcome = checker.check(&found.token).map(|accepted| {
                        let scores = accepted.claims.mods.to_json();
                        (accepted, scores)
                    });
                    (found, hash, outcome)
                })
                .collect()
        });
        for (found, hash, outcome) in checked {
            match outcome {
                Ok((accepted, scores)) => {
                    if self.forget {
                        self.written.push(hash);
                    }
                    self.held.push(ToWrite {
                        accepted,
                        hash,
                        scores,
                        line: found.line,
                        unit: found.unit,
                        token: found.token,
                    });
                }
                Err(refusal) => {
                    let said = refusal.reason.to_string();
                    let place = found.place();
                    let earlier =
                        self.history
                            .token_seen(&hex(&hash), &said, &place.source(), self.now);
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
}

/// What is said if the writer stopped without an error of its own (its
/// error, when it has one, is what the import reports).
fn writer_stopped() -> Error {
    Error::Usage("the ledger stopped being written before the import was done".to_string())
}

/// An input that could not be read to its end.
fn reading_error(name: &str, err: std::io::Error) -> Error {
    if name == "stdin" {
        Error::io("reading standard input", err)
    } else {
        Error::reading(std::path::Path::new(name), err)
    }
}

#[cfg(test)]
mod tests;
