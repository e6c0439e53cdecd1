//! The compliance ledger. Takes completions (from [`import`]ed tokens, or
//! recorded on someone's behalf); gives them back, oldest first, to the
//! report. It is a SQLite file (`.handbook/ledger.sqlite` by default) and
//! the school's evidence, so it is written carefully: the schema is
//! versioned and migrated (`schema`), each import is one transaction, and
//! a transaction that was reported as committed survives a crash or a
//! power cut.
//!
//! [`read`] opens the files tokens are sent in (e-mails, mailboxes,
//! Outlook messages, spreadsheets, Word documents, PDFs), [`scan`] finds
//! tokens in their text and [`import`] checks them against the roster and
//! the [`library`](crate::records::policy::Library), then writes them
//! here; [`history`] remembers, beside the ledger, what earlier imports
//! rejected, so that a re-run reports only what is new. Each completion carries its policy; a ledger written
//! before completions did (schema 1) gets each row's policy when it is
//! first opened for writing (see `backfill`).
//!
//! A completion recorded in error is never deleted: [`Batch::revoke`]
//! keeps it with an audited revocation (who, when, why; see `revoke`), and
//! [`Ledger::completions`] leaves revoked ones out.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Diagnostic, Error, Result};
use crate::records::policy::Library;
use crate::records::token::Scores;

mod backfill;
pub mod history;
pub mod import;
pub mod read;
mod revoke;
pub mod scan;
mod schema;

pub use revoke::Revocation;

/// The `source` of a completion recorded by hand, on someone's behalf.
pub const RECORDED_BY_HAND: &str = "recorded by hand";

/// How a completion came into the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// From a signed completion token.
    Token,
    /// Recorded by the office on the person's behalf (a paper sign-off).
    OnBehalf,
}

impl Method {
    /// As stored: `token` or `on_behalf`.
    fn as_str(self) -> &'static str {
        match self {
            Method::Token => "token",
            Method::OnBehalf => "on_behalf",
        }
    }

    fn parse(text: &str) -> Method {
        if text == "on_behalf" {
            Method::OnBehalf
        } else {
            Method::Token
        }
    }
}

/// A completion to add to the ledger.
#[derive(Debug, Clone)]
pub struct NewCompletion<'a> {
    /// The roster id.
    pub staff_id: &'a str,
    /// The policy completed (its id in site.yaml).
    pub policy: &'a str,
    /// The policy version completed.
    pub policy_version: &'a str,
    /// When, in Unix seconds.
    pub completed_at: i64,
    /// Module scores.
    pub scores: &'a Scores,
    /// The token, for [`Method::Token`].
    pub token: Option<&'a str>,
    /// Where it came from: `file:line`, `stdin:line` or [`RECORDED_BY_HAND`].
    pub source: &'a str,
    /// How it was recorded.
    pub method: Method,
    /// A note (why it was recorded by hand).
    pub note: Option<&'a str>,
    /// When it was added, in Unix seconds.
    pub imported_at: i64,
}

/// A completion as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The row's id in the ledger (what a revocation names).
    pub(crate) row: i64,
    /// The staff id (the roster id at the time).
    pub(crate) staff_id: String,
    /// The policy completed; "" for a row of an old ledger whose policy
    /// could not be told (listed apart in the report).
    pub(crate) policy: String,
    /// The policy version completed.
    pub(crate) policy_version: String,
    /// When, in Unix seconds.
    pub(crate) completed_at: i64,
    /// Module scores (empty when recorded by hand).
    pub(crate) scores: Scores,
    /// When it was added, in Unix seconds.
    pub(crate) imported_at: i64,
    /// Where it came from.
    pub(crate) source: String,
    /// How it was recorded.
    pub(crate) method: Method,
    /// The note, if any.
    pub(crate) note: Option<String>,
}

/// What is found where a ledger is to be read.
#[derive(Debug)]
pub enum ReadOnly {
    /// A ledger, open for reading.
    Open(Ledger),
    /// No ledger, or one that was made but never written to: nothing is
    /// recorded yet.
    Empty,
    /// A ledger written by an older handbook, whose schema has not been
    /// brought up to date yet (opening it for writing does that).
    Outdated {
        /// Its schema version.
        schema: i64,
    },
}

/// An open ledger.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// The schema version it was opened at.
    schema: i64,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

