//! The ledger's schema and its migrations. `PRAGMA user_version` holds the
//! number of migrations applied; each migration runs in the same transaction
//! as the bump of that number, so a ledger is always at one exact version.

use rusqlite::{Connection, OptionalExtension as _};

/// The migrations, in order; `user_version` N means the first N are applied.
/// Never edit one that has shipped: add another.
const MIGRATIONS: &[&str] = &[
    // 1: completions.
    "CREATE TABLE completions (
        id             INTEGER PRIMARY KEY,
        staff_id       TEXT    NOT NULL,           -- the roster id
        policy_version TEXT    NOT NULL,           -- the token's pv
        completed_at   INTEGER NOT NULL,           -- Unix seconds (the token's iat)
        scores         TEXT    NOT NULL DEFAULT '{}', -- JSON: module id -> percent
        token_hash     TEXT    UNIQUE,             -- SHA-256 of the token, hex; NULL when on behalf
        token          TEXT,                       -- the token itself, the evidence
        imported_at    INTEGER NOT NULL,           -- Unix seconds
        source         TEXT    NOT NULL,           -- file:line, stdin:line or 'recorded by hand'
        method         TEXT    NOT NULL CHECK (method IN ('token', 'on_behalf')),
        note           TEXT,
        CHECK ((method = 'token') = (token_hash IS NOT NULL))
    );
    CREATE INDEX completions_by_staff ON completions (staff_id, completed_at);",
    // 2: the policy of each completion (a site holds many). Rows already
    // there get theirs from `backfill`, in the same transaction.
    "ALTER TABLE completions ADD COLUMN policy TEXT NOT NULL DEFAULT '';
    CREATE INDEX completions_by_policy ON completions (policy, staff_id);",
    // 3: revocations (issue 15, `record --undo`). A completion recorded in
    // error is never deleted: a revocation row says who withdrew it, when
    // and why, and the report leaves it out of every status (and lists it).
    // A revocation is itself kept: it cannot be deleted or changed.
    "CREATE TABLE revocations (
        id            INTEGER PRIMARY KEY,
        completion_id INTEGER NOT NULL UNIQUE REFERENCES completions (id),
        revoked_at    INTEGER NOT NULL,           -- Unix seconds
        revoked_by    TEXT    NOT NULL,           -- who: the login that ran `record --undo`
        note          TEXT    NOT NULL CHECK (trim(note) <> '') -- why
    );
    CREATE TRIGGER revocations_are_kept BEFORE DELETE ON revocations
        BEGIN SELECT RAISE(ABORT, 'a revocation is kept as evidence'); END;
    CREATE TRIGGER revocations_are_unchanged BEFORE UPDATE ON revocations
        BEGIN SELECT RAISE(ABORT, 'a revocation is kept as evidence'); END;
    CREATE TRIGGER revoked_completions_are_kept BEFORE DELETE ON completions
        WHEN EXISTS (SELECT 1 FROM revocations WHERE completion_id = OLD.id)
        BEGIN SELECT RAISE(ABORT, 'a revoked completion is kept as evidence'); END;",
    // 4: each token's SHA-256 kept as its 32 bytes rather than 64 hex
    // digits (issue 17): the unique index an import checks every token
    // against is half the size. SQLite cannot change a column's type, so
    // the table is made again (its rows, ids, index and trigger with it).
    // The index by staff alone is not made again: every query by staff
    // names the policy too, which the index by policy and staff serves,
    // and each index is more work for every row an import adds.
    // (Foreign keys are off while it runs, as SQLite's way of remaking a
    // table asks; `migrate` checks them before it commits.)
    "CREATE TABLE completions_4 (
        id             INTEGER PRIMARY KEY,
        staff_id       TEXT    NOT NULL,           -- the roster id
        policy_version TEXT    NOT NULL,           -- the token's pv
        completed_at   INTEGER NOT NULL,           -- Unix seconds (the token's iat)
        scores         TEXT    NOT NULL DEFAULT '{}', -- JSON: module id -> percent
        token_hash     BLOB    UNIQUE,             -- SHA-256 of the token, 32 bytes; NULL when on behalf
        token          TEXT,                       -- the token itself, the evidence
        imported_at    INTEGER NOT NULL,           -- Unix seconds
        source         TEXT    NOT NULL,           -- file:line, stdin:line or 'recorded by hand'
        method         TEXT    NOT NULL CHECK (method IN ('token', 'on_behalf')),
        note           TEXT,
        policy         TEXT    NOT NULL DEFAULT '',
        CHECK ((method = 'token') = (token_hash IS NOT NULL)),
        CHECK (token_hash IS NULL OR (typeof(token_hash) = 'blob' AND length(token_hash) = 32))
    );
    INSERT INTO completions_4 (id, staff_id, policy_version, completed_at, scores, token_hash,
            token, imported_at, source, method, note, policy)
        SELECT id, staff_id, policy_version, completed_at, scores, unhex(token_hash),
            token, imported_at, source, method, note, policy FROM completions;
    DROP TABLE completions;
    ALTER TABLE completions_4 RENAME TO completions;
    CREATE INDEX completions_by_policy ON completions (policy, staff_id);
    CREATE TRIGGER revoked_completions_are_kept BEFORE DELETE ON completions
        WHEN EXISTS (SELECT 1 FROM revocations WHERE completion_id = OLD.id)
        BEGIN SELECT RAISE(ABORT, 'a revoked completion is kept as evidence'); END;",
];

