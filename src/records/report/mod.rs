//! The compliance report (SPEC §6). Takes the roster, the ledger's
//! completions and the library; gives, per school, everyone on the roster
//! (grouped by role) against every policy: a matrix whose cells are each
//! person's status for that policy, with totals per school and policy, a
//! trust summary (policy × school), the outstanding staff, and the ledger
//! entries listed apart: those for ids no longer on the roster, and those
//! whose policy is unknown (rows of an old ledger that could not be told).
//!
//! Revoked completions ([`Report::with_revocations`]) count for nobody
//! and are listed apart too, with who revoked them, when and why. Versions
//! are named by their labels, never their ids.
//!
//! [`Report::build`] works out every status; [`text`] writes the summary
//! for the terminal, [`csv`] the training records, [`html`] the page
//! for people, and [`summary`] the evidence summary for inspectors and
//! trustees.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate};

use crate::records::ledger::{Completion, Method, Revocation};
use crate::records::policy::{Library, Policy};
use crate::records::roster::{Person, Roster, id_key};

pub mod csv;
pub mod html;
mod status;
pub mod summary;
pub mod text;

pub(crate) use status::{Status, completed_on};

/// One person's status for one policy.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The status.
    pub(crate) status: Status,
    /// The day it is (or was) due by, for anything outstanding.
    pub(crate) due: Option<NaiveDate>,
    /// The completion it rests on (the latest that counts, or for someone
    /// who needs to re-read, their latest).
    pub(crate) completion: Option<&'a Completion>,
}

/// One roster member's line of the matrix.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The person.
    pub(crate) person: &'a Person,
    /// One cell per policy of the report, in the report's order.
    pub(crate) cells: Vec<Cell<'a>>,
}

/// Counts of each status, for one policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Complete.
    pub(crate) complete: usize,
    /// Needs to re-read.
    pub(crate) needs_reread: usize,
    /// Renewal due.
    pub(crate) renewal_due: usize,
    /// Due.
    pub(crate) due: usize,
    /// Overdue.
    pub(crate) overdue: usize,
    /// Not required (not counted in the percentage).
    pub(crate) not_required: usize,
}

impl Totals {
    fn add(&mut self, status: Status) {
        match status {
            Status::Complete => self.complete += 1,
            Status::NeedsReread => self.needs_reread += 1,
            Status::RenewalDue => self.renewal_due += 1,
            Status::Due => self.due += 1,
            Status::Overdue => self.overdue += 1,
            Status::NotRequired => self.not_required += 1,
        }
    }

    /// Adds `other`'s counts to these.
    pub(crate) fn merge(&mut self, other: &Totals) {
        self.complete += other.complete;
        self.needs_reread += other.needs_reread;
        self.renewal_due += other.renewal_due;
        self.due += other.due;
        self.overdue += other.overdue;
        self.not_required += other.not_required;
    }

    /// Everyone still to (re-)read it, overdue or not.
    pub(crate) fn outstanding(&self) -> usize {
        self.needs_reread + self.renewal_due + self.due + self.overdue
    }

    /// Everyone who must read the policy.
    pub(crate) fn required(&self) -> usize {
        self.complete + self.outstanding()
    }

    /// Complete, as a whole percentage of those required (0 when nobody
    /// is).
    pub(crate) fn percent_complete(&self) -> usize {
        (self.complete * 100)
            .checked_div(self.required())
            .unwrap_or(0)
    }

    /// The percentage and counts as people read them: `50% (1 of 2)`, or
    /// `–` when nobody must read it.
    pub(crate) fn summary(&self) -> String {
        if self.required() == 0 {
            "none required".to_string()
        } else {
            format!(
                "{}% ({} of {})",
                self.percent_complete(),
                self.complete,
                self.required()
            )
        }
    }
}

/// One school's part of the report.
#[derive(Debug, Clone)]
pub struct School<'a> {
    /// The school's name ("" when the roster gives none).
    pub(crate) name: String,
    /// Role → rows, roles in alphabetical order, rows by name.
    pub(crate) roles: Vec<(String, Vec<Row<'a>>)>,
    /// The school's totals, one per policy of the report.
    pub(crate) totals: Vec<Totals>,
}

impl<'a> School<'a> {
    /// The name to show: "(no school given)" for the empty name.
    pub(crate) fn display_name(&self) -> &str {
        display_school(&self.name)
    }

