//! Small leaf helpers that every stage may use and that use nothing of the
//! rest of the crate but its error type: text made safe for where it is
//! printed, and files written privately.

pub mod fs;
pub mod html;
pub mod paths;
pub mod text;