/// The index by policy and staff as the latest schema has it, which a
/// large import drops ([`DROP_POLICY_INDEX`]) and makes again at its end.
pub(super) const POLICY_INDEX: &str =
    "CREATE INDEX completions_by_policy ON completions (policy, staff_id)";

/// See [`POLICY_INDEX`].
pub(super) const DROP_POLICY_INDEX: &str = "DROP INDEX completions_by_policy";

/// The first schema with the `revocations` table; a ledger before it has
/// none (and is read as having no revocations).
pub(super) const REVOCATIONS_SCHEMA: i64 = 3;

/// The oldest schema a report can read without migrating it (the first
/// whose completions carry their policy).
pub(super) const OLDEST_READABLE: i64 = 2;

/// The migration after which rows already in the ledger are given their
/// policy (by the `backfill` passed to [`migrate`]).
const POLICY_MIGRATION: usize = 2;

/// The schema version this build of handbook writes.
pub(super) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Why the ledger could not be brought up to date.
#[derive(Debug)]
pub(super) enum MigrateError {
    /// The ledger was written by a newer handbook.
    TooNew(i64),
    /// SQLite failed.
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(err: rusqlite::Error) -> Self {
        MigrateError::Sqlite(err)
    }
}

/// The schema version of the open database.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// What fills in the rows' policies after migration 2, inside its
/// transaction.
pub(super) type Backfill<'a> = &'a dyn Fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>;

/// Applies every migration the database lacks, all in one transaction
/// (with `backfill` after the migration that adds the policy column).
pub(super) fn migrate(conn: &mut Connection, backfill: Backfill<'_>) -> Result<(), MigrateError> {
    // A migration that makes a table again drops the old one, which with
    // foreign keys on would delete the rows the revocations refer to. So
    // they are off during migrations (they can only be turned off outside
    // a transaction), and checked before the commit.
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
    if enforced {
        conn.pragma_update(None, "foreign_keys", false)?;
    }
    let result = migrate_unchecked(conn, backfill);
    if enforced {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    result
}

fn migrate_unchecked(conn: &mut Connection, backfill: Backfill<'_>) -> Result<(), MigrateError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = version(&tx)?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::TooNew(current));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        tx.execute_batch(sql)?;
        if i + 1 == POLICY_MIGRATION {
            backfill(&tx)?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
        .optional()?;
    if let Some(table) = broken {
        return Err(MigrateError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!(
                "a row of {table} refers to a completion that is not there"
            )),
        )));
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer_ledgers() {
        let mut conn = Connection::open_in_memory().unwrap();
        let none: Backfill<'_> = &|_| Ok(());
        migrate(&mut conn, none).unwrap();
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        migrate(&mut conn, none).unwrap();
        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn, none),
            Err(MigrateError::TooNew(_))
        ));
    }
}

#[cfg(test)]
mod hashes_as_bytes {
    use super::*;