impl Ledger {
    /// Opens the ledger at `path`, creating it (and its folder) if needed,
    /// and brings its schema up to date; rows of an older ledger get their
    /// policy from `library` (see `backfill`).
    pub fn open(path: &Path, library: &Library) -> Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| Error::creating(parent, err))?;
        }
        // Personal data: the owner's alone, and so are the WAL and the
        // journal, which SQLite makes with the file's permissions.
        crate::util::fs::private_file(path)?;
        let mut conn = Connection::open(path).map_err(|err| sqlite_error(path, "opening", err))?;
        // A new ledger's pages are 16 KiB rather than SQLite's 4: a large
        // import finds its place in each index in fewer pages, and adds
        // rows to a quarter as many (a tenth faster at a million tokens).
        // An existing ledger keeps the size it was made with.
        conn.pragma_update(None, "page_size", LEDGER_PAGE_SIZE)
            .map_err(|err| sqlite_error(path, "opening", err))?;
        // WAL: readers (a report) never block an import. synchronous=FULL:
        // in WAL mode NORMAL may lose the last transactions on power loss,
        // and an import the office was told succeeded must survive that.
        // The cost is one extra fsync per import, since an import is one
        // transaction.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(|err| sqlite_error(path, "opening", err))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|err| sqlite_error(path, "opening", err))?;
        // A large import is one transaction: a page cache of at least
        // 64 MiB (more for a large one: `Batch::expect_rows`) keeps its
        // pages in memory instead of spilling them to the WAL and back.
        conn.pragma_update(None, "cache_size", -MIN_CACHE_KIB)
            .map_err(|err| sqlite_error(path, "opening", err))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|err| sqlite_error(path, "opening", err))?;
        schema::migrate(&mut conn, &|tx| backfill::policies(tx, library)).map_err(
            |err| match err {
                schema::MigrateError::TooNew(version) => too_new(path, version),
                schema::MigrateError::Sqlite(err) => sqlite_error(path, "updating", err),
            },
        )?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            schema: schema::SCHEMA_VERSION,
        })
    }

    /// Opens the ledger at `path` for reading only, if it exists: nothing
    /// is created, migrated or written, and (the ledger being in WAL mode)
    /// reading never waits for an import or a completion being recorded: it
    /// sees the ledger as of their last commit.
    pub fn open_read_only(path: &Path) -> Result<ReadOnly> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Ok(ReadOnly::Empty);
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| sqlite_error(path, "opening", err))?;
        // Only a moment's wait, for SQLite's own housekeeping (a reader
        // never waits on a writer's transaction in WAL mode).
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(|err| sqlite_error(path, "opening", err))?;
        let version = schema::version(&conn).map_err(|err| sqlite_error(path, "reading", err))?;
        if version > schema::SCHEMA_VERSION {
            return Err(too_new(path, version));
        }
        if version == 0 {
            // Made but never written to: nothing is recorded yet.
            return Ok(ReadOnly::Empty);
        }
        if version < schema::OLDEST_READABLE {
            return Ok(ReadOnly::Outdated { schema: version });
        }
        // A ledger from before revocations (schema 2) reads as it is: its
        // completions carry their policy, and none is revoked.
        Ok(ReadOnly::Open(Ledger {
            conn,
            path: path.to_path_buf(),
            schema: version,
        }))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every completion that counts (none that was revoked), oldest first.
    pub fn completions(&self) -> Result<Vec<Completion>> {
        let sql = if self.schema >= schema::REVOCATIONS_SCHEMA {
            format!(
                "SELECT {COMPLETION_COLUMNS} FROM completions c WHERE NOT EXISTS \
                 (SELECT 1 FROM revocations r WHERE r.completion_id = c.id) \
                 ORDER BY c.completed_at, c.id"
            )
        } else {
            format!("SELECT {COMPLETION_COLUMNS} FROM completions c ORDER BY c.completed_at, c.id")
        };
        query_completions(&self.conn, &self.path, &sql, [])
    }

    /// Calls `each` with the SHA-256 of every token recorded: what an
    /// import already has, whatever its roster or library says now. (A
    /// callback, so that a caller keeps them as compactly as it likes.)
    pub fn each_token_hash(&self, mut each: impl FnMut(&[u8; 32])) -> Result<()> {
        let read = |err| sqlite_error(&self.path, "reading", err);
        let mut stmt = self
            .conn
            .prepare("SELECT token_hash FROM completions WHERE token_hash IS NOT NULL")
            .map_err(read)?;
        let mut rows = stmt.query([]).map_err(read)?;
        while let Some(row) = rows.next().map_err(read)? {
            // Migration 4's CHECK keeps every hash a blob of 32 bytes.
            if let rusqlite::types::ValueRef::Blob(bytes) = row.get_ref(0).map_err(read)?
                && let Ok(hash) = <&[u8; 32]>::try_from(bytes)
            {
                each(hash);
            }
        }
        Ok(())
    }

    /// Starts a batch of writes that is committed as one transaction.
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|err| sqlite_error(&self.path, "writing", err))?;
        Ok(Batch {
            tx,
            path: &self.path,
            bulk: false,
        })
    }

    /// Starts a batch that adds a great many rows (a large import): like
    /// [`Ledger::batch`], but the ledger is held by this import alone
    /// until it commits, so that each new page is written once. The WAL
    /// would take every new page, then copy it into the file at the
    /// commit; a rollback journal takes only the few pages that already
    /// held rows, and readers wait for the commit instead (the mode goes
    /// back to WAL after it, and whenever the ledger is opened). The index
    /// by policy is made again at the end, at once, rather than kept up to
    /// date row by row. When another connection has the ledger open, the
    /// journal stays in WAL mode and the import goes on there.
    pub fn bulk_batch(&mut self) -> Result<Batch<'_>> {
        let _: String = (self.conn)
            .pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get(0))
            .or_else(|err| match err {
                rusqlite::Error::SqliteFailure(e, _)
                    if e.code == rusqlite::ErrorCode::DatabaseBusy =>
                {
                    Ok("wal".to_string())
                }
                other => Err(other),
            })
            .map_err(|err| sqlite_error(&self.path, "writing", err))?;
        let mut batch = self.batch()?;
        batch.bulk = true;
        (batch.tx)
            .execute_batch(schema::DROP_POLICY_INDEX)
            .map_err(|err| sqlite_error(batch.path, "writing", err))?;
        Ok(batch)
    }

    /// After a [`Ledger::bulk_batch`]: the journal back in WAL mode, so
    /// that readers never wait on the next import.
    pub fn end_bulk(&mut self) -> Result<()> {
        (self.conn)
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map(drop)
            .map_err(|err| sqlite_error(&self.path, "writing", err))
    }
}

