//! The compliance report (SPEC §6). Takes the roster, the ledger's
//! completions and the policy; gives who on the roster has read the
//! current version, grouped by school and role, with totals, the
//! outstanding staff and any ledger entries for people no longer on the
//! roster.
//!
//! [`Report::build`] works out each person's status; this module writes it
//! as a text summary and as CSV for training records, and [`html`] writes
//! the page for people.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::DateTime;

use crate::error::{Error, Result};
use crate::records::ledger::{Completion, Method};
use crate::records::policy::Policy;
use crate::records::roster::{Person, Roster, id_key};
use crate::util::text::{csv_cell, terminal_safe};

pub mod html;

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    /// Completed the current version (or one with only minor changes since).
    Complete,
    /// Completed an earlier version that has since changed.
    NeedsReread,
    /// Nothing recorded.
    NotStarted,
}

impl Status {
    /// As people read it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Complete => "Complete",
            Status::NeedsReread => "Needs to re-read",
            Status::NotStarted => "Not started",
        }
    }

    /// As written in the CSV.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::NeedsReread => "needs_reread",
            Status::NotStarted => "not_started",
        }
    }
}

/// One roster member's line of the report.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The person.
    pub(crate) person: &'a Person,
    /// Their status.
    pub(crate) status: Status,
    /// The completion the status rests on (the latest that counts, or for
    /// someone who needs to re-read, their latest).
    pub(crate) completion: Option<&'a Completion>,
}

/// Counts of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Complete.
    pub(crate) complete: usize,
    /// Needs to re-read.
    pub(crate) needs_reread: usize,
    /// Not started.
    pub(crate) not_started: usize,
}

impl Totals {
    fn add(&mut self, status: Status) {
        match status {
            Status::Complete => self.complete += 1,
            Status::NeedsReread => self.needs_reread += 1,
            Status::NotStarted => self.not_started += 1,
        }
    }

    /// Everyone counted.
    pub(crate) fn total(&self) -> usize {
        self.complete + self.needs_reread + self.not_started
    }

    /// Complete, as a whole percentage of the total (0 when nobody).
    pub(crate) fn percent_complete(&self) -> usize {
        (self.complete * 100).checked_div(self.total()).unwrap_or(0)
    }
}

/// One school's part of the report.
#[derive(Debug, Clone)]
pub struct School<'a> {
    /// The school's name ("" when the roster gives none).
    pub(crate) name: String,
    /// Role → rows, roles in alphabetical order, rows by name.
    pub(crate) roles: Vec<(String, Vec<Row<'a>>)>,
    /// The school's totals.
    pub(crate) totals: Totals,
}

impl School<'_> {
    /// The name to show: "(no school given)" for the empty name.
    pub(crate) fn display_name(&self) -> &str {
        if self.name.is_empty() {
            "(no school given)"
        } else {
            &self.name
        }
    }
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The policy reported on.
    pub(crate) policy: &'a Policy,
    /// Schools in order: site.yaml's order, then others alphabetically, then
    /// people with no school.
    pub(crate) schools: Vec<School<'a>>,
    /// Everyone's totals.
    pub(crate) totals: Totals,
    /// Ledger entries whose staff id is not on the roster, oldest first.
    pub not_on_roster: Vec<&'a Completion>,
}

