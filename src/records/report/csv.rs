//! The report as CSV for the school's training records: one row per
//! person and policy their role requires (no rows for *not required*),
//! then one per ledger entry listed apart (`not_on_roster`,
//! `policy_unknown`) and one per revoked record (`revoked`, with who revoked
//! it, when and why). The `status` column is one of `complete`,
//! `needs_reread`, `renewal_due`, `due`, `overdue`, and `due` gives the day
//! it is (or was) due by; dates are ISO (year-month-day) and versions are
//! named by their labels. UTF-8 with a byte-order mark,
//! so that Excel reads it as UTF-8; every cell goes through
//! [`csv_cell`], so none is run as a formula (names, notes and module
//! names come from people and from tokens).

use super::{Cell, Report, Status, format_date, format_scores, recorded_as, version_label};
use crate::error::{Error, Result};
use crate::records::ledger::Completion;
use crate::records::policy::Policy;
use crate::util::text::csv_cell;

/// The header row.
const HEADER: [&str; 17] = [
    "school",
    "role",
    "id",
    "name",
    "email",
    "policy",
    "policy_title",
    "status",
    "due",
    "completed",
    "version",
    "scores",
    "recorded",
    "note",
    "revoked",
    "revoked_by",
    "revoked_why",
];

/// Where the policy id goes in a row.
const POLICY_COLUMN: usize = 5;

impl Report<'_> {
    /// The CSV for training records.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = SafeCsv(::csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec()));
        writer.write_record(HEADER)?;
        for school in &self.schools {
            for (role, rows) in &school.roles {
                for row in rows {
                    for (policy, cell) in self.policies.iter().zip(&row.cells) {
                        if cell.status == Status::NotRequired {
                            continue;
                        }
                        let p = row.person;
                        let mut record = vec![
                            school.name.clone(),
                            role.clone(),
                            p.id.clone(),
                            p.name.clone(),
                            p.email.clone(),
                        ];
                        record.extend(fields(Some(policy), cell.status.code(), cell));
                        record.extend([String::new(), String::new(), String::new()]);
                        writer.write_record(&record)?;
                    }
                }
            }
        }
        let apart = self
            .not_on_roster
            .iter()
            .map(|c| (c, "not_on_roster"))
            .chain(self.policy_unknown.iter().map(|c| (c, "policy_unknown")));
        for (c, status) in apart {
            let policy = self.policies.iter().copied().find(|p| p.id == c.policy);
            let mut record = vec![
                String::new(),
                String::new(),
                c.staff_id.clone(),
                String::new(),
                String::new(),
            ];
            let cell = Cell {
                status: Status::Complete,
                due: None,
                completion: Some(c),
            };
            record.extend(fields(policy, status, &cell));
            if policy.is_none() {
                record[POLICY_COLUMN] = c.policy.clone();
            }
            record.extend([String::new(), String::new(), String::new()]);
            writer.write_record(&record)?;
        }
        for r in &self.revoked {
            let c = &r.completion;
            let person = self.person(&c.staff_id);
            let mut record = vec![
                person.map(|p| p.school.clone()).unwrap_or_default(),
                person.map(|p| p.role.clone()).unwrap_or_default(),
                c.staff_id.clone(),
                person.map(|p| p.name.clone()).unwrap_or_default(),
                person.map(|p| p.email.clone()).unwrap_or_default(),
            ];
            let cell = Cell {
                status: Status::Complete,
                due: None,
                completion: Some(c),
            };
            record.extend(fields(self.policy(&c.policy), "revoked", &cell));
            record.extend([
                format_date(r.revoked_at),
                r.revoked_by.clone(),
                r.note.clone(),
            ]);
            writer.write_record(&record)?;
        }
        writer.into_inner()
    }
}

/// The cells from `policy` on: policy, title, status, then the completion.
fn fields(policy: Option<&Policy>, status: &str, cell: &Cell<'_>) -> Vec<String> {
    let mut out = vec![
        policy.map(|p| p.id.clone()).unwrap_or_default(),
        policy.map(|p| p.title.clone()).unwrap_or_default(),
        status.to_string(),
        cell.due.map(|d| d.to_string()).unwrap_or_default(),
    ];
    out.extend(completion_fields(policy, cell.completion));
    out
}

/// The completion's cells: completed, version (its label; the id only
/// for a row whose policy is unknown), scores, recorded, note.
fn completion_fields(policy: Option<&Policy>, c: Option<&Completion>) -> [String; 5] {
    match c {
        None => Default::default(),
        Some(c) => [
            format_date(c.completed_at),
            policy.map_or_else(
                || c.policy_version.clone(),
                |p| version_label(p, &c.policy_version),
            ),
            format_scores(policy, c),
            recorded_as(c).to_string(),
            c.note.clone().unwrap_or_default(),
        ],
    }
}

/// A CSV writer whose every cell goes through [`csv_cell`].
struct SafeCsv(::csv::Writer<Vec<u8>>);

impl SafeCsv {
    fn write_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0
            .write_record(
                record
                    .into_iter()
                    .map(|cell| csv_cell(cell.as_ref()).into_owned()),
            )
            .map_err(|err| Error::io("writing the CSV report", std::io::Error::other(err)))
    }

    fn into_inner(self) -> Result<Vec<u8>> {
        self.0.into_inner().map_err(|err| {
            Error::io(
                "writing the CSV report",
                std::io::Error::other(err.to_string()),
            )
        })
    }
}
