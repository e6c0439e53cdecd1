//! Revoked completions (`record --undo`). A completion recorded in error
//! (the wrong person, the wrong date) is not deleted: a revocation row
//! keeps who withdrew it, when and why, beside the completion, which
//! stays in the ledger as evidence. Revoked completions count for nobody
//! ([`Ledger::completions`] leaves them out) and the report lists them.

use rusqlite::params;

use super::{
    Batch, COMPLETION_COLUMNS, Completion, Ledger, query_completions, schema, sqlite_error,
};
use crate::error::Result;

/// A completion that was revoked, with who revoked it, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The completion, as it was recorded.
    pub(crate) completion: Completion,
    /// When it was revoked, in Unix seconds.
    pub(crate) revoked_at: i64,
    /// Who revoked it (the login that ran `record --undo`).
    pub(crate) revoked_by: String,
    /// Why.
    pub(crate) note: String,
}

impl Ledger {
    /// Every revoked completion, in the order they were revoked (none for
    /// a ledger from before revocations).
    pub fn revocations(&self) -> Result<Vec<Revocation>> {
        if self.schema < schema::REVOCATIONS_SCHEMA {
            return Ok(Vec::new());
        }
        let read = |err| sqlite_error(&self.path, "reading", err);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COMPLETION_COLUMNS}, r.revoked_at, r.revoked_by, r.note \
                 FROM revocations r JOIN completions c ON c.id = r.completion_id \
                 ORDER BY r.revoked_at, r.id"
            ))
            .map_err(read)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Revocation {
                    completion: super::completion_from_row(row)?,
                    revoked_at: row.get(10)?,
                    revoked_by: row.get(11)?,
                    note: row.get(12)?,
                })
            })
            .map_err(read)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(read)
    }
}

impl Batch<'_> {
    /// The completions of `policy` recorded for `staff_id` that are not
    /// revoked, oldest first (ids compared as recorded).
    pub fn counting(&self, staff_id: &str, policy: &str) -> Result<Vec<Completion>> {
        query_completions(
            &self.tx,
            self.path,
            &format!(
                "SELECT {COMPLETION_COLUMNS} FROM completions c WHERE c.staff_id = ?1 \
                 AND c.policy = ?2 AND NOT EXISTS \
                 (SELECT 1 FROM revocations r WHERE r.completion_id = c.id) \
                 ORDER BY c.completed_at, c.id"
            ),
            params![staff_id, policy],
        )
    }

    /// Revokes `completion` (one of [`Batch::counting`]'s): it stays in the
    /// ledger, with `by`, `at` (Unix seconds) and `note` saying who revoked
    /// it, when and why. False when it was already revoked.
    pub fn revoke(&self, completion: &Completion, at: i64, by: &str, note: &str) -> Result<bool> {
        let changed = self
            .tx
            .execute(
                "INSERT INTO revocations (completion_id, revoked_at, revoked_by, note) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (completion_id) DO NOTHING",
                params![completion.row, at, by, note],
            )
            .map_err(|err| sqlite_error(self.path, "writing", err))?;
        Ok(changed == 1)
    }
}

impl Revocation {
    /// The completion revoked.
    pub fn completion(&self) -> &Completion {
        &self.completion
    }
}

impl Completion {
    /// The policy version completed (its id).
    pub fn policy_version(&self) -> &str {
        &self.policy_version
    }

    /// When, in Unix seconds.
    pub fn completed_at(&self) -> i64 {
        self.completed_at
    }

    /// How it was recorded.
    pub fn method(&self) -> super::Method {
        self.method
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Method, NewCompletion};
    use super::*;
    use crate::records::policy::Library;
    use crate::records::token::Scores;

    #[test]
    fn a_revoked_completion_is_kept_and_counts_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let library = Library {
            site_id: "s".to_string(),
            policies: Vec::new(),
        };
        let mut ledger = Ledger::open(&path, &library).unwrap();
        let scores = Scores::default();
        let batch = ledger.batch().unwrap();
        for (staff, at) in [("T1", 100), ("T1", 200), ("T2", 100)] {
            batch
                .insert(&NewCompletion {
                    staff_id: staff,
                    policy: "p",
                    policy_version: "v",
                    completed_at: at,
                    scores: &scores,
                    token: None,
                    source: super::super::RECORDED_BY_HAND,
                    method: Method::OnBehalf,
                    note: Some("paper"),
                    imported_at: 300,
                })
                .unwrap();
        }
        let mine = batch.counting("T1", "p").unwrap();
        assert_eq!(mine.len(), 2);
        assert!(batch.revoke(&mine[1], 400, "office", "wrong date").unwrap());
        assert!(!batch.revoke(&mine[1], 500, "office", "again").unwrap());
        assert_eq!(batch.counting("T1", "p").unwrap().len(), 1);
        batch.commit().unwrap();
        let all = ledger.completions().unwrap();
        assert_eq!(all.len(), 2, "the revoked one is left out");
        assert!(
            all.iter()
                .all(|c| c.completed_at != 200 || c.staff_id != "T1")
        );
        let revoked = ledger.revocations().unwrap();
        assert_eq!(revoked.len(), 1);
        assert_eq!(revoked[0].completion.completed_at, 200);
        assert_eq!(revoked[0].revoked_by, "office");
        assert_eq!(revoked[0].note, "wrong date");
        assert_eq!(revoked[0].revoked_at, 400);
    }
}