impl<'a> Report<'a> {
    /// Works out everyone's status from the ledger's `completions`.
    /// `school_order` is site.yaml's list of schools.
    pub fn build(
        roster: &'a Roster,
        completions: &'a [Completion],
        policy: &'a Policy,
        school_order: &[String],
    ) -> Report<'a> {
        let mut by_person: HashMap<String, Vec<&'a Completion>> = HashMap::new();
        let mut not_on_roster = Vec::new();
        for completion in completions {
            if roster.get(&completion.staff_id).is_some() {
                by_person
                    .entry(id_key(&completion.staff_id))
                    .or_default()
                    .push(completion);
            } else {
                not_on_roster.push(completion);
            }
        }
        let latest = |list: &[&'a Completion]| -> Option<&'a Completion> {
            list.iter()
                .copied()
                .max_by_key(|c| (c.completed_at, c.imported_at))
        };
        let mut grouped: BTreeMap<(usize, String), BTreeMap<String, Vec<Row<'a>>>> =
            BTreeMap::new();
        let mut totals = Totals::default();
        for person in roster.people() {
            let mine = by_person
                .get(&id_key(&person.id))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let counting: Vec<&Completion> = mine
                .iter()
                .copied()
                .filter(|c| policy.counts_as_current(&c.policy_version))
                .collect();
            let (status, completion) = if let Some(c) = latest(&counting) {
                (Status::Complete, Some(c))
            } else if let Some(c) = latest(mine) {
                (Status::NeedsReread, Some(c))
            } else {
                (Status::NotStarted, None)
            };
            totals.add(status);
            let rank = if person.school.is_empty() {
                usize::MAX
            } else {
                school_order
                    .iter()
                    .position(|s| s.eq_ignore_ascii_case(&person.school))
                    .unwrap_or(school_order.len())
            };
            grouped
                .entry((rank, person.school.clone()))
                .or_default()
                .entry(person.role.clone())
                .or_default()
                .push(Row {
                    person,
                    status,
                    completion,
                });
        }
        let schools = grouped
            .into_iter()
            .map(|((_, name), roles)| {
                let mut school_totals = Totals::default();
                let roles = roles
                    .into_iter()
                    .map(|(role, mut rows)| {
                        rows.sort_by(|a, b| {
                            a.person
                                .name
                                .to_lowercase()
                                .cmp(&b.person.name.to_lowercase())
                        });
                        for row in &rows {
                            school_totals.add(row.status);
                        }
                        (role, rows)
                    })
                    .collect();
                School {
                    name,
                    roles,
                    totals: school_totals,
                }
            })
            .collect();
        Report {
            policy,
            schools,
            totals,
            not_on_roster,
        }
    }

    /// Everyone who is not complete, school by school.
    pub fn outstanding(&self) -> impl Iterator<Item = (&School<'a>, &Row<'a>)> {
        self.schools.iter().flat_map(|school| {
            school
                .roles
                .iter()
                .flat_map(|(_, rows)| rows.iter())
                .filter(|row| row.status != Status::Complete)
                .map(move |row| (school, row))
        })
    }

