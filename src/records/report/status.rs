//! Where one person stands on one policy on a given day (SPEC §8): who
//! must read it, when it is due, and whether a completion still counts.
//! Pure: takes the policy, the person, their completions of it and the
//! day; gives the [`Status`] and the date that goes with it.

use chrono::{DateTime, Months, NaiveDate};

use crate::records::ledger::Completion;
use crate::records::policy::Policy;
use crate::records::roster::Person;

/// Where a person stands on one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    /// Completed the current version (or one with only minor changes since).
    Complete,
    /// Completed an earlier version that has since had a major change; not
    /// yet past its due date.
    NeedsReread,
    /// Completed, but `renew_months` have passed since; not yet past its
    /// due date.
    RenewalDue,
    /// Nothing recorded, and not yet past its due date.
    Due,
    /// Past its due date (with nothing, an out-of-date completion or a
    /// renewal still to do).
    Overdue,
    /// Their role does not have to read this policy.
    NotRequired,
}

impl Status {
    /// As people read it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Complete => "Complete",
            Status::NeedsReread => "Needs to re-read",
            Status::RenewalDue => "Renewal due",
            Status::Due => "Due",
            Status::Overdue => "Overdue",
            Status::NotRequired => "Not required",
        }
    }

    /// As written in the CSV (and as the HTML's class).
    pub(crate) fn code(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::NeedsReread => "needs_reread",
            Status::RenewalDue => "renewal_due",
            Status::Due => "due",
            Status::Overdue => "overdue",
            Status::NotRequired => "not_required",
        }
    }

    /// True when the person still has this policy to (re-)read.
    pub(crate) fn outstanding(self) -> bool {
        !matches!(self, Status::Complete | Status::NotRequired)
    }
}

/// A status with what it rests on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Standing<'a> {
    /// The status.
    pub(crate) status: Status,
    /// The day it is (or was) due by, for anything outstanding.
    pub(crate) due: Option<NaiveDate>,
    /// The completion it rests on: the latest that counts, or for
    /// someone who must re-read (or is overdue doing so), their latest.
    pub(crate) completion: Option<&'a Completion>,
}

/// The day `c` was completed (UTC).
pub(crate) fn completed_on(c: &Completion) -> Option<NaiveDate> {
    DateTime::from_timestamp(c.completed_at, 0).map(|t| t.date_naive())
}

/// The day the policy's current major version was first published: the
/// publication of the last non-minor version up to the one the report
/// measures against (the latest published; unpublished edits do not
/// count). `None` while nothing has been published.
pub(crate) fn major_published(policy: &Policy) -> Option<NaiveDate> {
    let versions = &policy.known_versions;
    let measured = policy.measured_version();
    let mut at = versions.iter().position(|v| v.id == measured)?;
    while at > 0 && versions[at].minor {
        at -= 1;
    }
    versions[at].published
}

/// `date` plus `months` calendar months (the last day of the month when
/// the day does not exist; `None` past the calendar's end).
fn plus_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(u32::try_from(months).ok()?))
}

