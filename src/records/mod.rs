//! The records side: who has read which version. Takes the master key, the
//! school's staff list and the completion tokens staff send in; gives
//! their codes and letters, the ledger of completions, the compliance
//! report and the reminders. It reads the built policy only through [`policy`].
//!
//! ```text
//! private (.handbook/: master key) ──▶ token (keys, codes, JWT)
//!                                        │
//! roster (staff CSV) ──┬─────────────────┼──▶ letters (codes CSV, letters)
//!                      │                 ▼
//! policy (versions,  ──┼──▶ ledger::import (scan, check) ──▶ ledger (SQLite)
//!   modules)           │                                        │
//!                      └──────────────▶ report (text, CSV, HTML) ◀┘
//!                                           │
//!                                           ▼
//!                     remind (one e-mail each: .eml drafts, mail-merge CSV,
//!                             SMTP delivery, the sent log)
//! ```
//!
//! [`reviews`] stands apart: the review calendar of the policies
//! themselves (site.yaml only), for SLT.
//!
//! Nothing here prints or knows the command line: errors say what is
//! wrong in these terms, and the binary adds which command to run.

pub mod ledger;
pub mod letters;
pub mod policy;
pub mod private;
pub mod remind;
pub mod report;
pub mod reviews;
pub mod roster;
pub mod token;

/// Whose policy a printed page is about: the heading of the letters and
/// of the report alike.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// The policy's title, e.g. "Social Media Policy".
    pub title: &'a str,
    /// The school or trust.
    pub organisation: &'a str,
    /// The `lang` of the page, e.g. `en-GB`.
    pub language: &'a str,
}
