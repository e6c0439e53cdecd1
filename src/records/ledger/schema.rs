//! The ledger's schema and its migrations. `PRAGMA user_version` holds the
//! number of migrations applied; each migration runs in the same transaction
//! as the bump of that number, so a ledger is always at one exact version.

use rusqlite::Connection;

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
];

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