    /// Every row, role by role.
    pub(crate) fn rows(&self) -> impl Iterator<Item = &Row<'a>> {
        self.roles.iter().flat_map(|(_, rows)| rows.iter())
    }
}

/// A school's name as shown: "(no school given)" for the empty name.
pub(crate) fn display_school(name: &str) -> &str {
    if name.is_empty() {
        "(no school given)"
    } else {
        name
    }
}

/// What a report covers: one policy or all, one school or all.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'s> {
    /// Only this policy (its id), when given.
    pub policy: Option<&'s str>,
    /// Only this school (compared without regard to case), when given.
    pub school: Option<&'s str>,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The day the report is as of.
    pub(crate) today: NaiveDate,
    /// The policies reported on, in site.yaml's order.
    pub(crate) policies: Vec<&'a Policy>,
    /// Schools in order: site.yaml's order, then others alphabetically, then
    /// people with no school.
    pub(crate) schools: Vec<School<'a>>,
    /// Everyone's totals, one per policy.
    pub(crate) totals: Vec<Totals>,
    /// Ledger entries (of the policies reported on) whose staff id is not on
    /// the roster, oldest first.
    pub not_on_roster: Vec<&'a Completion>,
    /// Ledger entries whose policy is not one of the site's (an old row
    /// whose policy could not be told, or a policy since removed from
    /// site.yaml), oldest first. Listed whatever the scope.
    pub policy_unknown: Vec<&'a Completion>,
    /// Revoked completions of the policies and people reported on, in the
    /// order they were revoked ([`Report::with_revocations`]).
    pub revoked: Vec<&'a Revocation>,
    /// True when the report covers every school (so revocations for ids
    /// not on the roster are listed too).
    every_school: bool,
}

/// Completions by (person key, policy id).
type ByPerson<'a> = HashMap<(String, &'a str), Vec<&'a Completion>>;