    /// The plain-text summary for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let policy = self.policy;
        let _ = writeln!(
            out,
            "Compliance report for version {}",
            policy.describe(&policy.current_version)
        );
        let width = self
            .schools
            .iter()
            .map(|s| terminal_safe(s.display_name()).chars().count())
            .chain([11])
            .max()
            .unwrap_or(11);
        let _ = writeln!(
            out,
            "\n{:width$}  {:>8}  {:>16}  {:>11}  {:>5}  {:>9}",
            "School", "Complete", "Needs to re-read", "Not started", "Total", "%complete"
        );
        let line = |out: &mut String, name: &str, t: &Totals| {
            let _ = writeln!(
                out,
                "{name:width$}  {:>8}  {:>16}  {:>11}  {:>5}  {:>8}%",
                t.complete,
                t.needs_reread,
                t.not_started,
                t.total(),
                t.percent_complete()
            );
        };
        for school in &self.schools {
            // Schools are named by the roster: shown, not obeyed.
            line(
                &mut out,
                &terminal_safe(school.display_name()),
                &school.totals,
            );
        }
        line(&mut out, "All schools", &self.totals);
        let outstanding = self.totals.needs_reread + self.totals.not_started;
        if outstanding == 0 {
            let _ = writeln!(out, "\nEveryone on the roster is complete.");
        } else {
            let _ = writeln!(
                out,
                "\n{outstanding} {} still to complete the current version \
                 (the HTML and CSV reports list them with e-mail addresses).",
                if outstanding == 1 { "person" } else { "people" }
            );
        }
        let on_behalf = self
            .schools
            .iter()
            .flat_map(|s| s.roles.iter().flat_map(|(_, rows)| rows.iter()))
            .filter(|r| r.completion.is_some_and(|c| c.method == Method::OnBehalf))
            .count();
        if on_behalf > 0 {
            let _ = writeln!(
                out,
                "{on_behalf} completion(s) shown were recorded on the person's behalf."
            );
        }
        if !self.not_on_roster.is_empty() {
            let _ = writeln!(
                out,
                "{} ledger entr{} for ids no longer on the roster (listed apart in the HTML and CSV \
                 reports).",
                self.not_on_roster.len(),
                if self.not_on_roster.len() == 1 {
                    "y is"
                } else {
                    "ies are"
                }
            );
        }
        out
    }

    /// The CSV for training records: one row per roster member, then one per
    /// ledger entry for ids no longer on the roster (status `not_on_roster`).
    /// UTF-8 with a byte-order mark, so that Excel reads it as UTF-8; no
    /// cell starts with what a spreadsheet would run as a formula (names,
    /// notes and module names come from people and from tokens).
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = SafeCsv(csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec()));
        let fail =
            |err: csv::Error| Error::io("writing the CSV report", std::io::Error::other(err));
        writer
            .write_record([
                "school",
                "role",
                "id",
                "name",
                "email",
                "status",
                "version",
                "version_label",
                "completed",
                "scores",
                "recorded",
                "note",
            ])
            .map_err(fail)?;
        let policy = self.policy;
        let completion_fields = |c: Option<&Completion>| -> [String; 6] {
            match c {
                None => Default::default(),
                Some(c) => [
                    c.policy_version.clone(),
                    policy
                        .version(&c.policy_version)
                        .map(|v| v.label.clone())
                        .unwrap_or_default(),
                    format_date(c.completed_at),
                    format_scores(c),
                    recorded_as(c).to_string(),
                    c.note.clone().unwrap_or_default(),
                ],
            }
        };
        for school in &self.schools {
            for (role, rows) in &school.roles {
                for row in rows {
                    let p = row.person;
                    let mut record = vec![
                        school.name.clone(),
                        role.clone(),
                        p.id.clone(),
                        p.name.clone(),
                        p.email.clone(),
                        row.status.code().to_string(),
                    ];
                    record.extend(completion_fields(row.completion));
                    writer.write_record(&record).map_err(fail)?;
                }
            }
        }
        for c in &self.not_on_roster {
            let mut record = vec![
                String::new(),
                String::new(),
                c.staff_id.clone(),
                String::new(),
                String::new(),
                "not_on_roster".to_string(),
            ];
            record.extend(completion_fields(Some(c)));
            writer.write_record(&record).map_err(fail)?;
        }
        writer.into_inner()
    }
}

/// A CSV writer whose every cell goes through [`csv_cell`].
struct SafeCsv(csv::Writer<Vec<u8>>);

impl SafeCsv {
    fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|cell| csv_cell(cell.as_ref()).into_owned()),
        )
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

/// `token` or `on behalf`, as the report says how a completion was recorded.
pub(crate) fn recorded_as(c: &Completion) -> &'static str {
    match c.method {
        Method::Token => "token",
        Method::OnBehalf => "on behalf",
    }
}