    /// A ledger at schema 3 with two token rows (one revoked) and one by
    /// hand, as an earlier handbook wrote it.
    fn schema_3() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &MIGRATIONS[..3] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 3).unwrap();
        tx.commit().unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO completions (id, staff_id, policy_version, completed_at, scores, \
             token_hash, token, imported_at, source, method, policy) VALUES \
             (7, 'T1', 'v1', 100, '{{\"a\":90}}', '{a}', 'tok-a', 200, 'in.txt:3', 'token', 'p'), \
             (9, 'T2', 'v1', 101, '{{}}', '{b}', 'tok-b', 201, 'in.txt:4', 'token', 'p'), \
             (12, 'T3', 'v1', 102, '{{}}', NULL, NULL, 202, 'recorded by hand', 'on_behalf', 'q');
             INSERT INTO revocations (completion_id, revoked_at, revoked_by, note) \
             VALUES (9, 300, 'office', 'wrong person');",
            a = "ab".repeat(32),
            b = "0f".repeat(32),
        ))
        .unwrap();
        conn
    }

    #[test]
    fn migration_4_keeps_every_row_and_stores_each_hash_as_its_32_bytes() {
        let mut conn = schema_3();
        migrate(&mut conn, &|_| Ok(())).unwrap();
        assert_eq!(version(&conn).unwrap(), 4);
        type Row = (i64, String, Option<Vec<u8>>, Option<String>, String, String);
        let rows: Vec<Row> = conn
            .prepare(
                "SELECT id, staff_id, token_hash, token, source, scores FROM completions ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, 7, "ids are kept (a revocation names one)");
        assert_eq!(rows[0].2, Some(vec![0xab; 32]));
        assert_eq!(rows[1].2, Some(vec![0x0f; 32]));
        assert_eq!(rows[2].2, None);
        assert_eq!(rows[0].3.as_deref(), Some("tok-a"));
        assert_eq!(rows[0].4, "in.txt:3");
        assert_eq!(rows[0].5, r#"{"a":90}"#);
        let revoked: i64 = conn
            .query_row("SELECT completion_id FROM revocations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(revoked, 9);
    }

    #[test]
    fn after_migration_4_the_rules_still_hold() {
        let mut conn = schema_3();
        migrate(&mut conn, &|_| Ok(())).unwrap();
        // The revoked completion is still kept, by the trigger made again.
        assert!(
            conn.execute("DELETE FROM completions WHERE id = 9", [])
                .is_err()
        );
        // A token's hash is unique, and 32 bytes.
        let insert = |hash: rusqlite::types::Value| {
            conn.execute(
                "INSERT INTO completions (staff_id, policy_version, completed_at, token_hash, \
                 token, imported_at, source, method, policy) \
                 VALUES ('T4', 'v1', 1, ?1, 't', 1, 's', 'token', 'p')",
                [hash],
            )
        };
        assert!(insert(rusqlite::types::Value::Blob(vec![0xab; 32])).is_err());
        assert!(insert(rusqlite::types::Value::Text("cd".repeat(32))).is_err());
        assert!(insert(rusqlite::types::Value::Blob(vec![1; 31])).is_err());
        insert(rusqlite::types::Value::Blob(vec![1; 32])).unwrap();
        // The index by policy and staff is there again; the one by staff
        // alone is gone.
        let indexes: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' \
                 AND name LIKE 'completions_by_%' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(indexes, ["completions_by_policy"]);
    }
}

#[cfg(test)]
mod failing_backfill {
    use super::*;

    #[test]
    fn a_failed_backfill_leaves_the_ledger_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let fail: Backfill<'_> = &|_| Err(rusqlite::Error::InvalidQuery);
        assert!(migrate(&mut conn, fail).is_err());
        assert_eq!(version(&conn).unwrap(), 1);
        // The column was not added either: the whole step rolled back.
        assert!(conn.prepare("SELECT policy FROM completions").is_err());
    }

    #[test]
    fn a_revocation_and_its_completion_cannot_be_deleted() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &|_| Ok(())).unwrap();
        conn.execute_batch(
            "INSERT INTO completions (id, staff_id, policy_version, completed_at, imported_at, \
             source, method, policy) VALUES (1, 'T1', 'v', 0, 0, 'recorded by hand', \
             'on_behalf', 'p');
             INSERT INTO completions (id, staff_id, policy_version, completed_at, imported_at, \
             source, method, policy) VALUES (2, 'T2', 'v', 0, 0, 'recorded by hand', \
             'on_behalf', 'p');
             INSERT INTO revocations (completion_id, revoked_at, revoked_by, note) \
             VALUES (1, 5, 'office', 'wrong person');",
        )
        .unwrap();
        assert!(conn.execute("DELETE FROM revocations", []).is_err());
        assert!(
            conn.execute("UPDATE revocations SET note = 'x'", [])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM completions", []).is_err());
        let blank = conn.execute(
            "INSERT INTO revocations (completion_id, revoked_at, revoked_by, note) \
             VALUES (2, 6, 'office', '  ')",
            [],
        );
        assert!(blank.is_err(), "a revocation says why");
    }
}
