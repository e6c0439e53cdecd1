//! handbook: a static-site generator for school policies, with a staff
//! training course, signed completion tokens and a compliance ledger.
//!
//! The build flows one way: [`config`] and [`content`] load the site,
//! [`markdown`] renders each page, [`site`] validates and assembles it,
//! [`render`] applies the Tera theme and [`site`] writes it atomically.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diff;
pub mod error;
pub mod incremental;
pub mod markdown;
pub mod quiz;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod tool;
pub mod versions;
