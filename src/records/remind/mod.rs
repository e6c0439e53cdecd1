//! Reminders (SPEC §8): who still has something to read, and the e-mail
//! that tells them. Takes the report (everyone's status on every policy)
//! and the master key; gives one [`Reminder`] per person with anything
//! due, overdue, to re-read or to renew, each with their personal link.
//!
//! [`message`] writes a reminder as an e-mail (an `.eml` draft, or the
//! message [`send`] delivers), [`merge_csv`] the same as a mail-merge
//! table, and [`log`] remembers which days reminders were sent on, so that
//! nobody is chased twice in a day by mistake.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::records::letters;
use crate::records::policy::Policy;
use crate::records::report::{Report, Status, completed_on};
use crate::records::roster::Person;
use crate::records::token::MasterKey;
use crate::util::text::csv_cell;

pub mod log;
pub mod message;
pub mod send;

/// One policy a person still has to do something about.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// What they must do.
    pub task: Task,
    /// The day it is (or was) due by.
    pub due: NaiveDate,
    /// True once that day has passed.
    pub overdue: bool,
    /// The day they last completed it, if they have.
    pub last_done: Option<NaiveDate>,
    /// The address of the policy's course.
    pub course_link: String,
    /// How many minutes its course takes, when known.
    pub minutes: Option<usize>,
}

/// What a person must do about a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Read it: nothing is recorded yet.
    Read,
    /// Read its new version: what they read has since changed.
    Reread,
    /// Confirm it again: their completion is older than `renew_months`.
    Renew,
}

/// One person's reminder.
#[derive(Debug, Clone)]
pub struct Reminder<'a> {
    /// The person.
    pub person: &'a Person,
    /// What they have to do, overdue first, then by due date.
    pub items: Vec<Item<'a>>,
    /// Their personal link, which signs them in to the course.
    pub personal_link: String,
    /// The file name of their `.eml` draft: their id, made safe, unique.
    pub file_name: String,
}

impl Reminder<'_> {
    /// The earliest due date of the reminder's items.
    pub fn first_due(&self) -> Option<NaiveDate> {
        self.items.iter().map(|i| i.due).min()
    }

    /// How many of its items are overdue.
    pub fn overdue(&self) -> usize {
        self.items.iter().filter(|i| i.overdue).count()
    }
}

/// The page each course starts from, relative to the site's address.
const COURSE_HOME: &str = "course/index.html";

/// Everyone in `report` with anything outstanding, in the report's order
/// (school by school, role by role, by name), with their personal link
/// from `master`; `site` is the site's address, ending in `/`; `minutes`
/// gives each course's length by policy id.
pub fn reminders<'a>(
    report: &Report<'a>,
    master: &MasterKey,
    site: &str,
    minutes: &HashMap<String, usize>,
) -> Vec<Reminder<'a>> {
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    for school in &report.schools {
        for row in school.rows() {
            let mut items: Vec<Item<'a>> = report
                .policies
                .iter()
                .zip(&row.cells)
                .filter_map(|(policy, cell)| {
                    let task = match (cell.status, cell.completion) {
                        (Status::Due, _) | (Status::Overdue, None) => Task::Read,
                        (Status::RenewalDue, _) => Task::Renew,
                        (Status::Overdue, Some(c))
                            if policy.counts_as_current(&c.policy_version) =>
                        {
                            Task::Renew
                        }
                        (Status::NeedsReread | Status::Overdue, _) => Task::Reread,
                        (Status::Complete | Status::NotRequired, _) => return None,
                    };
                    Some(Item {
                        policy,
                        task,
                        due: cell.due?,
                        overdue: cell.status == Status::Overdue,
                        last_done: cell.completion.and_then(completed_on),
                        course_link: format!("{site}{COURSE_HOME}#course-{}", policy.id),
                        minutes: minutes.get(&policy.id).copied(),
                    })
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            items.sort_by_key(|i| (!i.overdue, i.due));
            let issued = letters::issue_one(master, row.person, Some(site));
            out.push(Reminder {
                person: row.person,
                items,
                personal_link: issued.link,
                file_name: file_name(&row.person.id, &mut taken),
            });
        }
    }
    out
}

/// A file name for `id`'s draft: letters, digits, `-`, `_` and `.` kept,
/// anything else made `_`, and a number added if another id came to the
/// same name (ids compare without regard to case, as file systems may).
fn file_name(id: &str, taken: &mut HashSet<String>) -> String {
    let safe: String = id
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = if safe.is_empty() {
        "reminder".to_string()
    } else {
        safe
    };
    let mut name = format!("{safe}.eml");
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{safe}-{n}.eml");
        n += 1;
    }
    name
}

/// What an item asks, as a short phrase for the CSV and the terminal:
/// `read by 2027-01-31`, `re-read (overdue since 2026-11-01)`.
pub fn summary(item: &Item<'_>) -> String {
    let task = match item.task {
        Task::Read => "read",
        Task::Reread => "re-read",
        Task::Renew => "renew",
    };
    if item.overdue {
        format!("{task} (overdue since {})", item.due)
    } else {
        format!("{task} by {}", item.due)
    }
}

/// The reminders as a mail-merge CSV (UTF-8 with a byte-order mark, so
/// that Excel reads its accents; ISO dates): one row per person, their
/// address empty when the roster gives none, so the office can print
/// those.
pub fn merge_csv(reminders: &[Reminder<'_>]) -> Result<Vec<u8>> {
    let fail = |err: csv::Error| Error::io("writing the reminders CSV", std::io::Error::other(err));
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        writer
            .write_record([
                "id",
                "name",
                "email",
                "school",
                "role",
                "first_due",
                "overdue",
                "policies",
                "what_to_do",
                "personal_link",
                "draft",
            ])
            .map_err(fail)?;
        for r in reminders {
            let p = r.person;
            let first_due = r.first_due().map(|d| d.to_string()).unwrap_or_default();
            let overdue = r.overdue().to_string();
            let policies = r
                .items
                .iter()
                .map(|i| i.policy.title.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let what = r
                .items
                .iter()
                .map(|i| format!("{}: {}", i.policy.title, summary(i)))
                .collect::<Vec<_>>()
                .join("; ");
            let draft = if p.email.trim().is_empty() {
                ""
            } else {
                r.file_name.as_str()
            };
            let cells = [
                p.id.as_str(),
                &p.name,
                &p.email,
                &p.school,
                &p.role,
                &first_due,
                &overdue,
                &policies,
                &what,
                &r.personal_link,
                draft,
            ]
            .map(csv_cell);
            writer
                .write_record(cells.iter().map(|c| c.as_ref()))
                .map_err(fail)?;
        }
        writer
            .flush()
            .map_err(|err| Error::io("writing the reminders CSV", err))?;
    }
    Ok(bytes)
}

/// A date as a reminder says it: `31 January 2027`.
pub(crate) fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests;
