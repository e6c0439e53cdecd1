//! Small leaf helpers that every stage may use and that use nothing of the
//! rest of the crate but its error type: text made safe for where it is
//! printed, files written privately, and every YAML file parsed with its
//! errors at their lines.

pub mod fs;
pub mod html;
pub mod paths;
pub(crate) mod source;
pub mod text;
pub(crate) mod yaml;
