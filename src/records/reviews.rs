//! The review calendar (SPEC §8). Takes site.yaml's policies and a date;
//! gives every policy with its owner, last and next review and whether
//! that review is overdue or due soon, and the same as an iCalendar file
//! (one all-day event per next review) for SLT's calendar. Nothing here
//! is personal data.

use chrono::NaiveDate;
use icalendar::{Calendar, Component as _, EventLike as _};

use crate::config::{PolicyConfig, ReviewDate, SiteConfig};

/// A review this many days away or fewer is "due soon".
pub const DUE_SOON_DAYS: i64 = 60;

/// Where a policy's next review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    /// Its date has passed.
    Overdue {
        /// Days since it was due.
        days: i64,
    },
    /// Within [`DUE_SOON_DAYS`] (today counts).
    DueSoon {
        /// Days to go.
        days: i64,
    },
    /// Further away.
    Later,
}

impl ReviewState {
    /// As people read it.
    pub fn describe(&self) -> String {
        match *self {
            ReviewState::Overdue { days: 1 } => "overdue by 1 day".to_string(),
            ReviewState::Overdue { days } => format!("overdue by {days} days"),
            ReviewState::DueSoon { days: 0 } => "due today".to_string(),
            ReviewState::DueSoon { days: 1 } => "due in 1 day".to_string(),
            ReviewState::DueSoon { days } => format!("due in {days} days"),
            ReviewState::Later => "not due yet".to_string(),
        }
    }
}

/// One policy's line of the calendar.
#[derive(Debug, Clone)]
pub struct Review<'a> {
    /// The policy.
    pub policy: &'a PolicyConfig,
    /// Who leads its review ("not named" when site.yaml names nobody).
    pub owner: &'a str,
    /// When it was last reviewed.
    pub last: ReviewDate,
    /// When the next review is due.
    pub next: ReviewDate,
    /// Where that stands as of the day asked about.
    pub state: ReviewState,
}

/// Every policy of `config`, in site.yaml's order, as of `today`.
pub fn reviews(config: &SiteConfig, today: NaiveDate) -> Vec<Review<'_>> {
    config
        .policies
        .iter()
        .map(|policy| {
            let state = state_of(policy.next_review, today);
            let owner = policy.owner.trim();
            Review {
                policy,
                owner: if owner.is_empty() { "not named" } else { owner },
                last: policy.reviewed,
                next: policy.next_review,
                state,
            }
        })
        .collect()
}

/// Where a review due on `next` stands on `today`.
fn state_of(next: ReviewDate, today: NaiveDate) -> ReviewState {
    let days = (next.date() - today).num_days();
    if days < 0 {
        ReviewState::Overdue { days: -days }
    } else if days <= DUE_SOON_DAYS {
        ReviewState::DueSoon { days }
    } else {
        ReviewState::Later
    }
}

/// The calendar as an iCalendar file: one all-day event per next review,
/// whose UID is stable for the policy and the date (so a calendar that
/// imports the file again updates the event rather than adding one), with
/// `made` as each event's DTSTAMP.
pub fn to_ics(config: &SiteConfig, reviews: &[Review<'_>], made: NaiveDate) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&format!("{}: policy reviews", config.organisation));
    let stamp = made.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    for review in reviews {
        let policy = review.policy;
        let uid = format!(
            "review-{}-{}-{}@handbook",
            config.id,
            policy.id,
            review.next.date().format("%Y%m%d")
        );
        let description = format!(
            "Review of {} ({}), led by: {}. Last reviewed {}. Current version: {}.",
            policy.title,
            policy.id,
            review.owner,
            review.last.display(),
            policy.version
        );
        let event = icalendar::Event::new()
            .uid(&uid)
            .summary(&format!("Review: {}", policy.title))
            .description(&description)
            .all_day(review.next.date())
            .timestamp(stamp)
            .done();
        calendar.push(event);
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_due_soon_and_later() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let state = |next: &str| state_of(ReviewDate::parse(next).unwrap(), today);
        assert_eq!(state("2026-01"), ReviewState::Overdue { days: 14 });
        assert_eq!(state("2026-03-16"), ReviewState::DueSoon { days: 60 });
        assert_eq!(state("2026-03-17"), ReviewState::Later);
        assert_eq!(
            ReviewState::Overdue { days: 1 }.describe(),
            "overdue by 1 day"
        );
        assert_eq!(ReviewState::DueSoon { days: 0 }.describe(), "due today");
    }
}
