//! Attack cases from the security audit (issue 10): each hole the audit
//! found, tried again the way an attacker or a careless office would, and
//! each refused with the reason a user would need.
//!
//! 115 cases in 45 test functions: 17 on the build side, 7 on identity, 83
//! on import (71 of them forged or malformed tokens, each with its own
//! reason) and 8 on serve. Each sub-module's header lists its cases. The
//! browser cases (a shared computer, a code typed with another id) are in
//! `browser::identity`.
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