/// `person`'s standing on `policy` on `today`, from `mine`, their
/// completions of it.
///
/// The assignment date is the latest of the current major version's first
/// publication, the person's start and (with `renew_months`) the last
/// completion plus `renew_months`; it is due `due_days` after that. While
/// the current content is unpublished and nothing else gives a date, the
/// assignment date is `today`, so nobody is overdue on a policy that was
/// never published.
pub(crate) fn standing<'a>(
    policy: &Policy,
    person: &Person,
    mine: &[&'a Completion],
    today: NaiveDate,
) -> Standing<'a> {
    if !policy.is_required_for(&person.role) {
        return Standing {
            status: Status::NotRequired,
            due: None,
            completion: None,
        };
    }
    let latest = |list: &mut dyn Iterator<Item = &'a Completion>| {
        list.max_by_key(|c| (c.completed_at, c.imported_at))
    };
    let counting = latest(
        &mut mine
            .iter()
            .copied()
            .filter(|c| policy.counts_as_current(&c.policy_version)),
    );
    let last = latest(&mut mine.iter().copied());
    let renewal = policy.renew_months.and_then(|months| {
        last.and_then(completed_on)
            .and_then(|d| plus_months(d, months))
    });
    let assigned = [major_published(policy), person.start, renewal]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(today);
    let due = assigned
        .checked_add_signed(chrono::Duration::days(policy.due_days))
        .unwrap_or(assigned);
    let pending = |waiting: Status, completion| Standing {
        status: if today > due {
            Status::Overdue
        } else {
            waiting
        },
        due: Some(due),
        completion,
    };
    match counting {
        Some(c) if renewal.is_some_and(|r| today >= r) => pending(Status::RenewalDue, Some(c)),
        Some(c) => Standing {
            status: Status::Complete,
            due: None,
            completion: Some(c),
        },
        None if last.is_some() => pending(Status::NeedsReread, last),
        None => pending(Status::Due, None),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::records::ledger::Method;
    use crate::records::policy::KnownVersion;
    use crate::records::token::Scores;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn version(id: &str, published: &str, minor: bool) -> KnownVersion {
        KnownVersion {
            id: id.to_string(),
            label: format!("label {id}"),
            published: Some(day(published)),
            minor,
        }
    }

    /// A policy for teachers, due in 30 days, with versions `v1`
    /// (2025-09-01), then whatever `more` adds; current is the last.
    fn policy(more: &[KnownVersion], renew_months: Option<i64>) -> Policy {
        let mut known_versions = vec![version("v1", "2025-09-01", false)];
        known_versions.extend(more.iter().cloned());
        Policy {
            id: "p".to_string(),
            title: "P".to_string(),
            label: String::new(),
            required_for: vec!["Teacher".to_string()],
            due_days: 30,
            renew_months,
            current_version: known_versions.last().unwrap().id.clone(),
            known_versions,
            modules: BTreeMap::new(),
            archived_modules: BTreeMap::new(),
        }
    }

    fn person(role: &str, start: Option<&str>) -> Person {
        Person {
            id: "T1".to_string(),
            name: "Ann".to_string(),
            email: String::new(),
            school: String::new(),
            role: role.to_string(),
            start: start.map(day),
            generation: 1,
            line: 2,
        }
    }

    fn completion(version: &str, on: &str) -> Completion {
        let at = day(on).and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp();
        Completion {
            staff_id: "T1".to_string(),
            policy: "p".to_string(),
            policy_version: version.to_string(),
            completed_at: at,
            imported_at: at,
            scores: Scores(Vec::new()),
            source: "test".to_string(),
            method: Method::Token,
            note: None,
            row: 0,
        }
    }

    fn at(p: &Policy, who: &Person, mine: &[Completion], today: &str) -> (Status, Option<String>) {
        let refs: Vec<&Completion> = mine.iter().collect();
        let s = standing(p, who, &refs, day(today));
        (s.status, s.due.map(|d| d.to_string()))
    }

    #[test]
    fn joining_the_day_after_publication_is_due_from_the_start() {
        let p = policy(&[], None);
        let ann = person("teacher", Some("2025-09-02"));
        assert_eq!(
            at(&p, &ann, &[], "2025-09-10"),
            (Status::Due, Some("2025-10-02".to_string()))
        );
        assert_eq!(
            at(&p, &ann, &[], "2025-10-03"),
            (Status::Overdue, Some("2025-10-02".to_string()))
        );
    }

    #[test]
    fn due_today_is_still_due_and_overdue_the_day_after() {
        let p = policy(&[], None);
        let ann = person("Teacher", None);
        assert_eq!(at(&p, &ann, &[], "2025-10-01").0, Status::Due);
        assert_eq!(at(&p, &ann, &[], "2025-10-02").0, Status::Overdue);
    }

    #[test]
    fn a_start_still_to_come_is_due_from_the_start() {
        let p = policy(&[], None);
        let ann = person("Teacher", Some("2026-01-05"));
        assert_eq!(
            at(&p, &ann, &[], "2025-12-01"),
            (Status::Due, Some("2026-02-04".to_string()))
        );
    }

    #[test]
    fn renewal_falls_due_exactly_renew_months_on() {
        let p = policy(&[], Some(12));
        let ann = person("Teacher", None);
        let done = [completion("v1", "2025-09-15")];
        assert_eq!(at(&p, &ann, &done, "2026-09-14").0, Status::Complete);
        assert_eq!(
            at(&p, &ann, &done, "2026-09-15"),
            (Status::RenewalDue, Some("2026-10-15".to_string()))
        );
        assert_eq!(at(&p, &ann, &done, "2026-10-15").0, Status::RenewalDue);
        assert_eq!(at(&p, &ann, &done, "2026-10-16").0, Status::Overdue);
    }

    #[test]
    fn a_minor_version_after_a_completion_keeps_it_complete() {
        let p = policy(&[version("v2", "2025-11-01", true)], None);
        let ann = person("Teacher", None);
        let done = [completion("v1", "2025-09-15")];
        assert_eq!(at(&p, &ann, &done, "2026-03-01"), (Status::Complete, None));
        // Someone with nothing was due from the major version, not the minor.
        assert_eq!(
            at(&p, &ann, &[], "2025-11-05"),
            (Status::Overdue, Some("2025-10-01".to_string()))
        );
    }

    #[test]
    fn a_major_version_after_a_completion_needs_a_re_read_due_from_its_publication() {
        let p = policy(&[version("v2", "2026-01-10", false)], None);
        let ann = person("Teacher", None);
        let done = [completion("v1", "2025-09-15")];
        assert_eq!(
            at(&p, &ann, &done, "2026-01-20"),
            (Status::NeedsReread, Some("2026-02-09".to_string()))
        );
        assert_eq!(at(&p, &ann, &done, "2026-02-10").0, Status::Overdue);
        let refs: Vec<&Completion> = done.iter().collect();
        let s = standing(&p, &ann, &refs, day("2026-02-10"));
        assert_eq!(s.completion.unwrap().policy_version, "v1");
    }

    #[test]
    fn a_role_outside_required_for_is_not_required() {
        let p = policy(&[], None);
        let done = [completion("v1", "2025-09-15")];
        assert_eq!(
            at(&p, &person("Teacher", None), &done, "2026-01-01").0,
            Status::Complete
        );
        // The same person, now a volunteer on the roster.
        assert_eq!(
            at(&p, &person("Volunteer", None), &done, "2026-01-01"),
            (Status::NotRequired, None)
        );
    }

    #[test]
    fn an_unpublished_policy_is_due_from_today_or_the_start() {
        let mut p = policy(&[], None);
        p.known_versions.clear();
        p.current_version = "draft".to_string();
        assert_eq!(
            at(&p, &person("Teacher", None), &[], "2026-03-01"),
            (Status::Due, Some("2026-03-31".to_string()))
        );
        assert_eq!(
            at(
                &p,
                &person("Teacher", Some("2026-01-01")),
                &[],
                "2026-03-01"
            ),
            (Status::Overdue, Some("2026-01-31".to_string()))
        );
    }
}
