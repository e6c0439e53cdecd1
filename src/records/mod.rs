//! The records side: who has read which version. Takes completion tokens
//! and the school's staff list and gives the ledger and the compliance
//! report.
//!
//! [`token`] makes staff codes and checks completion tokens, [`roster`]
//! reads the staff list, [`ledger`] imports tokens into the SQLite ledger,
//! and [`report`] says who has read the current version.

pub mod ledger;
pub mod report;
pub mod roster;
pub mod token;