/// The size of a new ledger's pages, in bytes.
const LEDGER_PAGE_SIZE: i64 = 16 * 1024;

/// The page cache's least size, in KiB.
const MIN_CACHE_KIB: i64 = 64 * 1024;

/// Its greatest, in KiB: a ledger of some five million rows.
const MAX_CACHE_KIB: i64 = 512 * 1024;

/// The index pages one row needs in the cache while a transaction adds
/// rows (the unique index of token hashes and the index by policy and
/// staff, at the fill of pages split by random inserts), in bytes. Each
/// row's own page is written once and need not stay.
const INDEX_BYTES_PER_ROW: i64 = 110;

/// The same for a bulk batch, which keeps only the unique index up to
/// date as it goes ([`Ledger::bulk_batch`]).
const BULK_INDEX_BYTES_PER_ROW: i64 = 64;

/// Writes to the ledger that succeed or fail together.
pub struct Batch<'a> {
    tx: rusqlite::Transaction<'a>,
    path: &'a Path,
    /// Made by [`Ledger::bulk_batch`]: the index by policy is made again
    /// before the commit, and the journal goes back to WAL after it.
    bulk: bool,
}

impl Batch<'_> {
    /// Made by [`Ledger::bulk_batch`].
    pub(crate) fn is_bulk(&self) -> bool {
        self.bulk
    }

    /// Adds `completion`; false when a completion with the same token is
    /// already recorded (then nothing changes).
    pub fn insert(&self, completion: &NewCompletion<'_>) -> Result<bool> {
        let hash = completion.token.map(crate::records::token::token_hash);
        self.insert_prepared(completion, hash.as_ref(), &completion.scores.to_json())
    }

    /// [`Batch::insert`], given the token's hash and the scores as JSON
    /// (which an import works out on the threads that check tokens, so
    /// that the one writing does as little as it can).
    pub(crate) fn insert_prepared(
        &self,
        completion: &NewCompletion<'_>,
        hash: Option<&[u8; 32]>,
        scores: &str,
    ) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO completions (staff_id, policy_version, completed_at, scores, \
                 token_hash, token, imported_at, source, method, note, policy) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (token_hash) DO NOTHING",
            )
            .map_err(|err| sqlite_error(self.path, "writing", err))?;
        let changed = stmt
            .execute(params![
                completion.staff_id,
                completion.policy_version,
                completion.completed_at,
                scores,
                hash,
                completion.token,
                completion.imported_at,
                completion.source,
                completion.method.as_str(),
                completion.note,
                completion.policy,
            ])
            .map_err(|err| sqlite_error(self.path, "writing", err))?;
        Ok(changed == 1)
    }

    /// Sizes the page cache for a ledger of `rows` rows, so that a large
    /// import keeps every index page it touches in memory until it
    /// commits (rather than spilling pages to the WAL and reading them
    /// back, which made inserts most of an import's time).
    pub fn expect_rows(&self, rows: usize) -> Result<()> {
        let per_row = if self.bulk {
            BULK_INDEX_BYTES_PER_ROW
        } else {
            INDEX_BYTES_PER_ROW
        };
        let kib = (rows as i64)
            .saturating_mul(per_row)
            .div_euclid(1024)
            .clamp(MIN_CACHE_KIB, MAX_CACHE_KIB);
        self.tx
            .pragma_update(None, "cache_size", -kib)
            .map_err(|err| sqlite_error(self.path, "writing", err))
    }

    /// True when a completion by hand for `staff_id`, `policy`, `version`
    /// and `completed_at` is already recorded.
    pub fn has_on_behalf(
        &self,
        staff_id: &str,
        policy: &str,
        version: &str,
        completed_at: i64,
    ) -> Result<bool> {
        self.tx
            .query_row(
                "SELECT 1 FROM completions WHERE staff_id = ?1 AND policy = ?2 \
                 AND policy_version = ?3 AND completed_at = ?4 AND method = 'on_behalf'",
                params![staff_id, policy, version, completed_at],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|err| sqlite_error(self.path, "reading", err))
    }

    /// Commits every write of the batch at once (and durably).
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let written = |err| sqlite_error(path, "writing", err);
        if self.bulk {
            self.tx
                .execute_batch(schema::POLICY_INDEX)
                .map_err(written)?;
        }
        self.tx.commit().map_err(written)?;
        Ok(())
    }
}