/// A Unix time as an ISO date (UTC).
pub(crate) fn format_date(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Scores as `scope 100%; behaviour 80%`.
pub(crate) fn format_scores(c: &Completion) -> String {
    c.scores
        .0
        .iter()
        .map(|(module, score)| format!("{module} {score}%"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::records::policy::KnownVersion;
    use crate::records::token::Scores;

    fn completion(id: &str, version: &str, at: i64, method: Method) -> Completion {
        Completion {
            staff_id: id.to_string(),
            policy_version: version.to_string(),
            completed_at: at,
            scores: Scores(vec![("scope".into(), 100)]),
            imported_at: at + 10,
            source: "x:1".to_string(),
            method,
            note: None,
        }
    }

    pub(super) fn sample() -> (Roster, Vec<Completion>, Policy) {
        let roster = Roster::parse(
            b"id,name,email,school,role\n\
              T1,Ann Able,ann@example.org,Hill,Teacher\n\
              T2,Bob Bell,bob@example.org,Hill,Teacher\n\
              T3,Cy Cole,cy@example.org,Dale,Volunteer\n\
              T4,Di Dunn,,Hill,Office\n\
              T5,Ed Eve,,,\n",
            Path::new("roster.csv"),
        )
        .unwrap();
        let day = 86_400;
        let completions = vec![
            completion("T1", "old", day, Method::Token),
            completion("T1", "cur", 3 * day, Method::Token),
            completion("t2", "old", 2 * day, Method::Token),
            completion("T3", "minor", 2 * day, Method::OnBehalf),
            completion("GONE", "cur", 4 * day, Method::Token),
        ];
        let policy = Policy {
            site_id: "s".to_string(),
            known_versions: ["old", "minor", "cur"]
                .iter()
                .map(|id| KnownVersion {
                    id: id.to_string(),
                    label: format!("Version {id}"),
                    published: None,
                    minor: *id == "cur",
                })
                .collect(),
            current_version: "cur".to_string(),
            modules: BTreeMap::new(),
            archived_modules: BTreeMap::new(),
        };
        (roster, completions, policy)
    }

    #[test]
    fn statuses_groups_and_totals() {
        let (roster, completions, policy) = sample();
        let report = Report::build(&roster, &completions, &policy, &["Hill".to_string()]);
        let names: Vec<&str> = report.schools.iter().map(|s| s.display_name()).collect();
        assert_eq!(names, ["Hill", "Dale", "(no school given)"]);
        let hill = &report.schools[0];
        assert_eq!(
            hill.roles
                .iter()
                .map(|(r, _)| r.as_str())
                .collect::<Vec<_>>(),
            ["Office", "Teacher"]
        );
        let teachers = &hill.roles[1].1;
        assert_eq!(teachers[0].status, Status::Complete);
        assert_eq!(teachers[0].completion.unwrap().policy_version, "cur");
        assert_eq!(teachers[1].status, Status::NeedsReread);
        assert_eq!(report.schools[1].roles[0].1[0].status, Status::Complete);
        assert_eq!(report.schools[2].roles[0].1[0].status, Status::NotStarted);
        assert_eq!(
            report.totals,
            Totals {
                complete: 2,
                needs_reread: 1,
                not_started: 2
            }
        );
        assert_eq!(hill.totals.percent_complete(), 33);
        assert_eq!(report.not_on_roster.len(), 1);
        assert_eq!(report.outstanding().count(), 3);
        let text = report.to_text();
        assert!(text.contains("All schools"), "{text}");
        assert!(text.contains("3 people still to complete"), "{text}");
        assert!(
            text.contains("1 ledger entry is for ids no longer"),
            "{text}"
        );
        let csv = String::from_utf8(report.to_csv().unwrap()).unwrap();
        assert!(
            csv.contains("Dale,Volunteer,T3,Cy Cole,cy@example.org,complete,minor,Version minor,1970-01-03,scope 100%,on behalf,"),
            "{csv}"
        );
        assert!(csv.contains(",GONE,,,not_on_roster,cur,"), "{csv}");
        assert_eq!(csv.lines().count(), 1 + 5 + 1);
        assert!(csv.starts_with("\u{feff}school,role,id,"), "{csv}");
    }

    #[test]
    fn no_csv_cell_is_run_as_a_formula() {
        let roster = Roster::parse(
            "id,name,email,school,role\n\
             T1,=HYPERLINK(\"http://x\"),@evil,+Hill,-Teacher\n\
             \"\tT2\",Ann\n"
                .as_bytes(),
            Path::new("roster.csv"),
        )
        .unwrap();
        let mut c = completion("T1", "cur", 86_400, Method::OnBehalf);
        c.note = Some("=1+1".to_string());
        c.scores = Scores(vec![("-x".into(), 100)]);
        let mut gone = completion("@GONE", "cur", 86_400, Method::Token);
        gone.source = "=cmd|' /C calc'!A0".to_string();
        let completions = vec![c, gone];
        let (_, _, policy) = sample();
        let report = Report::build(&roster, &completions, &policy, &[]);
        let bytes = report.to_csv().unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let mut cells = Vec::new();
        for record in reader.records() {
            cells.extend(record.unwrap().iter().map(str::to_string));
        }
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} in {cells:?}"
            );
        }
        for expected in [
            "'=HYPERLINK(\"http://x\")",
            "'@evil",
            "'+Hill",
            "'-Teacher",
            "'=1+1",
            "'-x 100%",
            "'@GONE",
        ] {
            assert!(
                cells.iter().any(|c| c == expected),
                "{expected} in {cells:?}"
            );
        }
    }
}
