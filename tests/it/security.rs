//! Attack cases from the security audit (issue 10): each hole the audit
//! found, tried again the way an attacker or a careless office would, and
//! each refused with the reason a user would need.
//!
//! One sub-module per side of the product:
//! - `build`: output and scaffold paths, symlinks, heading attributes,
//!   anchor de-duplication, non-UTF-8 input;
//! - `identity`: id-checked staff codes, per-person progress, file modes of
//!   codes and letters, the QR code on letters;
//! - `import`: forged and malformed tokens, wrapped and decorated tokens,
//!   formula and terminal injection, linear scanning, the ledger's locks;
//! - `serve`: idle and half-open connections, reload streams.

mod build;
mod identity;
mod import;
mod serve;
