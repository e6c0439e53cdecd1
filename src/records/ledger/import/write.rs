//! The writer of an import: one thread, one transaction. It opens the
//! transaction when first sent completions (at the end of an ordinary
//! import, or once more than [`HELD`](super::HELD) are waiting), adds
//! each, and commits only when told that every input was read.

use std::sync::{Arc, mpsc};

use super::check::Accepted;
use super::{UnitPlace, write_source};
use crate::error::Result;
use crate::records::ledger::{Batch, Ledger, Method, NewCompletion};

/// What the writer is sent.
pub(super) enum ToLedger<'r> {
    /// Completions to add (the transaction is opened with the first).
    Write(Vec<ToWrite<'r>>),
    /// The import is done: commit.
    Commit,
}

/// A checked token waiting to be written.
pub(super) struct ToWrite<'r> {
    pub(super) accepted: Accepted<'r>,
    pub(super) token: String,
    pub(super) hash: [u8; 32],
    /// The scores as the ledger keeps them (JSON).
    pub(super) scores: String,
    pub(super) line: Option<usize>,
    pub(super) unit: Arc<UnitPlace>,
}

/// The writer: adds what it is sent in one transaction, opened with the
/// first completions and committed when told; if the import stops before
/// that (an input could not be read), the transaction is rolled back. The
/// completions newly recorded and those already there. `rows` is how many
/// the ledger holds already, for the size of its cache.
pub(super) fn write(
    ledger: &mut Ledger,
    receiver: mpsc::Receiver<ToLedger<'_>>,
    rows: usize,
    now: i64,
) -> Result<(usize, usize)> {
    let mut messages = receiver.into_iter();
    // Nothing is opened until there is something to write.
    let first = loop {
        match messages.next() {
            Some(ToLedger::Write(items)) if !items.is_empty() => break items,
            Some(ToLedger::Write(_)) => {}
            Some(ToLedger::Commit) | None => return Ok((0, 0)),
        }
    };
    // A large import (more than HELD at once) is written as a bulk batch.
    let bulk = first.len() >= super::HELD;
    let (new, duplicates) = {
        let batch = if bulk {
            ledger.bulk_batch()?
        } else {
            ledger.batch()?
        };
        match add_all(&batch, first, &mut messages, rows, now)? {
            Some(counts) => {
                batch.commit()?;
                counts
            }
            // The import stopped: the transaction is rolled back.
            None => return Ok((0, 0)),
        }
    };
    if bulk {
        ledger.end_bulk()?;
    }
    Ok((new, duplicates))
}

/// Adds `first` and every batch of completions sent after it, until told
/// to commit: the completions newly recorded and those already there, or
/// `None` when the import stopped before it was done.
fn add_all<'r>(
    batch: &Batch<'_>,
    first: Vec<ToWrite<'r>>,
    messages: &mut impl Iterator<Item = ToLedger<'r>>,
    rows: usize,
    now: i64,
) -> Result<Option<(usize, usize)>> {
    let (mut new, mut duplicates) = (0, 0);
    let mut items = first;
    let mut source = String::new();
    let mut order = Vec::new();
    loop {
        batch.expect_rows(rows + new + duplicates + items.len())?;
        // A large import adds each batch in the order of the tokens'
        // hashes: each new entry of the unique index then goes next to
        // the one before, on a page the writer has just used (8 % less
        // CPU at a million tokens). Rows say where each was found, so
        // their ids need not follow the input's order.
        order.clear();
        order.extend(0..items.len());
        if batch.is_bulk() {
            order.sort_unstable_by_key(|&i| &items[i].hash);
        }
        for item in order.iter().map(|&i| &items[i]) {
            source.clear();
            let unit = &item.unit;
            write_source(&mut source, &unit.file, item.line, unit.within.as_deref());
            if store(batch, item, &source, now)? {
                new += 1;
            } else {
                duplicates += 1;
            }
        }
        match messages.next() {
            Some(ToLedger::Write(more)) => items = more,
            Some(ToLedger::Commit) => return Ok(Some((new, duplicates))),
            None => return Ok(None),
        }
    }
}

/// Adds one accepted token found at `source`; false when it was already
/// recorded.
fn store(batch: &Batch<'_>, item: &ToWrite<'_>, source: &str, now: i64) -> Result<bool> {
    let claims = &item.accepted.claims;
    let completion = NewCompletion {
        staff_id: &item.accepted.person.id,
        policy: &item.accepted.policy.id,
        policy_version: &claims.pv,
        completed_at: claims.iat,
        scores: &claims.mods,
        token: Some(&item.token),
        source,
        method: Method::Token,
        note: None,
        imported_at: now,
    };
    batch.insert_prepared(&completion, Some(&item.hash), &item.scores)
}