/// The columns [`completion_from_row`] reads, of `completions c`.
const COMPLETION_COLUMNS: &str = "c.staff_id, c.policy_version, c.completed_at, c.scores, \
     c.imported_at, c.source, c.method, c.note, c.policy, c.id";

/// A row of [`COMPLETION_COLUMNS`] (from the first column on) as a completion.
fn completion_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Completion> {
    let scores: String = row.get(3)?;
    let method: String = row.get(6)?;
    Ok(Completion {
        staff_id: row.get(0)?,
        policy_version: row.get(1)?,
        completed_at: row.get(2)?,
        scores: serde_json::from_str(&scores).unwrap_or_default(),
        imported_at: row.get(4)?,
        source: row.get(5)?,
        method: Method::parse(&method),
        note: row.get(7)?,
        policy: row.get(8)?,
        row: row.get(9)?,
    })
}

/// The completions `sql` (selecting [`COMPLETION_COLUMNS`]) finds.
fn query_completions(
    conn: &Connection,
    path: &Path,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Completion>> {
    let read = |err| sqlite_error(path, "reading", err);
    let mut stmt = conn.prepare_cached(sql).map_err(read)?;
    let rows = stmt.query_map(params, completion_from_row).map_err(read)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read)
}

fn too_new(path: &Path, version: i64) -> Error {
    Error::input(
        Diagnostic::error(
            path,
            None,
            format!(
                "this ledger was written by a newer handbook (schema {version}, this one knows {})",
                schema::SCHEMA_VERSION
            ),
        )
        .help("update handbook before using this ledger"),
    )
}

