//! handbook: a static-site generator for school policies, with a staff
//! training course, signed completion tokens and a compliance ledger.
//!
//! The build flows one way: [`config`] and [`content`] load the site,
//! [`markdown`] renders each page, [`site`] validates and assembles it,
//! [`render`] applies the Tera theme and [`site`] writes it atomically.
//!
//! The records side: [`token`] makes staff codes and checks completion
//! tokens, [`roster`] reads the staff list, [`ledger`] imports tokens into
//! the SQLite ledger, and [`report`] says who has read the current version.

#![warn(missing_docs, unreachable_pub)]

pub mod config;
pub mod content;
pub mod diff;
pub mod error;
pub mod incremental;
pub mod ledger;
pub mod markdown;
pub mod quiz;
pub mod render;
pub mod report;
pub mod roster;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod token;
pub mod tool;
pub mod util;
pub mod versions;
