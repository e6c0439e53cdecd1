//! `handbook check`: validates everything without writing anything.

use std::path::Path;

use crate::cli::CheckArgs;
use handbook::error::Result;

pub(crate) fn run(root: &Path, args: &CheckArgs) -> Result<()> {
    let warnings = handbook::site::check(root, args.strict)?;
    for warning in &warnings {
        eprintln!("{warning}");
    }
    println!(
        "Checked: no errors{}",
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", warnings.len())
        }
    );
    Ok(())
}