/// A SQLite failure as a handbook error naming the file.
fn sqlite_error(path: &Path, doing: &str, err: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(e, _) = &err
        && e.code == rusqlite::ErrorCode::NotADatabase
    {
        return Error::input(
            Diagnostic::error(path, None, "this file is not a handbook ledger").help(format!(
                "check that this is the ledger you meant; it is normally {}",
                crate::records::private::LEDGER_FILE
            )),
        );
    }
    Error::io(
        format!("{doing} the ledger {}", path.display()),
        std::io::Error::other(err.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> Library {
        Library {
            site_id: "s".to_string(),
            policies: Vec::new(),
        }
    }

    fn new<'a>(staff: &'a str, token: Option<&'a str>, scores: &'a Scores) -> NewCompletion<'a> {
        NewCompletion {
            staff_id: staff,
            policy: "online-safety",
            policy_version: "0123456789abcdef",
            completed_at: 1_767_225_600,
            scores,
            token,
            source: "mail.txt:3",
            method: if token.is_some() {
                Method::Token
            } else {
                Method::OnBehalf
            },
            note: None,
            imported_at: 1_767_300_000,
        }
    }

    #[test]
    fn the_same_token_is_recorded_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/ledger.sqlite");
        let scores = Scores(vec![("scope".into(), 100), ("behaviour".into(), 80)]);
        let mut ledger = Ledger::open(&path, &library()).unwrap();
        let batch = ledger.batch().unwrap();
        assert!(batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        assert!(!batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        assert!(batch.insert(&new("T1", None, &scores)).unwrap());
        assert!(batch.insert(&new("T1", None, &scores)).unwrap());
        assert!(
            batch
                .has_on_behalf("T1", "online-safety", "0123456789abcdef", 1_767_225_600)
                .unwrap()
        );
        batch.commit().unwrap();
        drop(ledger);
        let ledger = Ledger::open(&path, &library()).unwrap();
        assert_eq!(ledger.completions().unwrap().len(), 3);
        let all = ledger.completions().unwrap();
        assert_eq!(all[0].scores, scores);
        assert_eq!(all[0].source, "mail.txt:3");
        let mut ledger = ledger;
        let batch = ledger.batch().unwrap();
        assert!(!batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        drop(batch);
        assert_eq!(ledger.completions().unwrap().len(), 3);
    }

    /// The page size of the SQLite file at `path`.
    fn page_size(path: &Path) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.pragma_query_value(None, "page_size", |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_ledger_has_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("new.sqlite");
        drop(open_with_one_completion(&made));
        assert_eq!(page_size(&made), LEDGER_PAGE_SIZE);

        // A ledger made with SQLite's own 4 KiB pages opens, migrates and
        // takes rows as before, its pages unchanged.
        let old = dir.path().join("old.sqlite");
        Connection::open(&old)
            .unwrap()
            .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
            .unwrap();
        let ledger = open_with_one_completion(&old);
        assert_eq!(ledger.completions().unwrap().len(), 1);
        drop(ledger);
        assert_eq!(page_size(&old), 4096);
    }

    /// The ledger's journal mode and whether it has the index by policy.
    fn mode_and_index(ledger: &Ledger) -> (String, bool) {
        let mode = (ledger.conn)
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        let index = (ledger.conn)
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'completions_by_policy'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .unwrap();
        (mode, index == 1)
    }

    #[test]
    fn a_bulk_batch_keeps_the_ledger_as_it_was_but_for_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let scores = Scores::default();
        let mut ledger = Ledger::open(&path, &library()).unwrap();
        assert_eq!(mode_and_index(&ledger), ("wal".to_string(), true));
        // Rolled back: no rows, and the index it dropped is there again.
        let batch = ledger.bulk_batch().unwrap();
        assert!(batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        drop(batch);
        assert_eq!(ledger.completions().unwrap().len(), 0);
        assert!(mode_and_index(&ledger).1);
        // Committed: the rows, the index made again, the journal in WAL
        // mode again, and a token already recorded still recorded once.
        let batch = ledger.bulk_batch().unwrap();
        batch.expect_rows(2).unwrap();
        assert!(batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        assert!(!batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap());
        assert!(batch.insert(&new("T2", Some("d.e.f"), &scores)).unwrap());
        batch.commit().unwrap();
        ledger.end_bulk().unwrap();
        assert_eq!(mode_and_index(&ledger), ("wal".to_string(), true));
        assert_eq!(ledger.completions().unwrap().len(), 2);
        let plan: String = (ledger.conn)
            .query_row(
                "EXPLAIN QUERY PLAN SELECT * FROM completions WHERE policy = 'x' AND staff_id = 'T1'",
                [],
                |row| row.get(3),
            )
            .unwrap();
        assert!(plan.contains("completions_by_policy"), "{plan}");
    }

    /// A ledger in a folder of its own, with one completion recorded (T1's,
    /// by token).
    fn with_one_completion() -> (tempfile::TempDir, PathBuf, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let ledger = open_with_one_completion(&path);
        (dir, path, ledger)
    }

    /// The ledger at `path`, opened (made if need be) and given T1's
    /// completion by token.
    fn open_with_one_completion(path: &Path) -> Ledger {
        let mut ledger = Ledger::open(path, &library()).unwrap();
        let batch = ledger.batch().unwrap();
        assert!(
            batch
                .insert(&new("T1", Some("a.b.c"), &Scores::default()))
                .unwrap()
        );
        batch.commit().unwrap();
        ledger
    }

    #[test]
    fn a_bulk_batch_with_a_reader_open_stays_in_wal_mode() {
        let (_dir, path, mut ledger) = with_one_completion();
        let scores = Scores::default();
        let ReadOnly::Open(reader) = Ledger::open_read_only(&path).unwrap() else {
            panic!("the ledger was not opened");
        };
        assert_eq!(reader.completions().unwrap().len(), 1);
        let batch = ledger.bulk_batch().unwrap();
        assert!(batch.insert(&new("T2", Some("d.e.f"), &scores)).unwrap());
        // The reader still reads while the import goes on (WAL).
        assert_eq!(reader.completions().unwrap().len(), 1);
        batch.commit().unwrap();
        ledger.end_bulk().unwrap();
        assert_eq!(reader.completions().unwrap().len(), 2);
        assert_eq!(mode_and_index(&ledger), ("wal".to_string(), true));
    }

    #[cfg(unix)]
    #[test]
    fn the_ledger_and_its_journals_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt as _;
        let (dir, _path, _ledger) = with_one_completion();
        let mut files = 0;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", entry.path().display());
            files += 1;
        }
        assert!(files >= 2, "the ledger and its WAL: {files}");
    }

    #[test]
    fn an_uncommitted_batch_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let scores = Scores::default();
        let mut ledger = Ledger::open(&path, &library()).unwrap();
        let batch = ledger.batch().unwrap();
        batch.insert(&new("T1", Some("x.y.z"), &scores)).unwrap();
        drop(batch);
        assert_eq!(ledger.completions().unwrap().len(), 0);
    }

    #[test]
    fn reading_never_waits_for_a_writer_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        assert!(matches!(
            Ledger::open_read_only(&path).unwrap(),
            ReadOnly::Empty
        ));
        assert!(!path.exists(), "reading made a ledger");
        let scores = Scores::default();
        let mut writer = Ledger::open(&path, &library()).unwrap();
        let batch = writer.batch().unwrap();
        batch.insert(&new("T1", Some("a.b.c"), &scores)).unwrap();
        batch.commit().unwrap();
        // A second writer holds a write transaction open with a new row.
        let batch = writer.batch().unwrap();
        batch.insert(&new("T2", Some("d.e.f"), &scores)).unwrap();
        let ReadOnly::Open(reader) = Ledger::open_read_only(&path).unwrap() else {
            panic!("the ledger was not opened");
        };
        let seen = reader.completions().unwrap();
        assert_eq!(
            seen.iter().map(|c| c.staff_id.as_str()).collect::<Vec<_>>(),
            ["T1"]
        );
        batch.commit().unwrap();
        assert_eq!(reader.completions().unwrap().len(), 2);
        // Reading cannot write.
        let err = reader
            .conn
            .execute("DELETE FROM completions", [])
            .unwrap_err();
        assert!(err.to_string().contains("readonly"), "{err}");
    }

    #[test]
    fn an_empty_or_newer_ledger_is_read_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.sqlite");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(
            Ledger::open_read_only(&empty).unwrap(),
            ReadOnly::Empty
        ));
        let newer = dir.path().join("newer.sqlite");
        let conn = Connection::open(&newer).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Ledger::open_read_only(&newer).unwrap_err();
        assert!(err.to_string().contains("newer handbook"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_ledger_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, "id,name\nT1,One\n".repeat(100)).unwrap();
        let err = Ledger::open(&path, &library()).unwrap_err();
        assert!(err.to_string().contains("not a handbook ledger"), "{err}");
        let err = Ledger::open_read_only(&path).unwrap_err();
        assert!(err.to_string().contains("not a handbook ledger"), "{err}");
    }
}