impl<'a> Report<'a> {
    /// Works out everyone's status for each policy in `scope` from the
    /// ledger's `completions`, as of `today`. `school_order` is site.yaml's
    /// list of schools. A policy or school in `scope` that does not exist gives a
    /// report of nothing: check them first ([`Report::schools_of`]).
    pub fn build(
        roster: &'a Roster,
        completions: &'a [Completion],
        library: &'a Library,
        school_order: &[String],
        scope: &Scope<'_>,
        today: NaiveDate,
    ) -> Report<'a> {
        let policies: Vec<&Policy> = library
            .policies
            .iter()
            .filter(|p| scope.policy.is_none_or(|id| id == p.id))
            .collect();
        let mut by_person: ByPerson<'a> = HashMap::new();
        let mut not_on_roster = Vec::new();
        let mut policy_unknown = Vec::new();
        for completion in completions {
            if library.get(&completion.policy).is_none() {
                policy_unknown.push(completion);
            } else if !policies.iter().any(|p| p.id == completion.policy) {
                continue;
            } else if roster.get(&completion.staff_id).is_some() {
                by_person
                    .entry((id_key(&completion.staff_id), completion.policy.as_str()))
                    .or_default()
                    .push(completion);
            } else {
                not_on_roster.push(completion);
            }
        }
        let mut grouped: BTreeMap<(usize, String), BTreeMap<String, Vec<Row<'a>>>> =
            BTreeMap::new();
        for person in roster.people() {
            if scope
                .school
                .is_some_and(|s| !s.trim().eq_ignore_ascii_case(person.school.trim()))
            {
                continue;
            }
            let key = id_key(&person.id);
            let cells = policies
                .iter()
                .map(|policy| {
                    let mine = by_person
                        .get(&(key.clone(), policy.id.as_str()))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let s = status::standing(policy, person, mine, today);
                    Cell {
                        status: s.status,
                        due: s.due,
                        completion: s.completion,
                    }
                })
                .collect();
            grouped
                .entry((
                    school_rank(school_order, &person.school),
                    person.school.clone(),
                ))
                .or_default()
                .entry(person.role.clone())
                .or_default()
                .push(Row { person, cells });
        }
        let n = policies.len();
        let mut totals = vec![Totals::default(); n];
        let schools = grouped
            .into_iter()
            .map(|((_, name), roles)| {
                let school = school(name, roles, n);
                for (all, mine) in totals.iter_mut().zip(&school.totals) {
                    all.merge(mine);
                }
                school
            })
            .collect();
        Report {
            today,
            policies,
            schools,
            totals,
            not_on_roster,
            policy_unknown,
            revoked: Vec::new(),
            every_school: scope.school.is_none(),
        }
    }

    /// The report with `revocations` (the ledger's) listed: those of the
    /// policies reported on, for the people reported on (and, when it covers
    /// every school, for ids not on the roster). They never count towards
    /// anyone's status: the ledger's completions leave them out.
    pub fn with_revocations(mut self, revocations: &'a [Revocation]) -> Report<'a> {
        self.revoked = revocations
            .iter()
            .filter(|r| {
                let c = &r.completion;
                self.policies.iter().any(|p| p.id == c.policy)
                    && match self.person(&c.staff_id) {
                        Some(_) => true,
                        None => self.every_school,
                    }
            })
            .collect();
        self
    }

    /// The roster member reported on with `id`, if any.
    pub(crate) fn person(&self, id: &str) -> Option<&'a Person> {
        let key = id_key(id);
        self.schools
            .iter()
            .flat_map(|s| s.rows())
            .map(|r| r.person)
            .find(|p| id_key(&p.id) == key)
    }

    /// The policy of the report with `id`.
    pub(crate) fn policy(&self, id: &str) -> Option<&'a Policy> {
        self.policies.iter().copied().find(|p| p.id == id)
    }

    /// The schools a report can be limited to: site.yaml's, then any
    /// other the roster names, each once (compared without regard to
    /// case).
    pub fn schools_of(roster: &Roster, school_order: &[String]) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        let names = school_order
            .iter()
            .map(String::as_str)
            .chain(roster.people().iter().map(|p| p.school.trim()));
        for name in names {
            if !name.is_empty() && !all.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                all.push(name.to_string());
            }
        }
        all
    }

    /// Every (school, row, policy, cell) still to (re-)read, school by
    /// school.
    pub(crate) fn outstanding<'s>(
        &'s self,
    ) -> impl Iterator<Item = (&'s School<'a>, &'s Row<'a>, &'a Policy, &'s Cell<'a>)> + 's {
        self.schools.iter().flat_map(move |school| {
            school.rows().flat_map(move |row| {
                self.policies
                    .iter()
                    .zip(&row.cells)
                    .filter(|(_, cell)| cell.status.outstanding())
                    .map(move |(policy, cell)| (school, row, *policy, cell))
            })
        })
    }

    /// Every (school, row, policy, cell) overdue, most overdue first.
    pub(crate) fn overdue<'s>(
        &'s self,
    ) -> Vec<(&'s School<'a>, &'s Row<'a>, &'a Policy, &'s Cell<'a>)> {
        let mut list: Vec<_> = self
            .outstanding()
            .filter(|(_, _, _, cell)| cell.status == Status::Overdue)
            .collect();
        list.sort_by_key(|(_, row, _, cell)| (cell.due, row.person.name.to_lowercase()));
        list
    }

    /// How many (person, policy) pairs are still to (re-)read.
    pub fn outstanding_count(&self) -> usize {
        self.outstanding().count()
    }
}

/// Where a school sorts: site.yaml's order, then others, then no school.
fn school_rank(school_order: &[String], school: &str) -> usize {
    if school.is_empty() {
        usize::MAX
    } else {
        school_order
            .iter()
            .position(|s| s.eq_ignore_ascii_case(school))
            .unwrap_or(school_order.len())
    }
}

