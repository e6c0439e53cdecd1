//! handbook: a static-site generator for school policies, with a staff
//! training course, signed completion tokens and a compliance ledger.
//!
//! Two sides, each flowing one way over the [`util`] leaf (see
//! `docs/architecture.md`):
//!
//! - the build side: [`config`] and `content` load the site,
//!   [`markdown`] renders each page, [`course`] checks quizzes and tools (and times them)
//!   against the policy, [`site`] validates and assembles the pages,
//!   `render` applies the Tera theme and [`site`] writes the output
//!   atomically; [`serve`] rebuilds it live;
//! - the records side, [`records`]: staff codes and completion tokens, the
//!   roster, the SQLite ledger and the compliance report.
//!
//! Nothing here prints or knows the command line: the `handbook` binary
//! does that.

#![warn(missing_docs, unreachable_pub)]

pub mod config;
pub(crate) mod content;
pub mod course;
pub(crate) mod diff;
pub mod error;
pub(crate) mod incremental;
pub mod markdown;
pub mod records;
pub(crate) mod render;
pub mod scaffold;
pub(crate) mod search;
pub mod serve;
pub mod site;
pub mod util;
pub mod versions;