/// A school's rows sorted by name within each role, with its totals.
fn school<'a>(name: String, roles: BTreeMap<String, Vec<Row<'a>>>, n: usize) -> School<'a> {
    let mut totals = vec![Totals::default(); n];
    let roles = roles
        .into_iter()
        .map(|(role, mut rows)| {
            rows.sort_by_cached_key(|r| r.person.name.to_lowercase());
            for row in &rows {
                for (t, cell) in totals.iter_mut().zip(&row.cells) {
                    t.add(cell.status);
                }
            }
            (role, rows)
        })
        .collect();
    School {
        name,
        roles,
        totals,
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

/// The scores of `c` as people read them: `all 9 modules passed`, or the
/// modules below their pass mark (`failed: rules 40% (pass mark 70%)`),
/// judged against the course of the version completed; "" for a paper
/// sign-off (no scores). When that course is not known, the scores
/// themselves.
pub(crate) fn format_scores(policy: Option<&Policy>, c: &Completion) -> String {
    let scores = &c.scores.0;
    if scores.is_empty() {
        return String::new();
    }
    let known = policy
        .and_then(|p| p.modules_for(&c.policy_version))
        .filter(|m| !m.is_empty());
    let Some(modules) = known else {
        return scores
            .iter()
            .map(|(module, score)| format!("{module} {score}%"))
            .collect::<Vec<_>>()
            .join("; ");
    };
    let failed: Vec<String> = modules
        .iter()
        .filter_map(|(module, pass)| {
            match scores.iter().find(|(m, _)| m == module).map(|(_, s)| *s) {
                Some(score) if score >= *pass => None,
                Some(score) => Some(format!("{module} {score}% (pass mark {pass}%)")),
                None => Some(format!("{module} (not taken)")),
            }
        })
        .collect();
    if failed.is_empty() {
        match modules.len() {
            1 => "the module passed".to_string(),
            n => format!("all {n} modules passed"),
        }
    } else {
        format!("failed: {}", failed.join("; "))
    }
}

/// What people call `version` of `policy`: its label, never its id (a
/// published version without a label by its publication date; the current
/// content before anything is published by site.yaml's label, marked as
/// not yet published).
pub(crate) fn version_label(policy: &Policy, version: &str) -> String {
    match policy.version(version) {
        Some(v) if !v.label.trim().is_empty() => v.label.trim().to_string(),
        Some(v) => match v.published {
            Some(day) => format!("the version published {day}"),
            None => "a published version".to_string(),
        },
        None if version == policy.current_version => {
            if policy.label.trim().is_empty() {
                "the current version (not yet published)".to_string()
            } else {
                format!("{} (not yet published)", policy.label.trim())
            }
        }
        None => "a version never published".to_string(),
    }
}

/// The version the report measures `policy` against, by its label.
pub(crate) fn measured_label(policy: &Policy) -> String {
    version_label(policy, policy.measured_version())
}

/// The day the version the report measures `policy` against was published.
pub(crate) fn measured_published(policy: &Policy) -> Option<NaiveDate> {
    policy.first_published(policy.measured_version())
}

/// What a cell says beyond its status: its due date (`by …` while due,
/// `since …` once overdue); for a completion, its date (and for one that
/// no longer counts, the version read); `on behalf` and its note for a
/// paper sign-off.
pub(crate) fn cell_detail(policy: &Policy, cell: &Cell<'_>) -> String {
    let due = cell.due.map(|d| match cell.status {
        Status::Overdue => format!("since {d}"),
        _ => format!("by {d}"),
    });
    let read = cell.completion.map(|c| {
        let by_hand = match (c.method, c.note.as_deref()) {
            (Method::OnBehalf, Some(note)) if !note.trim().is_empty() => {
                format!(", on behalf: {}", note.trim())
            }
            (Method::OnBehalf, _) => ", on behalf".to_string(),
            (Method::Token, _) => String::new(),
        };
        if policy.counts_as_current(&c.policy_version) && cell.status != Status::Complete {
            format!("last completed {}{by_hand}", format_date(c.completed_at))
        } else if cell.status == Status::Complete {
            format!("{}{by_hand}", format_date(c.completed_at))
        } else {
            format!(
                "read {} on {}{by_hand}",
                version_label(policy, &c.policy_version),
                format_date(c.completed_at)
            )
        }
    });
    [due, read]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
}

/// For each policy of `library` whose `required_for` names a role that
/// nobody on `roster` has, the policy and that role: most likely a
/// misspelling, which would silently excuse the people meant.
pub fn roles_missing(library: &Library, roster: &Roster) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for policy in &library.policies {
        for role in &policy.required_for {
            let role = role.trim();
            if role.eq_ignore_ascii_case("all") || role.is_empty() {
                continue;
            }
            let held = roster
                .people()
                .iter()
                .any(|p| p.role.trim().eq_ignore_ascii_case(role));
            if !held {
                missing.push((policy.id.clone(), role.to_string()));
            }
        }
    }
    missing
}

#[cfg(test)]
pub(crate) mod tests;
